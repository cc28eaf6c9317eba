package io.freshet.ingest.cluster;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * How a node follows the cluster.
 *
 * @param ownershipRefreshInterval how often each table's ingestion recomputes the owners of its partitions from the node set
 * @param tableDiscoveryInterval how often the node lists the catalog for tables created or dropped on other nodes
 * @param fenceHoldOff how long a partition another writer claimed stays stopped before this node, if it still owns
 *         the partition, claims it back
 */
public record ClusterSettings(Duration ownershipRefreshInterval, Duration tableDiscoveryInterval, Duration fenceHoldOff)
{
    public static final ClusterSettings DEFAULT = new ClusterSettings(Duration.ofSeconds(2), Duration.ofSeconds(10), Duration.ofSeconds(30));

    public ClusterSettings
    {
        requireNonNull(ownershipRefreshInterval, "ownershipRefreshInterval is null");
        requireNonNull(tableDiscoveryInterval, "tableDiscoveryInterval is null");
        requireNonNull(fenceHoldOff, "fenceHoldOff is null");
        if (ownershipRefreshInterval.isNegative() || ownershipRefreshInterval.isZero() || tableDiscoveryInterval.isNegative() || tableDiscoveryInterval.isZero()) {
            throw new IllegalArgumentException("ownership refresh and table discovery intervals must be positive");
        }
    }
}
