package io.freshet.trino.server;

import java.util.Map;

/**
 * Trino settings of the real-cluster test that govern how soon a killed worker's partitions move: the
 * discovery service forgets a node whose announcements stop after {@code discovery.max-age} (30 s by
 * default), and the coordinator's failure detector marks it failed after a few seconds of missed heartbeats.
 * docs/operations.md explains them for production clusters.
 */
final class ClusterTiming
{
    static final Map<String, String> COORDINATOR = Map.of("discovery.max-age", "10s");
    static final Map<String, String> WORKER = Map.of();
    /** Issue target: every partition of a killed worker ingests again within this time. */
    static final int FAILOVER_TARGET_SECONDS = 30;

    private ClusterTiming() {}
}
