package io.freshet.ingest.commit;

import io.freshet.ingest.commit.TransactionLog.CommittedState;
import io.freshet.ingest.commit.TransactionLog.ConcurrentWriterException;
import io.freshet.ingest.flush.ParquetFlusher;
import org.apache.iceberg.DataFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Queue;
import java.util.UUID;
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
    private volatile PendingCommit pending;
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

    /** The watermark the pending commit moves to, if one waits. */
    public Optional<OffsetWatermark> pendingTarget()
    {
        return Optional.ofNullable(pending).map(PendingCommit::target);
    }

    /** Notes offsets Kafka's retention deleted before they were ingested: the commit that moves past them names them. */
    public void lost(LostOffsets range)
    {
        lostOffsets.add(range);
    }

    /** Commits newly written files that move the watermark from {@code base} to {@code target}. */
    public CommittedState commit(List<DataFile> files, OffsetWatermark base, OffsetWatermark target)
    {
        if (pending != null) {
            throw new IllegalStateException("A failed commit must be retried before a new one");
        }
        List<LostOffsets> passed = new ArrayList<>();
        for (LostOffsets range : List.copyOf(lostOffsets)) {
            if (target.nextOffset(range.partition()) >= range.toOffset()) {
                passed.add(range);
                lostOffsets.remove(range);
            }
        }
        pending = new PendingCommit(List.copyOf(files), base, target, UUID.randomUUID().toString(), List.copyOf(passed));
        return attempt();
    }

    /** Commits the files of the failed commit again, or finds that it landed. */
    public CommittedState retryPending()
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
        PendingCommit abandoned = pending;
        if (abandoned != null) {
            pending = null;
            flusher.release(abandoned.files());
            log.warn("Commit {} of {} to watermark {} did not complete before ingestion stopped; its {} data files are left to orphan cleanup unless it landed",
                    abandoned.commitId(), transactionLog.table().name(), abandoned.target(), abandoned.files().size());
        }
    }

    private CommittedState attempt()
    {
        PendingCommit commit = pending;
        try {
            CommittedState committed = transactionLog.append(commit.files(), commit.base(), commit.target(), commit.commitId(), commit.lostOffsets());
            flusher.release(commit.files());
            pending = null;
            consecutiveFailures = 0;
            return committed;
        }
        catch (ConcurrentWriterException e) {
            // the commit id is in no snapshot since the base: the files were never committed
            flusher.discard(commit.files());
            flusher.release(commit.files());
            pending = null;
            throw e;
        }
        catch (RuntimeException e) {
            consecutiveFailures++;
            log.warn("Commit {} of {} to watermark {} failed (attempt {}); retrying with the same {} data files in {}: {}",
                    commit.commitId(), transactionLog.table().name(), commit.target(), consecutiveFailures, commit.files().size(), retryDelay(), e.getMessage());
            throw e;
        }
    }

    private record PendingCommit(List<DataFile> files, OffsetWatermark base, OffsetWatermark target, String commitId, List<LostOffsets> lostOffsets)
    {
        PendingCommit
        {
            requireNonNull(files, "files is null");
            requireNonNull(base, "base is null");
            requireNonNull(target, "target is null");
            requireNonNull(commitId, "commitId is null");
            requireNonNull(lostOffsets, "lostOffsets is null");
        }
    }
}
