package io.freshet.ingest.cluster;

import java.time.Duration;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka partitions of one table that this node holds, with the epoch it claimed each one at, and those it
 * was fenced from. Recomputed from the cluster's node set as often as the ingest loop asks: partitions whose
 * owner is now this node are to be claimed, partitions owned by another node are to be released. A fenced
 * partition is claimed again while this node still owns it once the node set this node sees has changed since the
 * fence (the disagreement that caused it is being resolved), or else after a hold-off, so that two nodes that
 * disagree on the node set do not take a partition from each other on every refresh; a standalone worker never
 * claims back a partition another writer took.
 */
public final class PartitionAssignment
{
    private final String table;
    private final ClusterMembership membership;
    private final Duration fenceHoldOff;
    private final Map<Integer, Long> held = new TreeMap<>();
    private final Map<Integer, Fence> fences = new TreeMap<>();

    public PartitionAssignment(String table, ClusterMembership membership, Duration fenceHoldOff)
    {
        this.table = requireNonNull(table, "table is null");
        this.membership = requireNonNull(membership, "membership is null");
        this.fenceHoldOff = requireNonNull(fenceHoldOff, "fenceHoldOff is null");
    }

    public String currentNode()
    {
        return membership.currentNode();
    }

    /** What to claim and release so that this node holds exactly the partitions it owns now. */
    public synchronized Change plan(Collection<Integer> topicPartitions)
    {
        Set<String> nodes = membership.ingestingNodes();
        PartitionOwnership ownership = new PartitionOwnership(nodes);
        String node = membership.currentNode();
        Set<Integer> owned = new TreeSet<>();
        for (int partition : topicPartitions) {
            if (ownership.owns(node, table, partition)) {
                owned.add(partition);
            }
        }
        // a fence ends when the partition is no longer this node's: its new owner is the one the node set names
        fences.keySet().removeIf(partition -> !owned.contains(partition));
        Set<Integer> release = new TreeSet<>(held.keySet());
        release.removeAll(owned);
        Set<Integer> claim = new TreeSet<>();
        long now = System.nanoTime();
        for (int partition : owned) {
            Fence fence = fences.get(partition);
            boolean waiting = fence != null
                    && (membership.exclusive() || (now - fence.sinceNanos() < fenceHoldOff.toNanos() && nodes.equals(fence.nodes())));
            if (!held.containsKey(partition) && !waiting) {
                claim.add(partition);
            }
        }
        return new Change(claim, release);
    }

    /** Records the partitions claimed, with the epoch each claim committed. */
    public synchronized void claimed(Map<Integer, Long> epochs)
    {
        held.putAll(epochs);
        fences.keySet().removeAll(epochs.keySet());
    }

    public synchronized void released(Collection<Integer> partitions)
    {
        held.keySet().removeAll(partitions);
    }

    /** Another writer claimed the partition since this node did: it is no longer held, and the reason shows in the status. */
    public synchronized void fenced(int partition, String reason)
    {
        held.remove(partition);
        fences.put(partition, new Fence(reason, System.nanoTime(), Set.copyOf(membership.ingestingNodes())));
    }

    /** The partitions held now and the epoch each was claimed at. */
    public synchronized Map<Integer, Long> epochs()
    {
        return Map.copyOf(held);
    }

    public synchronized boolean holds(int partition)
    {
        return held.containsKey(partition);
    }

    /** Partitions this node owns but was fenced from, with the reason. */
    public synchronized Map<Integer, String> fences()
    {
        Map<Integer, String> reasons = new TreeMap<>();
        fences.forEach((partition, fence) -> reasons.put(partition, fence.reason()));
        return reasons;
    }

    /** Partitions to claim (this node owns them and does not hold them) and to release (another node owns them). */
    public record Change(Set<Integer> claim, Set<Integer> release)
    {
        public Change
        {
            claim = Set.copyOf(claim);
            release = Set.copyOf(release);
        }

        public boolean isEmpty()
        {
            return claim.isEmpty() && release.isEmpty();
        }
    }

    private record Fence(String reason, long sinceNanos, Set<String> nodes) {}
}
