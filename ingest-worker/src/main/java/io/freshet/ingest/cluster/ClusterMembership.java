package io.freshet.ingest.cluster;

import java.io.IOException;
import java.net.InetAddress;
import java.util.Set;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The nodes that ingest, as this node sees them now. Every node computes the owners of the Kafka partitions
 * from this set with {@link PartitionOwnership}; nodes that see the same set agree without talking to each other.
 */
public interface ClusterMembership
{
    /** This node's identifier, as it appears in {@link #ingestingNodes()} when this node ingests. */
    String currentNode();

    /** The identifiers of every node that ingests now; empty while the node set is not known yet. */
    Set<String> ingestingNodes();

    /**
     * Whether this writer is meant to be the only one of its tables (the standalone worker): a partition
     * another writer claims is stopped for good instead of claimed back once the node sets agree again.
     */
    default boolean exclusive()
    {
        return false;
    }

    /** A name for a standalone worker that no other process shares: claims name it. */
    static String standaloneNodeName()
    {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (IOException e) {
            host = "localhost";
        }
        return "ingest-worker-%s-%s-%s".formatted(host, ProcessHandle.current().pid(), UUID.randomUUID().toString().substring(0, 8));
    }

    /** A single node that ingests every partition of its tables: the standalone ingest worker. */
    static ClusterMembership standalone(String node)
    {
        requireNonNull(node, "node is null");
        return new ClusterMembership()
        {
            @Override
            public String currentNode()
            {
                return node;
            }

            @Override
            public Set<String> ingestingNodes()
            {
                return Set.of(node);
            }

            @Override
            public boolean exclusive()
            {
                return true;
            }
        };
    }
}
