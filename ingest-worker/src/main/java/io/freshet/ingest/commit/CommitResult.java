package io.freshet.ingest.commit;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * The outcome of an ingest commit: the table's state after it, the partitions left out because another writer
 * holds them, with the reason, and the epochs the commit was made at.
 */
public record CommitResult(CommittedState committed, Map<Integer, String> fenced, Map<Integer, Long> epochs)
{
    public CommitResult
    {
        requireNonNull(committed, "committed is null");
        fenced = Map.copyOf(fenced);
        epochs = Map.copyOf(epochs);
    }
}
