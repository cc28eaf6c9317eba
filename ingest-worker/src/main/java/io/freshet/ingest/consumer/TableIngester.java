package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.BatchCoalescer;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.cluster.ClusterMembership;
import io.freshet.ingest.cluster.ClusterSettings;
import io.freshet.ingest.cluster.PartitionAssignment;
import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus.State;
import io.freshet.ingest.flush.FlushCommitter;
import io.freshet.ingest.flush.FlushThrottle;
import io.freshet.ingest.flush.InFlightFiles;
import io.freshet.ingest.flush.ParquetFlusher;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.upkeep.IngestedTable;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The single-writer loop of one table on this node: holds the Kafka partitions the node owns (claimed with an
 * epoch, released when another node owns them, stopped when another writer claimed them), polls them, decodes
 * records into the hot buffer, and hands full or old buffers to an asynchronous flush that writes Parquet and
 * commits one snapshot with the new watermarks of its partitions. Only this loop changes its partitions' data,
 * so their watermarks advance in order.
 */
public final class TableIngester
        implements IngestedTable, AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TableIngester.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    // every poll seals a batch so its rows are visible at once; runs of small ones are merged later
    private static final int COALESCE_MINIMUM_BATCHES = 16;
    private static final int COALESCE_MAXIMUM_ROWS = 64 * 1024;
    // a flush may use this share of one core; the rest stays with the ingest loop and queries
    private static final double FLUSH_CORE_SHARE = 0.75;

    private final TableIdentifier identifier;
    private final Table table;
    private final TableBinding binding;
    private final IngestSettings settings;
    private final TransactionLog transactionLog;
    private final HotBuffer buffer;
    private final PartitionAssignment assignment;
    private final PartitionConsumer partitions;
    private final RecordRouter router;
    private final SchemaAdoption schemaAdoption;
    private final BatchCoalescer coalescer;
    private final Backpressure backpressure;
    private final InFlightFiles inFlightFiles = new InFlightFiles();
    private final FlushCommitter committer;
    private final IngestStages stages = new IngestStages();
    private final FlushScheduler flushes;
    private final PartitionClaims claims;
    private final RecordPoller poller;
    private final TopicPartitions topicPartitions;
    private final Thread thread;
    private final FlushRequests flushRequests = new FlushRequests();
    private final FlushRequestProperty flushRequestProperty;

    private volatile boolean running = true;
    private volatile State state = State.STARTING;
    private volatile String failure;

    public TableIngester(TableIdentifier identifier, Table table, TableBinding binding, IngestSettings settings, BufferAllocator rootAllocator, ClusterMembership membership, ClusterSettings clusterSettings)
    {
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.table = requireNonNull(table, "table is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.settings = requireNonNull(settings, "settings is null");
        requireNonNull(clusterSettings, "clusterSettings is null");
        requireNonNull(rootAllocator, "rootAllocator is null");
        this.transactionLog = new TransactionLog(table);
        this.buffer = new HotBuffer(rootAllocator.newChildAllocator("hot-buffer-" + identifier, 0, Long.MAX_VALUE), transactionLog.current());
        this.assignment = new PartitionAssignment(identifier.toString(), membership, clusterSettings.fenceHoldOff());
        this.partitions = new PartitionConsumer(identifier.toString(), binding, settings, table.schema(), buffer);
        this.router = new RecordRouter(identifier.toString(), table.schema(), table.properties(), binding, settings);
        this.schemaAdoption = new SchemaAdoption(identifier.toString(), table, partitions, router);
        this.coalescer = new BatchCoalescer(COALESCE_MINIMUM_BATCHES, COALESCE_MAXIMUM_ROWS, schemaAdoption::timeRangeKey);
        this.flushRequestProperty = new FlushRequestProperty(table.properties());
        this.backpressure = new Backpressure(rootAllocator, settings.hotBufferMaxBytes(), binding.topic());
        FlushThrottle flushThrottle = new FlushThrottle(FLUSH_CORE_SHARE);
        ParquetFlusher flusher = new ParquetFlusher(table, inFlightFiles, flushThrottle);
        this.committer = new FlushCommitter(transactionLog, flusher);
        this.flushes = new FlushScheduler(identifier.toString(), settings, buffer, flusher, flushThrottle, committer, stages, backpressure, flushRequests, assignment::holds);
        this.poller = new RecordPoller(log, identifier, binding, partitions, router, buffer, backpressure, stages, DataLossPolicy.fromTableProperties(table.properties()), committer);
        this.claims = new PartitionClaims(log, identifier, binding.topic(), clusterSettings, assignment, partitions, transactionLog, buffer, backpressure, committer);
        this.topicPartitions = new TopicPartitions(log, identifier, binding, partitions, claims::refreshSoon);
        this.thread = new Thread(this::run, "freshet-ingest-" + identifier);
        this.thread.setDaemon(true);
        this.thread.setContextClassLoader(TableIngester.class.getClassLoader());
    }

    public TableIngester start()
    {
        thread.start();
        return this;
    }

    public TableIdentifier identifier()
    {
        return identifier;
    }

    public Table table()
    {
        return table;
    }

    public TableBinding binding()
    {
        return binding;
    }

    public HotBuffer buffer()
    {
        return buffer;
    }

    public TransactionLog transactionLog()
    {
        return transactionLog;
    }

    /** Files written by a flush that is not committed yet: orphan cleanup must leave them alone. */
    public InFlightFiles inFlightFiles()
    {
        return inFlightFiles;
    }

    /** Whether a flush is writing or committing now. */
    public boolean flushing()
    {
        return flushes.inFlight();
    }

    /** CPU time by stage of the write path. */
    public IngestStages stages()
    {
        return stages;
    }

    /** The partitions this node holds now, with the epoch it claimed each one at. */
    public Map<Integer, Long> heldPartitions()
    {
        return assignment.epochs();
    }

    /** Completes once everything consumed so far from the partitions this node holds is committed to Iceberg. */
    public CompletableFuture<CommittedState> flush()
    {
        CompletableFuture<CommittedState> future = flushRequests.request(buffer.highWaterMarks());
        if (state == State.FAILED || state == State.STOPPED) {
            future.completeExceptionally(notRunning());
        }
        return future;
    }

    public IngestionStatus status()
    {
        return new IngestionStatus(state, Optional.ofNullable(failure), buffer.status(), poller.consumedRecords(), router.badRecords(), router.deadLetteredRecords(),
                flushes.commits(), flushes.lastCommitMillis(), backpressure.paused(), poller.lostOffsets(), assignment.currentNode(), assignment.epochs(), assignment.fences());
    }

    private void run()
    {
        try {
            schemaAdoption.requireWritable();
            partitions.open();
            while (running && !topicPartitions.refresh()) {
                state = State.WAITING_FOR_TOPIC;
                sleep(Duration.ofSeconds(2));
            }
            state = State.RUNNING;
            while (running) {
                claims.refreshIfDue(flushes.inFlight(), topicPartitions.current());
                pollOnce();
                flushes.completed().ifPresent(claims::committed);
                if (!flushes.inFlight()) {
                    // the flush thread uses the table object; its commit refreshes it, and the check follows that commit
                    schemaAdoption.adoptChanges();
                    answerFlushRequest();
                }
                coalesceSmallBatches();
                flushes.startIfDue(assignment.epochs(), router.deadLetterPublisher());
                buffer.expireLeases(settings.leaseTimeout().toMillis());
                topicPartitions.refreshIfDue();
            }
        }
        catch (WakeupException e) {
            // stop() woke the consumer up
        }
        catch (RuntimeException | Error e) {
            failure = e.getMessage();
            state = State.FAILED;
            log.error("Ingestion of {} from topic {} stopped: {}", identifier, binding.topic(), e.getMessage(), e);
        }
        finally {
            flushes.awaitInFlight();
            committer.abandon();
            partitions.close();
            router.close();
            if (state == State.FAILED) {
                // queries of a failed table read committed rows only, or fail: nothing reads the buffer again
                buffer.close();
            }
            else {
                state = State.STOPPED;
            }
            flushRequests.failAll(this::notRunning);
            schemaAdoption.completeRequests();
        }
    }

    private void pollOnce()
    {
        if (!partitions.hasAssignment()) {
            // this node holds none of the table's partitions now
            sleep(POLL_TIMEOUT);
            return;
        }
        poller.poll(POLL_TIMEOUT);
    }

    /**
     * Makes the loop look for a schema or partition change committed meanwhile (by Freshet or another engine) before
     * its next poll; completes once it has, so that records consumed afterwards are decoded with the new schema.
     */
    public CompletableFuture<Void> checkTableChanges()
    {
        CompletableFuture<Void> checked = schemaAdoption.request();
        if (state == State.FAILED || state == State.STOPPED) {
            schemaAdoption.completeRequests();
        }
        return checked;
    }

    /** Flushes when the table carries a flush request this ingester has not answered (asked by a CALL on another node). */
    private void answerFlushRequest()
    {
        Map<String, String> properties;
        try {
            // reading the metadata after a commit whose outcome was unknown refreshes it
            properties = table.properties();
        }
        catch (RuntimeException e) {
            // a catalog or storage outage: the schema check logged it, and the next round looks again
            return;
        }
        if (flushRequestProperty.takeNewRequest(properties)) {
            flush();
        }
    }

    private void coalesceSmallBatches()
    {
        // a failed commit waiting for its retry covers batches up to its target: a merged batch must not straddle it
        if (flushes.inFlight() || committer.hasPending()) {
            return;
        }
        long cpu = IngestStages.threadCpuNanos();
        coalescer.coalesce(buffer, partitions.assigned());
        stages.charge(IngestStages.Stage.BUFFER, cpu);
    }

    @Override
    public Set<Long> snapshotsInUse()
    {
        return buffer.snapshotsInUse();
    }

    @Override
    public Set<String> filesInFlight()
    {
        return inFlightFiles.snapshot();
    }

    @Override
    public void adoptSnapshot(CommittedState committed)
    {
        buffer.adoptSnapshot(committed);
    }

    private IllegalStateException notRunning()
    {
        return new IllegalStateException("Ingestion of " + identifier + " is " + state + (failure == null ? "" : ": " + failure));
    }

    private void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close()
    {
        running = false;
        partitions.wakeup();
        awaitTermination();
        // batches still read by running queries keep their memory until those queries release them
        buffer.close();
    }

    /**
     * Waits until the ingest thread and its flush have ended, however long a commit in flight takes, so
     * that no ingester of the same table starts to commit beside this one.
     */
    public void awaitTermination()
    {
        try {
            while (thread.isAlive()) {
                thread.join(TimeUnit.MINUTES.toMillis(1));
                if (thread.isAlive()) {
                    log.warn("Waiting for ingestion of {} to stop: its flush is still committing", identifier);
                }
            }
            flushes.awaitTermination();
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
