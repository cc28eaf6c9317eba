package io.freshet.ingest.upkeep;

import io.freshet.ingest.commit.TransactionLog;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Expires snapshots older than the retention, keeping at least the last few, and deletes the files only
 * they referenced. Never expired: the chain from the current snapshot back to the newest ingest commit
 * (recovery reads the offset watermark there) and every snapshot a query's cut reads.
 */
public final class SnapshotExpirer
{
    private static final Logger log = LoggerFactory.getLogger(SnapshotExpirer.class);

    private final Table table;

    public SnapshotExpirer(Table table)
    {
        this.table = requireNonNull(table, "table is null");
    }

    public ExpiryResult expire(Duration retention, int retainLast, Set<Long> snapshotsInUse)
    {
        Set<Long> kept = new HashSet<>(snapshotsInUse);
        kept.addAll(new TransactionLog(table).watermarkChain());
        // Iceberg keeps every snapshot younger than the cutoff: moving it back to the oldest kept one protects them all
        long cutoff = System.currentTimeMillis() - retention.toMillis();
        for (long snapshotId : kept) {
            Snapshot snapshot = table.snapshot(snapshotId);
            if (snapshot != null) {
                cutoff = Math.min(cutoff, snapshot.timestampMillis());
            }
        }
        long expirable = 0;
        for (Snapshot snapshot : table.snapshots()) {
            if (snapshot.timestampMillis() < cutoff) {
                expirable++;
            }
        }
        if (expirable == 0) {
            return ExpiryResult.NONE;
        }
        Set<Long> before = snapshotIds();
        AtomicLong deletedFiles = new AtomicLong();
        TableLocationGuard guard = new TableLocationGuard(table);
        table.expireSnapshots()
                .expireOlderThan(cutoff)
                .retainLast(retainLast)
                .cleanExpiredFiles(true)
                .deleteWith(location -> {
                    if (guard.mayDelete(location)) {
                        table.io().deleteFile(location);
                        deletedFiles.incrementAndGet();
                    }
                })
                .commit();
        table.refresh();
        Set<Long> expired = new HashSet<>(before);
        expired.removeAll(snapshotIds());
        if (!expired.isEmpty()) {
            log.info("Expired {} snapshots of {} and deleted {} files only they referenced", expired.size(), table.name(), deletedFiles.get());
        }
        return new ExpiryResult(expired.size(), deletedFiles.get());
    }

    private Set<Long> snapshotIds()
    {
        Set<Long> ids = new HashSet<>();
        table.snapshots().forEach(snapshot -> ids.add(snapshot.snapshotId()));
        return ids;
    }

    public record ExpiryResult(int expiredSnapshots, long deletedFiles)
    {
        public static final ExpiryResult NONE = new ExpiryResult(0, 0);
    }
}
