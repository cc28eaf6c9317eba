package io.freshet.ingest.upkeep;

import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.error.InvalidUpkeepArgumentException;
import io.freshet.ingest.flush.InFlightFiles;
import io.freshet.ingest.flush.ParquetFlusher;
import io.freshet.ingest.settings.UpkeepSettings;
import io.freshet.ingest.upkeep.Compactor.CompactionResult;
import io.freshet.ingest.upkeep.OrphanFileCleaner.OrphanResult;
import io.freshet.ingest.upkeep.SnapshotExpirer.ExpiryResult;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Upkeep of one table: compaction, manifest rewrite, snapshot expiry and orphan cleanup, one at a time.
 * Scheduled runs and CALL procedures share it, so they never race each other on the same table. It knows
 * the table's ingester, when this node runs one, to keep the snapshots queries read and the files a
 * flush is writing, and to let queries read a compacted snapshot at once.
 */
public final class TableUpkeepTasks
{
    private static final Logger log = LoggerFactory.getLogger(TableUpkeepTasks.class);

    private final TableIdentifier identifier;
    private final Table table;
    private final Optional<IngestedTable> ingester;
    private final UpkeepSettings settings;
    private final InFlightFiles compactionFiles = new InFlightFiles();
    private final Compactor compactor;
    private final SnapshotExpirer expirer;
    private final OrphanFileCleaner orphanCleaner;

    private final AtomicLong compactions = new AtomicLong();
    private final AtomicLong compactedFiles = new AtomicLong();
    private final AtomicLong writtenFiles = new AtomicLong();
    private final AtomicLong rewrittenBytes = new AtomicLong();
    private final AtomicLong manifestRewrites = new AtomicLong();
    private final AtomicLong expiredSnapshots = new AtomicLong();
    private final AtomicLong expiryDeletedFiles = new AtomicLong();
    private final AtomicLong orphanFilesDeleted = new AtomicLong();
    private final AtomicLong scheduledRuns = new AtomicLong();
    private final AtomicLong failedRuns = new AtomicLong();
    private volatile Long lastRunMillis;
    private volatile String lastFailure;
    private long nextOrphanCleanupMillis;

    public TableUpkeepTasks(TableIdentifier identifier, Table table, Optional<IngestedTable> ingester, UpkeepSettings settings)
    {
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.table = requireNonNull(table, "table is null");
        this.ingester = requireNonNull(ingester, "ingester is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.compactor = new Compactor(table, new ParquetFlusher(table, compactionFiles));
        this.expirer = new SnapshotExpirer(table);
        this.orphanCleaner = new OrphanFileCleaner(table, this::filesInFlight);
        this.nextOrphanCleanupMillis = System.currentTimeMillis() + settings.orphanCleanupInterval().toMillis();
    }

    public TableIdentifier identifier()
    {
        return identifier;
    }

    /**
     * Compacts until no Kafka partition has {@code minInputFiles} small files left (one pass when
     * {@code untilDone} is false, which bounds the work a scheduled run does).
     */
    public synchronized CompactionResult compact(long targetFileSizeBytes, int minInputFiles, boolean untilDone)
    {
        CompactionResult total = CompactionResult.NONE;
        while (true) {
            CompactionResult pass = compactor.compact(targetFileSizeBytes, minInputFiles);
            total = total.plus(pass);
            if (pass.groups() > 0) {
                compactions.addAndGet(pass.groups());
                compactedFiles.addAndGet(pass.inputFiles());
                writtenFiles.addAndGet(pass.outputFiles());
                rewrittenBytes.addAndGet(pass.bytesWritten());
                adoptCurrentSnapshot();
            }
            if (!untilDone || pass.groups() == 0) {
                return total;
            }
        }
    }

    public synchronized int rewriteManifests(int maxManifests)
    {
        int rewritten = compactor.rewriteManifests(maxManifests);
        if (rewritten > 0) {
            manifestRewrites.incrementAndGet();
            adoptCurrentSnapshot();
        }
        return rewritten;
    }

    public synchronized ExpiryResult expireSnapshots(Duration retention, int retainLast)
    {
        ExpiryResult result = expirer.expire(retention, retainLast, snapshotsInUse());
        expiredSnapshots.addAndGet(result.expiredSnapshots());
        expiryDeletedFiles.addAndGet(result.deletedFiles());
        return result;
    }

    public synchronized OrphanResult removeOrphanFiles(Duration retention)
    {
        if (retention.compareTo(UpkeepSettings.MINIMUM_ORPHAN_RETENTION) < 0) {
            throw new InvalidUpkeepArgumentException("Retention %s is too short: it must be at least 1h, as a younger unreferenced file may belong to a commit in progress".formatted(retention));
        }
        OrphanResult result = orphanCleaner.removeOrphans(retention);
        orphanFilesDeleted.addAndGet(result.deletedFiles());
        return result;
    }

    /** One scheduled run: each enabled task, failures recorded without stopping the others or ingestion. */
    public void runScheduled()
    {
        try {
            if (settings.compactionEnabled()) {
                compact(settings.targetFileSizeBytes(), settings.minInputFiles(), false);
                rewriteManifests(settings.maxManifests());
            }
            if (settings.snapshotExpiryEnabled()) {
                expireSnapshots(settings.snapshotRetention(), settings.retainLast());
            }
            if (settings.orphanCleanupEnabled() && System.currentTimeMillis() >= nextOrphanCleanupMillis) {
                nextOrphanCleanupMillis = System.currentTimeMillis() + settings.orphanCleanupInterval().toMillis();
                removeOrphanFiles(settings.orphanRetention());
            }
            lastFailure = null;
        }
        catch (RuntimeException e) {
            lastFailure = e.getMessage();
            failedRuns.incrementAndGet();
            log.warn("Upkeep of {} failed; retrying at the next run: {}", identifier, e.getMessage(), e);
        }
        finally {
            lastRunMillis = System.currentTimeMillis();
            scheduledRuns.incrementAndGet();
        }
    }

    /** Scheduled runs so far, each running every enabled task; CALL procedures are not counted. */
    public long scheduledRuns()
    {
        return scheduledRuns.get();
    }

    /** Scheduled runs in which a task failed. */
    public long failedRuns()
    {
        return failedRuns.get();
    }

    public UpkeepStatus status()
    {
        return new UpkeepStatus(compactions.get(), compactedFiles.get(), writtenFiles.get(), rewrittenBytes.get(), manifestRewrites.get(),
                expiredSnapshots.get(), expiryDeletedFiles.get(), orphanFilesDeleted.get(), Optional.ofNullable(lastRunMillis), Optional.ofNullable(lastFailure));
    }

    private Set<Long> snapshotsInUse()
    {
        return ingester.map(IngestedTable::snapshotsInUse).orElse(Set.of());
    }

    private Set<String> filesInFlight()
    {
        Set<String> files = new HashSet<>(compactionFiles.snapshot());
        ingester.ifPresent(running -> files.addAll(running.filesInFlight()));
        return files;
    }

    private void adoptCurrentSnapshot()
    {
        ingester.ifPresent(running -> running.adoptSnapshot(new TransactionLog(table).current()));
    }

    public record UpkeepStatus(
            long compactions,
            long compactedFiles,
            long writtenFiles,
            long rewrittenBytes,
            long manifestRewrites,
            long expiredSnapshots,
            long expiryDeletedFiles,
            long orphanFilesDeleted,
            Optional<Long> lastRunMillis,
            Optional<String> lastFailure)
    {
        public UpkeepStatus
        {
            requireNonNull(lastRunMillis, "lastRunMillis is null");
            requireNonNull(lastFailure, "lastFailure is null");
        }
    }
}
