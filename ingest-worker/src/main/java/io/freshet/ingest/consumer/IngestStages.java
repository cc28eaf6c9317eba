package io.freshet.ingest.consumer;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Where one table's ingestion spends CPU: the Kafka poll, decoding records into vectors, hot-buffer upkeep (sealing,
 * merging), writing Parquet and committing. Measured as thread CPU time around each stage, so that benchmarks and
 * operators can tell which stage limits throughput; also the wall time and size of each flush and commit. Plain
 * getters: the standalone worker publishes them on the platform MBean server, the connector through Trino's exporter.
 */
public final class IngestStages
        implements IngestStagesMBean
{
    private static final Logger log = LoggerFactory.getLogger(IngestStages.class);
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final AtomicInteger INSTANCES = new AtomicInteger();

    public enum Stage { KAFKA_POLL, DECODE, BUFFER, PARQUET, COMMIT }

    private final LongAdder[] cpuNanos = new LongAdder[Stage.values().length];
    private final LongAdder records = new LongAdder();
    private final LongAdder throttledNanos = new LongAdder();
    private final LongAdder flushes = new LongAdder();
    private final LongAdder flushNanos = new LongAdder();
    private final LongAdder flushedBytes = new LongAdder();
    private final LongAdder commits = new LongAdder();
    private final LongAdder commitNanos = new LongAdder();
    private volatile long lastFlushNanos;
    private volatile long lastCommitNanos;
    private ObjectName name;

    public IngestStages()
    {
        for (int i = 0; i < cpuNanos.length; i++) {
            cpuNanos[i] = new LongAdder();
        }
    }

    /** CPU time of the calling thread so far, the start of a stage. */
    public static long threadCpuNanos()
    {
        return THREADS.getCurrentThreadCpuTime();
    }

    /** Charges the calling thread's CPU time since {@code startCpuNanos} to the stage; returns the current CPU time for the next stage. */
    public long charge(Stage stage, long startCpuNanos)
    {
        long now = THREADS.getCurrentThreadCpuTime();
        cpuNanos[stage.ordinal()].add(now - startCpuNanos);
        return now;
    }

    public void addRecords(long count)
    {
        records.add(count);
    }

    public void addThrottled(long nanos)
    {
        throttledNanos.add(nanos);
    }

    /** One flush's Parquet writing: its wall time and the bytes of the files it wrote. */
    public void addFlush(long wallNanos, long bytes)
    {
        flushes.increment();
        flushNanos.add(wallNanos);
        flushedBytes.add(bytes);
        lastFlushNanos = wallNanos;
    }

    /** One Iceberg commit: wall time from the start of the catalog transaction until the snapshot is current. */
    public void addCommit(long wallNanos)
    {
        commits.increment();
        commitNanos.add(wallNanos);
        lastCommitNanos = wallNanos;
    }

    public long cpuNanos(Stage stage)
    {
        return cpuNanos[stage.ordinal()].sum();
    }

    /** Publishes these figures on the platform MBean server, for the standalone worker and benchmarks. */
    public void register(String table)
    {
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            name = new ObjectName("io.freshet.ingest:type=IngestStages,table=" + ObjectName.quote(table) + ",instance=" + INSTANCES.incrementAndGet());
            server.registerMBean(this, name);
        }
        catch (JMException e) {
            log.debug("Cannot publish the ingest stages of {} over JMX: {}", table, e.getMessage());
            name = null;
        }
    }

    public void unregister()
    {
        if (name != null) {
            try {
                ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
            }
            catch (JMException e) {
                log.debug("Cannot remove {} from JMX: {}", name, e.getMessage());
            }
            name = null;
        }
    }

    @Override
    public long getRecords()
    {
        return records.sum();
    }

    @Override
    public long getKafkaPollCpuNanos()
    {
        return cpuNanos(Stage.KAFKA_POLL);
    }

    @Override
    public long getDecodeCpuNanos()
    {
        return cpuNanos(Stage.DECODE);
    }

    @Override
    public long getBufferCpuNanos()
    {
        return cpuNanos(Stage.BUFFER);
    }

    @Override
    public long getParquetCpuNanos()
    {
        return cpuNanos(Stage.PARQUET);
    }

    @Override
    public long getCommitCpuNanos()
    {
        return cpuNanos(Stage.COMMIT);
    }

    @Override
    public long getFlushThrottledNanos()
    {
        return throttledNanos.sum();
    }

    @Override
    public long getFlushes()
    {
        return flushes.sum();
    }

    @Override
    public long getFlushNanos()
    {
        return flushNanos.sum();
    }

    @Override
    public long getLastFlushNanos()
    {
        return lastFlushNanos;
    }

    @Override
    public long getFlushedBytes()
    {
        return flushedBytes.sum();
    }

    @Override
    public long getCommits()
    {
        return commits.sum();
    }

    @Override
    public long getCommitNanos()
    {
        return commitNanos.sum();
    }

    @Override
    public long getLastCommitNanos()
    {
        return lastCommitNanos;
    }
}
