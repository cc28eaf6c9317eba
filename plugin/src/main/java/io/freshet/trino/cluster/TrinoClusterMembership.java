package io.freshet.trino.cluster;

import io.freshet.ingest.cluster.ClusterMembership;
import io.trino.spi.Node;
import io.trino.spi.NodeManager;

import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/**
 * The nodes that ingest are Trino's worker nodes as this node sees them ({@link ClusterNodes#ingestingNodes}): the
 * workers that are not a coordinator, or the coordinator when it is the only node. The coordinator drops a
 * node its failure detector finds dead; a worker drops it when the node's announcement expires in discovery.
 */
public final class TrinoClusterMembership
        implements ClusterMembership
{
    private final NodeManager nodeManager;

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
        return ClusterNodes.ingestingNodes(nodeManager).stream()
                .map(Node::getNodeIdentifier)
                .collect(Collectors.toUnmodifiableSet());
    }
}
