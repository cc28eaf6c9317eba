package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.FlushPlan;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.commit.CommitResult;
import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.flush.FlushCommitter;
import io.freshet.ingest.flush.FlushThrottle;
import io.freshet.ingest.flush.ParquetFlusher;
import io.freshet.ingest.settings.IngestSettings;
import org.apache.iceberg.DataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntPredicate;

import static java.util.Objects.requireNonNull;

/**
 * When a table flushes, and the flush itself: once the hot buffer is large or old enough, a flush request waits,
 * or a pause of consumption needs the memory, the batches of the partitions this node holds are written to Parquet
 * and committed on a low-priority thread while the ingest loop keeps consuming. One flush runs at a time, so each
 * partition's watermark moves forward in order. Only the ingest loop calls it, except {@link #awaitTermination()}.
 */
final class FlushScheduler
{
    private static final Logger log = LoggerFactory.getLogger(FlushScheduler.class);

    private final String table;
    private final IngestSettings settings;
    private final HotBuffer buffer;
    private final ParquetFlusher flusher;
    private final FlushThrottle throttle;
    private final FlushCommitter committer;
    private final IngestStages stages;
    private final Backpressure backpressure;
    private final FlushRequests requests;
    private final IntPredicate held;
    private final ExecutorService executor;
    private final AtomicLong commits = new AtomicLong();
    private volatile Long lastCommitMillis;
    private volatile CompletableFuture<CommitResult> inFlight;
    private long nextAttemptNanos;

    FlushScheduler(String table, IngestSettings settings, HotBuffer buffer, ParquetFlusher flusher, FlushThrottle throttle, FlushCommitter committer, IngestStages stages,
            Backpressure backpressure, FlushRequests requests, IntPredicate held)
    {
        this.table = requireNonNull(table, "table is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.buffer = requireNonNull(buffer, "buffer is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
        this.committer = requireNonNull(committer, "committer is null");
        this.stages = requireNonNull(stages, "stages is null");
        this.backpressure = requireNonNull(backpressure, "backpressure is null");
        this.requests = requireNonNull(requests, "requests is null");
        this.held = requireNonNull(held, "held is null");
        this.executor = Executors.newSingleThreadExecutor(runnable -> {
            Thread flushThread = new Thread(runnable, "freshet-flush-" + table);
            flushThread.setDaemon(true);
            // a flush is background work: ingestion and queries come first where the platform honours priorities
            flushThread.setPriority(Thread.MIN_PRIORITY);
            flushThread.setContextClassLoader(FlushScheduler.class.getClassLoader());
            return flushThread;
        });
    }

    /** Whether a flush is writing or committing now. */
    boolean inFlight()
    {
        return inFlight != null;
    }

    long commits()
    {
        return commits.get();
    }

    Optional<Long> lastCommitMillis()
    {
        return Optional.ofNullable(lastCommitMillis);
    }

    /** Starts a flush of the partitions held at the given epochs when one is due and none runs. */
    void startIfDue(Map<Integer, Long> epochs, DeadLetterPublisher publisher)
    {
        completeSatisfiedRequests(buffer.committed());
        if (inFlight != null || System.nanoTime() < nextAttemptNanos) {
            return;
        }
        long age = buffer.unflushedAgeNanos();
        boolean due = requests.waiting()
                || buffer.bufferedBytes() >= settings.flushMaxBytes()
                || (age >= 0 && age >= settings.flushInterval().toNanos())
                || (age >= 0 && backpressure.pauseFreesMemory(buffer.bufferedBytes()));
        if (!due && !committer.hasPending()) {
            return;
        }
        Optional<FlushPlan> plan = buffer.planFlush();
        if (plan.isEmpty() && !committer.hasPending()) {
            return;
        }
        inFlight = CompletableFuture.supplyAsync(() -> flushAndCommit(plan, publisher, epochs), executor);
    }

    private CommitResult flushAndCommit(Optional<FlushPlan> maybePlan, DeadLetterPublisher publisher, Map<Integer, Long> epochs)
    {
        try {
            if (publisher != null) {
                publisher.awaitSent();
            }
            long cpu = IngestStages.threadCpuNanos();
            CommitResult result;
            long commitStarted;
            if (committer.hasPending() || maybePlan.isEmpty()) {
                // the files of the failed commit are committed first; the rest of the buffer flushes next
                commitStarted = System.nanoTime();
                result = committer.retryPending();
            }
            else {
                FlushPlan plan = maybePlan.get();
                // only the partitions this node holds, and only those that moved, are this commit's
                Map<Integer, Long> from = new TreeMap<>();
                Map<Integer, Long> to = new TreeMap<>();
                for (Map.Entry<Integer, Long> entry : plan.target().nextOffsets().entrySet()) {
                    int partition = entry.getKey();
                    if (epochs.containsKey(partition) && entry.getValue() > plan.base().nextOffset(partition)) {
                        from.put(partition, plan.base().nextOffset(partition));
                        to.put(partition, entry.getValue());
                    }
                }
                if (to.isEmpty()) {
                    return new CommitResult(buffer.committed(), Map.of(), epochs);
                }
                long throttled = throttle.sleptNanos();
                long writeStarted = System.nanoTime();
                Map<Integer, List<DataFile>> files;
                try {
                    files = flusher.writeByPartition(plan.batches().stream().filter(batch -> to.containsKey(batch.partition())).toList());
                }
                catch (RuntimeException e) {
                    committer.writeFailed();
                    throw e;
                }
                commitStarted = System.nanoTime();
                stages.addFlush(commitStarted - writeStarted, files.values().stream().flatMap(List::stream).mapToLong(DataFile::fileSizeInBytes).sum());
                cpu = stages.charge(IngestStages.Stage.PARQUET, cpu);
                stages.addThrottled(throttle.sleptNanos() - throttled);
                result = committer.commit(files, from, to, epochs);
            }
            stages.addCommit(System.nanoTime() - commitStarted);
            buffer.publishCommit(result.committed());
            stages.charge(IngestStages.Stage.COMMIT, cpu);
            log.debug("Committed {} to watermark {}", table, result.committed().watermark());
            return result;
        }
        finally {
            maybePlan.ifPresent(FlushPlan::close);
        }
    }

    /**
     * The outcome of the flush that finished since the last call, if one did. A failed flush is retried after the
     * committer's backoff; a dead-letter failure stops the table.
     */
    Optional<CommitResult> completed()
    {
        CompletableFuture<CommitResult> flush = inFlight;
        if (flush == null || !flush.isDone()) {
            return Optional.empty();
        }
        try {
            CommitResult result = flush.join();
            commits.incrementAndGet();
            lastCommitMillis = System.currentTimeMillis();
            completeSatisfiedRequests(result.committed());
            return Optional.of(result);
        }
        catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof DeadLetterPublisher.DeadLetterException deadLetter) {
                throw deadLetter;
            }
            if (!committer.hasPending()) {
                log.warn("Flush of {} failed, retrying in {}: {}", table, committer.retryDelay(), cause.getMessage(), cause);
            }
            nextAttemptNanos = System.nanoTime() + committer.retryDelay().toNanos();
            return Optional.empty();
        }
        finally {
            inFlight = null;
        }
    }

    private void completeSatisfiedRequests(CommittedState committed)
    {
        requests.completeSatisfied(committed.watermark(), held, buffer::committed);
    }

    /** Waits for the flush in flight to end however long its commit takes: a restarted ingester must not commit beside it. */
    void awaitInFlight()
    {
        CompletableFuture<CommitResult> flush = inFlight;
        if (flush == null) {
            return;
        }
        try {
            while (true) {
                try {
                    flush.get(1, TimeUnit.MINUTES);
                    break;
                }
                catch (TimeoutException e) {
                    log.warn("Ingestion of {} is stopping and waits for its flush to finish committing", table);
                }
            }
            commits.incrementAndGet();
            completeSatisfiedRequests(buffer.committed());
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            log.warn("Interrupted while waiting for the flush of {} to finish", table);
        }
        catch (Exception e) {
            log.warn("Flush of {} did not complete while stopping: {}", table, e.getMessage());
        }
        inFlight = null;
    }

    /** Waits until the flush thread has ended, however long a commit in flight takes. */
    void awaitTermination()
            throws InterruptedException
    {
        executor.shutdown();
        while (!executor.awaitTermination(1, TimeUnit.MINUTES)) {
            log.warn("Waiting for the flush of {} to finish committing", table);
        }
    }
}
