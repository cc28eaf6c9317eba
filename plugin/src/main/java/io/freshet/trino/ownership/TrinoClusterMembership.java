package io.freshet.trino.ownership;

import io.airlift.log.Logger;
import io.freshet.ingest.cluster.ClusterMembership;
import io.trino.spi.Node;
import io.trino.spi.NodeManager;

import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The nodes that ingest are Trino's worker nodes as this node sees them ({@link ClusterNodes#ingestingNodes}): the
 * workers that are not a coordinator, or the coordinator when it is the only node. The coordinator drops a
 * node its failure detector finds dead; a worker drops it when the node's announcement expires in discovery.
 * A worker lists only itself until discovery first answers (several seconds after it starts): until it sees a
 * coordinator it reports no nodes, so that it does not claim every partition of every table at start only to
 * release most of them moments later.
 */
public final class TrinoClusterMembership
        implements ClusterMembership
{
    private static final Logger log = Logger.get(TrinoClusterMembership.class);

    private final NodeManager nodeManager;
    private Set<String> lastSeen = Set.of();
    private volatile boolean discovered;

    public TrinoClusterMembership(NodeManager nodeManager)
    {
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
    }

    @Override
    public String currentNode()
    {
        return nodeManager.getCurrentNode().getNodeIdentifier();
    }

    @Override
    public Set<String> ingestingNodes()
    {
        if (!discovered) {
            // once discovery answered, the node set is used even while the coordinator is away (a restart): ingestion goes on
            discovered = nodeManager.getCurrentNode().isCoordinator() || nodeManager.getAllNodes().stream().anyMatch(Node::isCoordinator);
            if (!discovered) {
                return Set.of();
            }
        }
        Set<String> nodes = ClusterNodes.ingestingNodes(nodeManager).stream()
                .map(Node::getNodeIdentifier)
                .collect(Collectors.toUnmodifiableSet());
        noteChange(nodes);
        return nodes;
    }

    /** Logs each change of the node set as this node sees it: when ownership moves, the log says when this node learnt it. */
    private synchronized void noteChange(Set<String> nodes)
    {
        if (!nodes.equals(lastSeen)) {
            log.info("Worker nodes seen by %s: %s (were %s)", currentNode(), new TreeSet<>(nodes), new TreeSet<>(lastSeen));
            lastSeen = nodes;
        }
    }
}
