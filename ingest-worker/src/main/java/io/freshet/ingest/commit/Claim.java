package io.freshet.ingest.commit;

import io.freshet.ingest.cluster.PartitionEpochs;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * A claim that landed: the table's state to resume from (the claim's snapshot or a newer one), the epochs in
 * force there, and the epoch of each claimed partition.
 */
public record Claim(CommittedState committed, PartitionEpochs epochs, Map<Integer, Long> claimedEpochs)
{
    public Claim
    {
        requireNonNull(committed, "committed is null");
        requireNonNull(epochs, "epochs is null");
        claimedEpochs = Map.copyOf(claimedEpochs);
    }
}
