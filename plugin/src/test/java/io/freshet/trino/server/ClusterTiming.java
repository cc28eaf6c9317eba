package io.freshet.trino.server;

import java.util.Map;

/**
 * Trino settings of the real-cluster test that govern how soon a killed worker's partitions move: the
 * discovery service forgets a node whose announcements stop after {@code discovery.max-age} (30 s by
 * default), and the coordinator's failure detector marks it failed after a few seconds of missed heartbeats; a
 * query that reached the node before that fails after {@code query.remote-task.max-error-duration} (1 m).
 * docs/operations.md explains them for production clusters.
 */
final class ClusterTiming
{
    static final Map<String, String> COORDINATOR = Map.of(
            "discovery.max-age", "10s",
            // a query whose task landed on the killed worker before the coordinator dropped it fails after this, not a minute
            "query.remote-task.max-error-duration", "10s");
    static final Map<String, String> WORKER = Map.of();
    /** Issue target: every partition of a killed worker ingests again within this time. */
    static final int FAILOVER_TARGET_SECONDS = 30;

    private ClusterTiming() {}
}
