package io.freshet.ingest.commit;

import org.apache.iceberg.Snapshot;
import org.apache.iceberg.SnapshotSummary;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One commit of the log. {@code watermark} is the offset watermark in force after it; {@code ingestCommit}
 * tells whether this commit moved it (an ingest commit) or kept it (compaction, manifest rewrite); {@code claim}
 * whether it is a claim, which adds no data and only raises partition epochs.
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
        long totalRecords,
        boolean claim)
{
    public LogEntry
    {
        requireNonNull(parentId, "parentId is null");
        requireNonNull(operation, "operation is null");
        requireNonNull(watermark, "watermark is null");
    }

    /** The entry of a snapshot, its file and record counts read from the snapshot summary. */
    static LogEntry of(Snapshot snapshot, OffsetWatermark watermark, boolean ingestCommit, boolean claim)
    {
        Map<String, String> summary = snapshot.summary();
        return new LogEntry(
                snapshot.snapshotId(),
                Optional.ofNullable(snapshot.parentId()),
                snapshot.timestampMillis(),
                snapshot.operation(),
                watermark,
                ingestCommit,
                count(summary, SnapshotSummary.ADDED_FILES_PROP),
                count(summary, SnapshotSummary.DELETED_FILES_PROP),
                count(summary, SnapshotSummary.ADDED_RECORDS_PROP),
                count(summary, SnapshotSummary.DELETED_RECORDS_PROP),
                count(summary, SnapshotSummary.TOTAL_DATA_FILES_PROP),
                count(summary, SnapshotSummary.TOTAL_RECORDS_PROP),
                claim);
    }

    private static long count(Map<String, String> summary, String key)
    {
        String value = summary.get(key);
        return value == null ? 0 : Long.parseLong(value);
    }
}
