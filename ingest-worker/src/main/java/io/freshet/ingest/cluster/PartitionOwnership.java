package io.freshet.ingest.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Which node owns each Kafka partition of a table: rendezvous (highest random weight) hashing of the
 * table, the partition and each node's identifier. Every node computes the same owners from the same node
 * set without talking to the others, and when a node joins or leaves only the partitions it gains or held
 * move: about one partition in n.
 */
public final class PartitionOwnership
{
    private final SortedSet<String> nodes;

    public PartitionOwnership(Collection<String> nodes)
    {
        this.nodes = new TreeSet<>(requireNonNull(nodes, "nodes is null"));
    }

    public SortedSet<String> nodes()
    {
        return nodes;
    }

    /** The owner of a partition, or empty when there are no nodes. */
    public Optional<String> owner(String table, int partition)
    {
        requireNonNull(table, "table is null");
        String owner = null;
        long best = 0;
        for (String node : nodes) {
            long weight = weight(table, partition, node);
            // ties (astronomically rare) go to the smallest identifier, which the sorted order visits first
            if (owner == null || Long.compareUnsigned(weight, best) > 0) {
                owner = node;
                best = weight;
            }
        }
        return Optional.ofNullable(owner);
    }

    /** The owner of each partition; empty when there are no nodes. */
    public Map<Integer, String> owners(String table, Collection<Integer> partitions)
    {
        Map<Integer, String> owners = new TreeMap<>();
        for (int partition : partitions) {
            owner(table, partition).ifPresent(node -> owners.put(partition, node));
        }
        return owners;
    }

    public boolean owns(String node, String table, int partition)
    {
        return owner(table, partition).map(node::equals).orElse(false);
    }

    /** A 64-bit hash that is the same on every JVM: FNV-1a over the UTF-8 bytes, then a SplitMix64 finalizer to spread them. */
    static long weight(String table, int partition, String node)
    {
        long hash = 0xcbf29ce484222325L;
        hash = fnv(hash, table.getBytes(StandardCharsets.UTF_8));
        hash = fnv(hash, new byte[] {0, (byte) (partition >>> 24), (byte) (partition >>> 16), (byte) (partition >>> 8), (byte) partition, 0});
        hash = fnv(hash, node.getBytes(StandardCharsets.UTF_8));
        hash = (hash ^ (hash >>> 30)) * 0xbf58476d1ce4e5b9L;
        hash = (hash ^ (hash >>> 27)) * 0x94d049bb133111ebL;
        return hash ^ (hash >>> 31);
    }

    private static long fnv(long hash, byte[] bytes)
    {
        for (byte value : bytes) {
            hash ^= value & 0xff;
            hash *= 0x100000001b3L;
        }
        return hash;
    }
}
