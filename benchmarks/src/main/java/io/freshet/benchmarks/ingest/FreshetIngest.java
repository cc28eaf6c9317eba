package io.freshet.benchmarks.ingest;

import io.freshet.benchmarks.workload.Events;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;

import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Freshet inside an in-process Trino (coordinator only, so it also ingests): each run creates a new table on the
 * pre-loaded topic, which consumes it from offset 0, and watches system.ingest_status until every event is committed.
 */
final class FreshetIngest
        implements AutoCloseable
{
    private final DistributedQueryRunner queryRunner;

    FreshetIngest(String bootstrapServers, Path warehouse, Duration commitInterval)
            throws Exception
    {
        // default flush size (128MB of Arrow) and hot-buffer cap (1GB); commits at the same interval as the sink
        queryRunner = FreshetQueryRunner.create(bootstrapServers, warehouse, Map.of("freshet.flush.interval", commitInterval.toSeconds() + "s"));
        queryRunner.execute("CREATE SCHEMA freshet.bench");
    }

    IngestRun run(String table, String topic, long events, Duration timeout)
            throws InterruptedException
    {
        IngestRun run = new IngestRun(events);
        long start = System.nanoTime();
        queryRunner.execute("CREATE TABLE freshet.bench.%s (%s) WITH (kafka_topic = '%s')".formatted(table, Events.COLUMNS, topic));
        String progress = "SELECT coalesce(sum(high_water_mark), 0), coalesce(sum(offset_watermark), 0) FROM freshet.system.ingest_status WHERE schema_name = 'bench' AND table_name = '%s'".formatted(table);
        while (true) {
            MaterializedRow row = queryRunner.execute(progress).getMaterializedRows().getFirst();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run.sample(seconds, ((Number) row.getField(0)).longValue(), ((Number) row.getField(1)).longValue())) {
                run.cpuSecondsPerMillionEvents().putAll(stageCpu("bench." + table));
                return run;
            }
            if (seconds > timeout.toSeconds()) {
                throw new IllegalStateException("Freshet did not commit %,d events within %s; last progress: %s".formatted(events, timeout, row));
            }
            // Trino plans and runs every poll: twice a second keeps its share of the CPU small
            Thread.sleep(500);
        }
    }

    /**
     * CPU seconds per million events of each stage of the write path, from the table's IngestStages MBean: the Kafka
     * poll, decoding into vectors, hot-buffer upkeep, Parquet writing and the commit.
     */
    static Map<String, Double> stageCpu(String table)
    {
        Map<String, Double> perMillion = new LinkedHashMap<>();
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            Set<ObjectName> names = server.queryNames(new ObjectName("io.freshet.ingest:type=IngestStages,table=" + ObjectName.quote(table) + ",*"), null);
            if (names.isEmpty()) {
                return perMillion;
            }
            ObjectName name = names.iterator().next();
            double millions = ((Number) server.getAttribute(name, "Records")).longValue() / 1e6;
            for (Map.Entry<String, String> stage : Map.of(
                    "kafka poll", "KafkaPollCpuNanos",
                    "decode", "DecodeCpuNanos",
                    "buffer", "BufferCpuNanos",
                    "parquet", "ParquetCpuNanos",
                    "commit", "CommitCpuNanos").entrySet()) {
                perMillion.put(stage.getKey(), ((Number) server.getAttribute(name, stage.getValue())).longValue() / 1e9 / millions);
            }
            perMillion.put("flush throttled (wall s)", ((Number) server.getAttribute(name, "FlushThrottledNanos")).longValue() / 1e9 / millions);
        }
        catch (JMException e) {
            throw new IllegalStateException("Cannot read the ingest stages of " + table, e);
        }
        return perMillion;
    }

    void drop(String table)
    {
        queryRunner.execute("DROP TABLE freshet.bench." + table);
    }

    @Override
    public void close()
    {
        queryRunner.close();
    }
}
