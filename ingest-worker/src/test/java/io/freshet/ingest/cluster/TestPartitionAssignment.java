package io.freshet.ingest.cluster;

import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.IntStream;

import static io.freshet.ingest.cluster.TestingClusterNodes.membership;
import static org.assertj.core.api.Assertions.assertThat;

class TestPartitionAssignment
{
    private static final List<Integer> PARTITIONS = IntStream.range(0, 8).boxed().toList();

    @Test
    void claimsOwnedPartitionsAndReleasesThoseAnotherNodeOwns()
    {
        AtomicReference<Set<String>> nodes = new AtomicReference<>(Set.of("a"));
        PartitionAssignment assignment = new PartitionAssignment("shop.orders", membership("a", nodes), Duration.ofHours(1));
        PartitionAssignment.Change first = assignment.plan(PARTITIONS);
        assertThat(first.claim()).containsExactlyInAnyOrderElementsOf(PARTITIONS);
        assertThat(first.release()).isEmpty();
        assignment.claimed(epochs(first.claim(), 1));

        nodes.set(Set.of("a", "b"));
        PartitionOwnership ownership = new PartitionOwnership(Set.of("a", "b"));
        PartitionAssignment.Change second = assignment.plan(PARTITIONS);
        assertThat(second.claim()).isEmpty();
        assertThat(second.release()).isNotEmpty().allSatisfy(partition -> assertThat(ownership.owns("b", "shop.orders", partition)).isTrue());
        assignment.released(second.release());
        assertThat(assignment.epochs().keySet()).allSatisfy(partition -> assertThat(ownership.owns("a", "shop.orders", partition)).isTrue());
        assertThat(assignment.plan(PARTITIONS).isEmpty()).isTrue();

        // a node that sees no worker nodes, or not itself among them, holds nothing
        nodes.set(Set.of("b"));
        assertThat(assignment.plan(PARTITIONS).release()).isEqualTo(assignment.epochs().keySet());
    }

    @Test
    void fencedPartitionWaitsForTheHoldOffOrAChangeOfTheNodeSet()
    {
        AtomicReference<Set<String>> nodes = new AtomicReference<>(Set.of("a"));
        PartitionAssignment assignment = new PartitionAssignment("shop.orders", membership("a", nodes), Duration.ofHours(1));
        assignment.claimed(epochs(Set.copyOf(PARTITIONS), 1));
        assignment.fenced(3, "partition 3 was claimed by node b at epoch 2");
        assertThat(assignment.fences()).containsOnlyKeys(3);
        assertThat(assignment.holds(3)).isFalse();
        // same node set, within the hold-off: not claimed back
        assertThat(assignment.plan(PARTITIONS).claim()).isEmpty();

        // the node set changed: the disagreement is being resolved, the partition is claimed back if still owned
        nodes.set(Set.of("a", "b"));
        PartitionOwnership ownership = new PartitionOwnership(Set.of("a", "b"));
        PartitionAssignment.Change change = assignment.plan(PARTITIONS);
        if (ownership.owns("a", "shop.orders", 3)) {
            assertThat(change.claim()).containsExactly(3);
            assertThat(assignment.fences()).containsOnlyKeys(3);
        }
        else {
            assertThat(change.claim()).isEmpty();
            assertThat(assignment.fences()).as("a fence ends with the ownership").isEmpty();
        }
    }

    @Test
    void standaloneWorkerNeverClaimsBackAFencedPartition()
    {
        PartitionAssignment assignment = new PartitionAssignment("shop.orders", ClusterMembership.standalone("worker-1"), Duration.ZERO);
        assignment.claimed(epochs(Set.copyOf(PARTITIONS), 1));
        assignment.fenced(0, "partition 0 was claimed by node worker-2 at epoch 2");
        assertThat(assignment.plan(PARTITIONS).claim()).isEmpty();
        assertThat(assignment.fences()).containsOnlyKeys(0);
    }

    private static Map<Integer, Long> epochs(Set<Integer> partitions, long epoch)
    {
        return partitions.stream().collect(java.util.stream.Collectors.toMap(partition -> partition, _ -> epoch));
    }
}
