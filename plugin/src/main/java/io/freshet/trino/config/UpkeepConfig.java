package io.freshet.trino.config;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.configuration.LegacyConfig;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.airlift.units.MinDataSize;
import io.airlift.units.MinDuration;
import io.freshet.ingest.settings.IngestDefaults;
import io.freshet.ingest.settings.UpkeepSettings;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;

/** Catalog properties of background table upkeep: compaction, snapshot expiry and orphan cleanup. */
public class UpkeepConfig
{
    private boolean upkeepEnabled = IngestDefaults.UPKEEP_ENABLED;
    private Duration interval = Duration.valueOf(IngestDefaults.UPKEEP_INTERVAL);
    private int threads = IngestDefaults.UPKEEP_THREADS;
    private boolean compactionEnabled = IngestDefaults.COMPACTION_ENABLED;
    private DataSize targetFileSize = DataSize.valueOf(IngestDefaults.COMPACTION_TARGET_FILE_SIZE);
    private int minInputFiles = IngestDefaults.COMPACTION_MIN_INPUT_FILES;
    private int maxManifests = IngestDefaults.COMPACTION_MAX_MANIFESTS;
    private boolean snapshotExpiryEnabled = IngestDefaults.SNAPSHOT_EXPIRY_ENABLED;
    private Duration snapshotRetention = Duration.valueOf(IngestDefaults.SNAPSHOT_EXPIRY_RETENTION);
    private int retainLast = IngestDefaults.SNAPSHOT_EXPIRY_RETAIN_LAST;
    private boolean orphanCleanupEnabled = IngestDefaults.ORPHAN_CLEANUP_ENABLED;
    private Duration orphanCleanupInterval = Duration.valueOf(IngestDefaults.ORPHAN_CLEANUP_INTERVAL);
    private Duration orphanRetention = Duration.valueOf(IngestDefaults.ORPHAN_CLEANUP_RETENTION);

    public boolean isUpkeepEnabled()
    {
        return upkeepEnabled;
    }

    @Config("freshet.upkeep.enabled")
    @LegacyConfig("freshet.maintenance.enabled")
    @ConfigDescription("Run compaction, snapshot expiry and orphan cleanup in the background on the node that ingests each table")
    public UpkeepConfig setUpkeepEnabled(boolean upkeepEnabled)
    {
        this.upkeepEnabled = upkeepEnabled;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getInterval()
    {
        return interval;
    }

    @Config("freshet.upkeep.interval")
    @LegacyConfig("freshet.maintenance.interval")
    @ConfigDescription("How often each table is checked for compaction, manifest rewrite and snapshot expiry")
    public UpkeepConfig setInterval(Duration interval)
    {
        this.interval = interval;
        return this;
    }

    @Min(1)
    public int getThreads()
    {
        return threads;
    }

    @Config("freshet.upkeep.threads")
    @LegacyConfig("freshet.maintenance.threads")
    @ConfigDescription("Threads for background upkeep, shared by all tables")
    public UpkeepConfig setThreads(int threads)
    {
        this.threads = threads;
        return this;
    }

    public boolean isCompactionEnabled()
    {
        return compactionEnabled;
    }

    @Config("freshet.compaction.enabled")
    @ConfigDescription("Rewrite small data files of each Kafka partition into files of the target size")
    public UpkeepConfig setCompactionEnabled(boolean compactionEnabled)
    {
        this.compactionEnabled = compactionEnabled;
        return this;
    }

    @NotNull
    @MinDataSize("1kB")
    public DataSize getTargetFileSize()
    {
        return targetFileSize;
    }

    @Config("freshet.compaction.target-file-size")
    @ConfigDescription("Size of the files compaction writes; files under three quarters of it are small")
    public UpkeepConfig setTargetFileSize(DataSize targetFileSize)
    {
        this.targetFileSize = targetFileSize;
        return this;
    }

    @Min(2)
    public int getMinInputFiles()
    {
        return minInputFiles;
    }

    @Config("freshet.compaction.min-input-files")
    @ConfigDescription("Small files of one Kafka partition that start a compaction")
    public UpkeepConfig setMinInputFiles(int minInputFiles)
    {
        this.minInputFiles = minInputFiles;
        return this;
    }

    @Min(1)
    public int getMaxManifests()
    {
        return maxManifests;
    }

    @Config("freshet.compaction.max-manifests")
    @ConfigDescription("Manifests of the current snapshot above which they are rewritten into fewer")
    public UpkeepConfig setMaxManifests(int maxManifests)
    {
        this.maxManifests = maxManifests;
        return this;
    }

    public boolean isSnapshotExpiryEnabled()
    {
        return snapshotExpiryEnabled;
    }

    @Config("freshet.snapshot-expiry.enabled")
    @ConfigDescription("Expire snapshots older than the retention")
    public UpkeepConfig setSnapshotExpiryEnabled(boolean snapshotExpiryEnabled)
    {
        this.snapshotExpiryEnabled = snapshotExpiryEnabled;
        return this;
    }

    @NotNull
    public Duration getSnapshotRetention()
    {
        return snapshotRetention;
    }

    @Config("freshet.snapshot-expiry.retention")
    @ConfigDescription("Age below which snapshots are kept")
    public UpkeepConfig setSnapshotRetention(Duration snapshotRetention)
    {
        this.snapshotRetention = snapshotRetention;
        return this;
    }

    @Min(1)
    public int getRetainLast()
    {
        return retainLast;
    }

    @Config("freshet.snapshot-expiry.retain-last")
    @ConfigDescription("Snapshots kept whatever their age")
    public UpkeepConfig setRetainLast(int retainLast)
    {
        this.retainLast = retainLast;
        return this;
    }

    public boolean isOrphanCleanupEnabled()
    {
        return orphanCleanupEnabled;
    }

    @Config("freshet.orphan-cleanup.enabled")
    @ConfigDescription("Delete files under the table location that no snapshot references")
    public UpkeepConfig setOrphanCleanupEnabled(boolean orphanCleanupEnabled)
    {
        this.orphanCleanupEnabled = orphanCleanupEnabled;
        return this;
    }

    @NotNull
    @MinDuration("1m")
    public Duration getOrphanCleanupInterval()
    {
        return orphanCleanupInterval;
    }

    @Config("freshet.orphan-cleanup.interval")
    @ConfigDescription("How often orphan cleanup lists each table's files")
    public UpkeepConfig setOrphanCleanupInterval(Duration orphanCleanupInterval)
    {
        this.orphanCleanupInterval = orphanCleanupInterval;
        return this;
    }

    @NotNull
    @MinDuration("1h")
    public Duration getOrphanRetention()
    {
        return orphanRetention;
    }

    @Config("freshet.orphan-cleanup.retention")
    @ConfigDescription("Age below which an unreferenced file is kept, as it may belong to a commit in progress")
    public UpkeepConfig setOrphanRetention(Duration orphanRetention)
    {
        this.orphanRetention = orphanRetention;
        return this;
    }

    public UpkeepSettings toSettings()
    {
        return new UpkeepSettings(
                upkeepEnabled,
                java.time.Duration.ofMillis(interval.toMillis()),
                threads,
                compactionEnabled,
                targetFileSize.toBytes(),
                minInputFiles,
                maxManifests,
                snapshotExpiryEnabled,
                java.time.Duration.ofMillis(snapshotRetention.toMillis()),
                retainLast,
                orphanCleanupEnabled,
                java.time.Duration.ofMillis(orphanCleanupInterval.toMillis()),
                java.time.Duration.ofMillis(orphanRetention.toMillis()));
    }
}
