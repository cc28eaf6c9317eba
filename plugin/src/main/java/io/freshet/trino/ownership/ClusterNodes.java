package io.freshet.trino.ownership;

import com.google.inject.Inject;
import io.freshet.ingest.cluster.PartitionOwnership;
import io.trino.spi.Node;
import io.trino.spi.NodeManager;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** The worker nodes as this node sees them, and which of them owns each Kafka partition of a table. */
public final class ClusterNodes
{
    private final NodeManager nodeManager;

    @Inject
    public ClusterNodes(NodeManager nodeManager)
    {
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
    }

    /**
     * Whether this node is a coordinator and the only worker (or no worker is known yet): then it owns every
     * partition and a query's cut is taken from its own hot buffer at once.
     */
    public boolean isOnlyWorker()
    {
        // a worker is never alone in this sense: the coordinator plans its queries, and on a worker (which sees the
        // coordinator only once discovery answered) the answer must match the coordinator's
        Node current = nodeManager.getCurrentNode();
        return current.isCoordinator() && ingestingNodes(nodeManager).stream().allMatch(node -> node.getNodeIdentifier().equals(current.getNodeIdentifier()));
    }

    /**
     * The nodes that own partitions: Trino's worker nodes that are not a coordinator, or the coordinator when it is
     * the only one. Every node must compute the same set, and {@code getWorkerNodes()} alone does not give it:
     * it applies {@code node-scheduler.include-coordinator} of the node that asks, a coordinator property that
     * workers leave at its default ({@code true}), so workers would count a coordinator that schedules no work.
     */
    public static Set<Node> ingestingNodes(NodeManager nodeManager)
    {
        Set<Node> workers = nodeManager.getWorkerNodes();
        Set<Node> dataNodes = workers.stream().filter(node -> !node.isCoordinator()).collect(Collectors.toUnmodifiableSet());
        return dataNodes.isEmpty() ? workers : dataNodes;
    }

    public Node currentNode()
    {
        return nodeManager.getCurrentNode();
    }

    public Set<Node> workerNodes()
    {
        return ingestingNodes(nodeManager);
    }

    /** The worker that owns a partition of the table, or empty when there is no worker. */
    public Optional<Node> owner(TableIdentifier table, int partition)
    {
        Set<Node> workers = ingestingNodes(nodeManager);
        PartitionOwnership ownership = new PartitionOwnership(workers.stream().map(Node::getNodeIdentifier).collect(Collectors.toSet()));
        return ownership.owner(ownershipKey(table), partition)
                .flatMap(identifier -> workers.stream().filter(node -> node.getNodeIdentifier().equals(identifier)).findFirst());
    }

    /** The table name that ownership hashes: the same on every node. */
    public static String ownershipKey(TableIdentifier table)
    {
        return table.toString();
    }
}
