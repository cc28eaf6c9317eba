package io.freshet.ingest.commit;

import org.apache.iceberg.exceptions.CleanableFailure;

/**
 * An ingest commit refused because another commit landed after the snapshot its summary was computed from.
 * Not a {@code CommitFailedException}, so Iceberg does not retry it on the newer snapshot with the old summary;
 * Freshet reads the new snapshot and computes the commit again.
 */
public class BaseMovedException
        extends RuntimeException
        implements CleanableFailure
{
    public BaseMovedException(String table, Long expectedSnapshotId, Long foundSnapshotId)
    {
        super("Snapshot %s of %s is no longer current (found %s)".formatted(expectedSnapshotId, table, foundSnapshotId));
    }
}
