package io.freshet.ingest.settings;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * Background table upkeep of the ingest worker. The CALL procedures run the same work on demand, whether
 * or not it is enabled here.
 *
 * @param enabled runs upkeep in the background on the node that ingests the table
 * @param interval how often each table is checked for compaction, manifest rewrite and snapshot expiry
 * @param threads size of the upkeep pool shared by all tables; ingestion never waits for it
 * @param compactionEnabled rewrites small data files of a Kafka partition into files of the target size
 * @param targetFileSizeBytes size of the files compaction writes; smaller than 3/4 of it counts as small
 * @param minInputFiles small files of one Kafka partition that start a compaction
 * @param maxManifests manifests of the current snapshot above which they are rewritten into fewer
 * @param snapshotExpiryEnabled expires snapshots older than the retention
 * @param snapshotRetention age below which snapshots are kept
 * @param retainLast snapshots always kept, whatever their age
 * @param orphanCleanupEnabled deletes files under the table location that no snapshot references
 * @param orphanCleanupInterval how often orphan cleanup lists each table's files
 * @param orphanRetention age below which an unreferenced file is kept: it may belong to a commit in progress
 */
public record UpkeepSettings(
        boolean enabled,
        Duration interval,
        int threads,
        boolean compactionEnabled,
        long targetFileSizeBytes,
        int minInputFiles,
        int maxManifests,
        boolean snapshotExpiryEnabled,
        Duration snapshotRetention,
        int retainLast,
        boolean orphanCleanupEnabled,
        Duration orphanCleanupInterval,
        Duration orphanRetention)
{
    public static final Duration MINIMUM_ORPHAN_RETENTION = Duration.ofHours(1);
    public static final UpkeepSettings DEFAULT = new UpkeepSettings(
            IngestDefaults.UPKEEP_ENABLED,
            IngestDefaults.parseDuration(IngestDefaults.UPKEEP_INTERVAL),
            IngestDefaults.UPKEEP_THREADS,
            IngestDefaults.COMPACTION_ENABLED,
            IngestDefaults.parseDataSize(IngestDefaults.COMPACTION_TARGET_FILE_SIZE),
            IngestDefaults.COMPACTION_MIN_INPUT_FILES,
            IngestDefaults.COMPACTION_MAX_MANIFESTS,
            IngestDefaults.SNAPSHOT_EXPIRY_ENABLED,
            IngestDefaults.parseDuration(IngestDefaults.SNAPSHOT_EXPIRY_RETENTION),
            IngestDefaults.SNAPSHOT_EXPIRY_RETAIN_LAST,
            IngestDefaults.ORPHAN_CLEANUP_ENABLED,
            IngestDefaults.parseDuration(IngestDefaults.ORPHAN_CLEANUP_INTERVAL),
            IngestDefaults.parseDuration(IngestDefaults.ORPHAN_CLEANUP_RETENTION));

    public UpkeepSettings
    {
        requireNonNull(interval, "interval is null");
        requireNonNull(snapshotRetention, "snapshotRetention is null");
        requireNonNull(orphanCleanupInterval, "orphanCleanupInterval is null");
        requireNonNull(orphanRetention, "orphanRetention is null");
        if (threads < 1 || minInputFiles < 2 || maxManifests < 1 || retainLast < 1 || targetFileSizeBytes < 1) {
            throw new IllegalArgumentException("Upkeep needs at least 1 thread, 2 input files, 1 manifest, 1 retained snapshot and a positive target file size");
        }
        if (orphanRetention.compareTo(MINIMUM_ORPHAN_RETENTION) < 0) {
            throw new IllegalArgumentException("Orphan file retention must be at least 1h: a younger unreferenced file may belong to a commit in progress");
        }
    }
}
