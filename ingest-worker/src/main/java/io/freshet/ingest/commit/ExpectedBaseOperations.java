package io.freshet.ingest.commit;

import org.apache.iceberg.BaseTable;
import org.apache.iceberg.HasTableOperations;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableMetadata;
import org.apache.iceberg.TableOperations;
import org.apache.iceberg.encryption.EncryptionManager;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.LocationProvider;

import java.util.Objects;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The operations of a table that commit only on top of one expected snapshot. Iceberg retries a failed commit by
 * applying the same update to the newer metadata, summary included; for an ingest commit that summary holds
 * the watermarks and epochs of every partition as found in the expected snapshot, so landing it on a newer one
 * could move another owner's watermark back. Any other base is refused with {@link BaseMovedException}, which
 * Iceberg does not retry.
 */
final class ExpectedBaseOperations
        implements TableOperations
{
    private final TableOperations delegate;
    private final String tableName;
    private final Long expectedSnapshotId;

    private ExpectedBaseOperations(TableOperations delegate, String tableName, Long expectedSnapshotId)
    {
        this.delegate = requireNonNull(delegate, "delegate is null");
        this.tableName = requireNonNull(tableName, "tableName is null");
        this.expectedSnapshotId = expectedSnapshotId;
    }

    /** The table, for one commit that may land only on the snapshot named (empty: on a table without snapshots). */
    static Table onSnapshot(Table table, Optional<Long> snapshotId)
    {
        TableOperations operations = ((HasTableOperations) table).operations();
        return new BaseTable(new ExpectedBaseOperations(operations, table.name(), snapshotId.orElse(null)), table.name());
    }

    @Override
    public void commit(TableMetadata base, TableMetadata metadata)
    {
        Snapshot baseSnapshot = base == null ? null : base.currentSnapshot();
        Long baseSnapshotId = baseSnapshot == null ? null : baseSnapshot.snapshotId();
        if (!Objects.equals(baseSnapshotId, expectedSnapshotId)) {
            throw new BaseMovedException(tableName, expectedSnapshotId, baseSnapshotId);
        }
        delegate.commit(base, metadata);
    }

    @Override
    public TableMetadata current()
    {
        return delegate.current();
    }

    @Override
    public TableMetadata refresh()
    {
        return delegate.refresh();
    }

    @Override
    public FileIO io()
    {
        return delegate.io();
    }

    @Override
    public EncryptionManager encryption()
    {
        return delegate.encryption();
    }

    @Override
    public String metadataFileLocation(String fileName)
    {
        return delegate.metadataFileLocation(fileName);
    }

    @Override
    public LocationProvider locationProvider()
    {
        return delegate.locationProvider();
    }

    @Override
    public TableOperations temp(TableMetadata uncommittedMetadata)
    {
        return delegate.temp(uncommittedMetadata);
    }

    @Override
    public long newSnapshotId()
    {
        return delegate.newSnapshotId();
    }

    @Override
    public boolean requireStrictCleanup()
    {
        return delegate.requireStrictCleanup();
    }
}
