package io.freshet.trino.config;

import io.airlift.configuration.Config;
import io.airlift.configuration.ConfigDescription;
import io.airlift.units.Duration;
import io.airlift.units.MinDuration;
import io.freshet.ingest.cluster.ClusterSettings;
import jakarta.validation.constraints.NotNull;

import java.util.concurrent.TimeUnit;

/** How each node of the cluster follows the node set and the catalog's tables. */
public class ClusterConfig
{
    private Duration ownershipRefreshInterval = new Duration(2, TimeUnit.SECONDS);
    private Duration tableDiscoveryInterval = new Duration(10, TimeUnit.SECONDS);
    private Duration fenceHoldOff = new Duration(30, TimeUnit.SECONDS);

    @NotNull
    @MinDuration("100ms")
    public Duration getOwnershipRefreshInterval()
    {
        return ownershipRefreshInterval;
    }

    @Config("freshet.ownership.refresh-interval")
    @ConfigDescription("How often each table's ingestion recomputes, from Trino's worker nodes, which Kafka partitions this node owns")
    public ClusterConfig setOwnershipRefreshInterval(Duration ownershipRefreshInterval)
    {
        this.ownershipRefreshInterval = ownershipRefreshInterval;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getTableDiscoveryInterval()
    {
        return tableDiscoveryInterval;
    }

    @Config("freshet.table-discovery.interval")
    @ConfigDescription("How often each node lists the catalog for Freshet tables created, altered or dropped on other nodes")
    public ClusterConfig setTableDiscoveryInterval(Duration tableDiscoveryInterval)
    {
        this.tableDiscoveryInterval = tableDiscoveryInterval;
        return this;
    }

    @NotNull
    @MinDuration("1s")
    public Duration getFenceHoldOff()
    {
        return fenceHoldOff;
    }

    @Config("freshet.ownership.fence-hold-off")
    @ConfigDescription("How long a partition another writer claimed stays stopped before this node, if it still owns it, claims it back")
    public ClusterConfig setFenceHoldOff(Duration fenceHoldOff)
    {
        this.fenceHoldOff = fenceHoldOff;
        return this;
    }

    public ClusterSettings toSettings()
    {
        return new ClusterSettings(
                java.time.Duration.ofMillis(ownershipRefreshInterval.toMillis()),
                java.time.Duration.ofMillis(tableDiscoveryInterval.toMillis()),
                java.time.Duration.ofMillis(fenceHoldOff.toMillis()));
    }
}
