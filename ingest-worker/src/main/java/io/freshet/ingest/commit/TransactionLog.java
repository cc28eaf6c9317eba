package io.freshet.ingest.commit;

import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.util.SnapshotUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The chain of Iceberg snapshots of a table, read as Freshet's transaction log: every commit's summary
 * carries the offset watermark, so the data and the Kafka progress are committed by one atomic catalog
 * update and recovery needs no second store.
 */
public final class TransactionLog
{
    /** Snapshot summary key holding the offset watermark as JSON, {"partition": nextOffset, ...}. */
    public static final String WATERMARK_KEY = "freshet.offset-watermark";
    /** Snapshot summary key naming the commit that made it, so a retried commit recognises its own snapshot. */
    public static final String COMMIT_ID_KEY = "freshet.commit-id";
    private static final int MAX_ATTEMPTS = 10;

    private final Table table;

    public TransactionLog(Table table)
    {
        this.table = requireNonNull(table, "table is null");
    }

    public Table table()
    {
        return table;
    }

    /**
     * The watermark a snapshot carries, or that of its nearest ancestor that has one: ingest commits carry
     * it; compaction, manifest rewrites and other engines' commits do not. A chain cut by snapshot expiry
     * before any watermark is found is an error, because starting over from the earliest offsets would
     * ingest every record twice.
     */
    public OffsetWatermark watermark(Snapshot snapshot)
    {
        Snapshot ancestor = snapshot;
        while (true) {
            String json = ancestor.summary().get(WATERMARK_KEY);
            if (json != null) {
                return OffsetWatermark.fromJson(json);
            }
            Long parentId = ancestor.parentId();
            if (parentId == null) {
                return OffsetWatermark.EMPTY;
            }
            Snapshot parent = table.snapshot(parentId);
            if (parent == null) {
                throw new IllegalStateException(("The offset watermark of %s cannot be found: snapshot %s descends from expired snapshot %s and no snapshot in between carries %s. "
                        + "Snapshot expiry outside Freshet removed the last ingest commit; expire snapshots with CALL system.expire_snapshots, which keeps it")
                        .formatted(table.name(), ancestor.snapshotId(), parentId, WATERMARK_KEY));
            }
            ancestor = parent;
        }
    }

    /** Snapshots from the current one back to the newest ingest commit: expiring any of them would lose the watermark. */
    public List<Long> watermarkChain()
    {
        table.refresh();
        List<Long> chain = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            chain.add(snapshot.snapshotId());
            if (snapshot.summary().containsKey(WATERMARK_KEY)) {
                break;
            }
        }
        return chain;
    }

    /** The table's current snapshot and its watermark, read fresh from the catalog. */
    public CommittedState current()
    {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return new CommittedState(Optional.empty(), OffsetWatermark.EMPTY);
        }
        return new CommittedState(Optional.of(snapshot.snapshotId()), watermark(snapshot));
    }

    /**
     * Appends data files and advances the watermark from {@code expected} to {@code next} in one snapshot.
     * A commit whose outcome is unknown is checked against the catalog before it is tried again, so a file
     * set is never appended twice; a watermark that moved elsewhere means a second writer, which is refused.
     */
    public CommittedState append(List<DataFile> files, OffsetWatermark expected, OffsetWatermark next)
    {
        return append(files, expected, next, UUID.randomUUID().toString(), List.of());
    }

    /**
     * Like {@link #append(List, OffsetWatermark, OffsetWatermark)} for a commit tried before under the same
     * {@code commitId}: when one of those tries landed, it is found by the id in the snapshots since
     * {@code expected}, and the table's current state is returned instead of a second append. Offsets that
     * Kafka's retention deleted before they were ingested are named in the snapshot summary.
     */
    public CommittedState append(List<DataFile> files, OffsetWatermark expected, OffsetWatermark next, String commitId, List<LostOffsets> lostOffsets)
    {
        RuntimeException lastFailure = null;
        for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
            CommittedState current = current();
            if (landed(commitId, expected)) {
                // an earlier attempt landed although its outcome was reported unknown or as a failure
                return current;
            }
            if (!current.watermark().equals(expected)) {
                throw new ConcurrentWriterException(table.name(), expected, current.watermark());
            }
            try {
                AppendFiles append = table.newFastAppend();
                files.forEach(append::appendFile);
                append.set(WATERMARK_KEY, next.toJson());
                append.set(COMMIT_ID_KEY, commitId);
                if (!lostOffsets.isEmpty()) {
                    append.set(LostOffsets.SUMMARY_KEY, LostOffsets.toSummary(lostOffsets));
                }
                append.set("freshet.records", Long.toString(files.stream().mapToLong(DataFile::recordCount).sum()));
                append.commit();
                Snapshot snapshot = table.currentSnapshot();
                return new CommittedState(Optional.of(snapshot.snapshotId()), next);
            }
            catch (CommitStateUnknownException | CommitFailedException e) {
                lastFailure = e;
                sleepBeforeRetry(attempt);
            }
        }
        // the last attempt's outcome may be unknown too: it may have landed
        CommittedState current = current();
        if (landed(commitId, expected)) {
            return current;
        }
        throw new IllegalStateException("Commit to " + table.name() + " failed after " + MAX_ATTEMPTS + " attempts", lastFailure);
    }

    /**
     * The snapshot a commit with this id made, searched from the current snapshot back to the ingest commit
     * that set {@code base}: only commits after it can be ours. Call after {@link #current()} refreshed the table.
     */
    private boolean landed(String commitId, OffsetWatermark base)
    {
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            Map<String, String> summary = snapshot.summary();
            if (commitId.equals(summary.get(COMMIT_ID_KEY))) {
                return true;
            }
            String watermark = summary.get(WATERMARK_KEY);
            if (watermark != null && OffsetWatermark.fromJson(watermark).equals(base)) {
                return false;
            }
        }
        return false;
    }

    /** Every range of offsets that the kept snapshots record as lost to Kafka's retention, oldest first. */
    public List<LostOffsets> lostOffsets()
    {
        table.refresh();
        List<LostOffsets> lost = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            lost.addAll(0, LostOffsets.fromSummary(snapshot.summary().get(LostOffsets.SUMMARY_KEY)));
        }
        return lost;
    }

    /** Every snapshot from the oldest kept to the current one, with the watermark in force after it. */
    public List<LogEntry> history()
    {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return List.of();
        }
        List<LogEntry> entries = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            Map<String, String> summary = snapshot.summary();
            entries.add(new LogEntry(
                    snapshot.snapshotId(),
                    Optional.ofNullable(snapshot.parentId()),
                    snapshot.timestampMillis(),
                    snapshot.operation(),
                    watermark(snapshot),
                    summary.containsKey(WATERMARK_KEY),
                    count(summary, SnapshotSummary.ADDED_FILES_PROP),
                    count(summary, SnapshotSummary.DELETED_FILES_PROP),
                    count(summary, SnapshotSummary.ADDED_RECORDS_PROP),
                    count(summary, SnapshotSummary.DELETED_RECORDS_PROP),
                    count(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP),
                    count(summary, SnapshotSummary.TOTAL_RECORDS_PROP)));
        }
        return entries.reversed();
    }

    private static long count(Map<String, String> summary, String key)
    {
        String value = summary.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }

    private static void sleepBeforeRetry(int attempt)
    {
        try {
            Thread.sleep(Math.min(2_000, 50L << attempt));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a commit", e);
        }
    }

    public record CommittedState(Optional<Long> snapshotId, OffsetWatermark watermark)
    {
        public CommittedState
        {
            requireNonNull(snapshotId, "snapshotId is null");
            requireNonNull(watermark, "watermark is null");
        }
    }

    /**
     * One commit of the log. {@code watermark} is the offset watermark in force after it; {@code ingestCommit}
     * tells whether this commit moved it (an ingest commit) or kept it (compaction, manifest rewrite).
     */
    public record LogEntry(
            long snapshotId,
            Optional<Long> parentId,
            long timestampMillis,
            String operation,
            OffsetWatermark watermark,
            boolean ingestCommit,
            long addedFiles,
            long removedFiles,
            long addedRecords,
            long removedRecords,
            long totalFiles,
            long totalRecords)
    {
        public LogEntry
        {
            requireNonNull(parentId, "parentId is null");
            requireNonNull(operation, "operation is null");
            requireNonNull(watermark, "watermark is null");
        }
    }

    public static class ConcurrentWriterException
            extends RuntimeException
    {
        public ConcurrentWriterException(String table, OffsetWatermark expected, OffsetWatermark found)
        {
            super("Another writer advanced the offset watermark of %s (expected %s, found %s): only one Freshet ingest worker may write a table; stop the other one"
                    .formatted(table, expected, found));
        }
    }
}
