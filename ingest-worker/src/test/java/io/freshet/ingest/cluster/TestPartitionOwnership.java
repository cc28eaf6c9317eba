package io.freshet.ingest.cluster;

import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static org.assertj.core.api.Assertions.assertThat;

final class TestPartitionOwnership
{
    private static final List<Integer> PARTITIONS = IntStream.range(0, 1000).boxed().toList();

    @Test
    void everyPartitionHasOneOwnerFromTheNodeSet()
    {
        PartitionOwnership ownership = new PartitionOwnership(List.of("worker-a", "worker-b", "worker-c"));
        Map<Integer, String> owners = ownership.owners("events.clicks", PARTITIONS);
        assertThat(owners).hasSize(PARTITIONS.size());
        assertThat(owners.values()).allMatch(ownership.nodes()::contains);
        assertThat(ownership.owns(owners.get(7), "events.clicks", 7)).isTrue();
    }

    @Test
    void partitionsSpreadEvenly()
    {
        PartitionOwnership ownership = new PartitionOwnership(List.of("worker-a", "worker-b", "worker-c", "worker-d"));
        Map<String, Integer> counts = new HashMap<>();
        ownership.owners("events.clicks", PARTITIONS).values().forEach(node -> counts.merge(node, 1, Integer::sum));
        assertThat(counts).hasSize(4);
        // 250 expected per node; a uniform hash stays well inside ±25 %
        assertThat(counts.values()).allMatch(count -> count > 187 && count < 313);
    }

    @Test
    void sameOwnersWhateverTheOrderOfNodes()
    {
        Map<Integer, String> forward = new PartitionOwnership(List.of("a", "b", "c")).owners("s.t", PARTITIONS);
        Map<Integer, String> backward = new PartitionOwnership(List.of("c", "b", "a")).owners("s.t", PARTITIONS);
        assertThat(forward).isEqualTo(backward);
    }

    @Test
    void onlyTheLeavingNodesPartitionsMove()
    {
        Map<Integer, String> before = new PartitionOwnership(List.of("a", "b", "c")).owners("s.t", PARTITIONS);
        Map<Integer, String> after = new PartitionOwnership(List.of("a", "c")).owners("s.t", PARTITIONS);
        for (int partition : PARTITIONS) {
            if (!before.get(partition).equals("b")) {
                assertThat(after.get(partition)).isEqualTo(before.get(partition));
            }
            assertThat(after.get(partition)).isNotEqualTo("b");
        }
    }

    @Test
    void tablesSpreadDifferently()
    {
        PartitionOwnership ownership = new PartitionOwnership(List.of("a", "b"));
        assertThat(ownership.owners("s.first", PARTITIONS)).isNotEqualTo(ownership.owners("s.second", PARTITIONS));
    }

    @Test
    void noNodesNoOwner()
    {
        assertThat(new PartitionOwnership(List.of()).owner("s.t", 0)).isEmpty();
        assertThat(new PartitionOwnership(List.of()).owners("s.t", PARTITIONS)).isEmpty();
    }

    @Test
    void weightIsStableAcrossReleases()
    {
        // owners must not move when Freshet is upgraded node by node: the hash is part of the protocol
        assertThat(PartitionOwnership.weight("s.t", 3, "node-1")).isEqualTo(6069819658282215827L);
        assertThat(PartitionOwnership.weight("s.t", 3, "node-2")).isEqualTo(7786746066954723117L);
    }
}
