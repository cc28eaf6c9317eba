package io.freshet.ingest.flush;

import io.freshet.ingest.commit.CommitResult;
import io.freshet.ingest.commit.IngestCommit;
import io.freshet.ingest.commit.LostOffsets;
import io.freshet.ingest.commit.TransactionLog;
import org.apache.iceberg.DataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;

import static java.util.Objects.requireNonNull;

/**
 * Commits the data files of flushes and owns those written but not committed yet. A commit that fails
 * keeps its files, its target watermark and its commit id: the next attempt commits the same files
 * again instead of writing the hot buffer anew, so a long catalog or storage outage costs no disk per
 * retry; and an attempt whose earlier try landed although it reported a failure finds its own snapshot
 * by the commit id instead of taking it for a second writer. Attempts back off while the outage lasts.
 * Only the flush thread of one table calls it.
 */
public final class FlushCommitter
{
    private static final Logger log = LoggerFactory.getLogger(FlushCommitter.class);
    private static final Duration FIRST_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_RETRY_DELAY = Duration.ofMinutes(1);

    private final TransactionLog transactionLog;
    private final ParquetFlusher flusher;
    private final Queue<LostOffsets> lostOffsets = new ConcurrentLinkedQueue<>();
    private volatile IngestCommit pending;
    private volatile int consecutiveFailures;

    public FlushCommitter(TransactionLog transactionLog, ParquetFlusher flusher)
    {
        this.transactionLog = requireNonNull(transactionLog, "transactionLog is null");
        this.flusher = requireNonNull(flusher, "flusher is null");
    }

    /** True when files of a failed commit wait to be committed again: the next flush must call {@link #retryPending()}. */
    public boolean hasPending()
    {
        return pending != null;
    }

    /** Notes offsets Kafka's retention deleted before they were ingested: the commit that moves past them names them. */
    public void lost(LostOffsets range)
    {
        lostOffsets.add(range);
    }

    /** Forgets the lost ranges of partitions this writer no longer holds: their next holder finds the loss again. */
    public void forget(Collection<Integer> partitions)
    {
        lostOffsets.removeIf(range -> partitions.contains(range.partition()));
    }

    /**
     * Commits newly written files (per Kafka partition, one per Iceberg partition and schema) that move each
     * partition's watermark from {@code fromOffsets} to {@code toOffsets}, as the holder of each at the given epoch. Files of partitions another
     * writer holds now are deleted, never committed; the result names those partitions.
     */
    public CommitResult commit(Map<Integer, List<DataFile>> files, Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, Map<Integer, Long> epochs)
    {
        if (pending != null) {
            throw new IllegalStateException("A failed commit must be retried before a new one");
        }
        List<LostOffsets> passed = new ArrayList<>();
        for (LostOffsets range : List.copyOf(lostOffsets)) {
            Long target = toOffsets.get(range.partition());
            if (target != null && target >= range.toOffset()) {
                passed.add(range);
                lostOffsets.remove(range);
            }
        }
        Map<Integer, List<DataFile>> filesByPartition = new TreeMap<>();
        files.forEach((partition, written) -> filesByPartition.put(partition, List.copyOf(written)));
        pending = new IngestCommit(filesByPartition, fromOffsets, toOffsets, epochs, passed);
        return attempt();
    }

    /** Commits the files of the failed commit again, or finds that it landed. */
    public CommitResult retryPending()
    {
        if (pending == null) {
            throw new IllegalStateException("No failed commit to retry");
        }
        return attempt();
    }

    /** How long to wait before the next flush after a failed one: doubling from one second to one minute. */
    public Duration retryDelay()
    {
        int failures = consecutiveFailures;
        if (failures == 0) {
            return Duration.ZERO;
        }
        long millis = FIRST_RETRY_DELAY.toMillis() << Math.min(failures - 1, 16);
        return Duration.ofMillis(Math.min(millis, MAX_RETRY_DELAY.toMillis()));
    }

    /** Counts a flush that failed before it reached the catalog (writing its files), for the backoff. */
    public void writeFailed()
    {
        consecutiveFailures++;
    }

    public int consecutiveFailures()
    {
        return consecutiveFailures;
    }

    /**
     * Gives up the pending commit when ingestion stops: its files may be in a snapshot that landed, so they
     * are not deleted; orphan cleanup removes them once no snapshot references them.
     */
    public void abandon()
    {
        IngestCommit abandoned = pending;
        if (abandoned != null) {
            pending = null;
            flusher.release(abandoned.allFiles());
            log.warn("Commit {} of {} to watermarks {} did not complete before ingestion stopped; its {} data files are left to orphan cleanup unless it landed",
                    abandoned.commitId(), transactionLog.table().name(), abandoned.toOffsets(), abandoned.allFiles().size());
        }
    }

    private CommitResult attempt()
    {
        IngestCommit commit = pending;
        try {
            CommitResult result = transactionLog.commit(commit);
            List<DataFile> fencedFiles = new ArrayList<>();
            result.fenced().keySet().forEach(partition -> fencedFiles.addAll(commit.files(partition)));
            // the files of fenced partitions are in no snapshot: the last try left them out, and no earlier try landed
            flusher.discard(fencedFiles);
            flusher.release(commit.allFiles());
            pending = null;
            consecutiveFailures = 0;
            return result;
        }
        catch (RuntimeException e) {
            consecutiveFailures++;
            log.warn("Commit {} of {} to watermarks {} failed (attempt {}); retrying with the same {} data files in {}: {}",
                    commit.commitId(), transactionLog.table().name(), commit.toOffsets(), consecutiveFailures, commit.allFiles().size(), retryDelay(), e.getMessage());
            throw e;
        }
    }
}
