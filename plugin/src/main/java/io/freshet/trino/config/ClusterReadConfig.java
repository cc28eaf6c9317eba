package io.freshet.trino.config;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MinDuration;
import jakarta.validation.constraints.AssertTrue;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/**
 * Catalog properties of reads on a cluster, where the coordinator plans a query's cut from the catalog and
 * the owners of the Kafka partitions serve the hot rows above it.
 */
public class ClusterReadConfig
{
    private Duration snapshotMaxAge = new Duration(1, TimeUnit.SECONDS);
    private Duration committedBatchRetention = new Duration(30, TimeUnit.SECONDS);

    @NotNull
    @MinDuration("0s")
    public Duration getSnapshotMaxAge()
    {
        return snapshotMaxAge;
    }

    @Config("freshet.cluster.snapshot-max-age")
    @ConfigDescription("How old the table metadata may be that a node which does not ingest the whole table plans a query's cut from")
    public ClusterReadConfig setSnapshotMaxAge(Duration snapshotMaxAge)
    {
        this.snapshotMaxAge = snapshotMaxAge;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getCommittedBatchRetention()
    {
        return committedBatchRetention;
    }

    @Config("freshet.cluster.committed-batch-retention")
    @ConfigDescription("How long the owner of a partition keeps committed hot batches for queries planned on the snapshot before the commit")
    public ClusterReadConfig setCommittedBatchRetention(Duration committedBatchRetention)
    {
        this.committedBatchRetention = committedBatchRetention;
        return this;
    }

    @AssertTrue(message = "freshet.cluster.committed-batch-retention must be longer than freshet.cluster.snapshot-max-age")
    public boolean isRetentionLongerThanSnapshotAge()
    {
        return committedBatchRetention == null || snapshotMaxAge == null || committedBatchRetention.compareTo(snapshotMaxAge) > 0;
    }
}
