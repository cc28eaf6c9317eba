package io.freshet.ingest.buffer;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.TreeSet;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * Batch coalescing as the ingest loop runs it between two polls: at most one merge per partition, and no further
 * partition once the pass has copied {@code maximumRows} rows (one full merged batch), so that one pass delays the
 * next poll by about one merge at most. The next pass starts with the partition after the last one merged, so a
 * pass cut short leaves no partition behind for long. One pass can copy far more rows than a poll brings, so the
 * merges keep up with any record rate.
 */
public final class BatchCoalescer
{
    private final int minimumBatches;
    private final int maximumRows;
    private final Function<HotBatch, Object> runKey;
    private int lastMerged = -1;

    public BatchCoalescer(int minimumBatches, int maximumRows, Function<HotBatch, Object> runKey)
    {
        this.minimumBatches = minimumBatches;
        this.maximumRows = maximumRows;
        this.runKey = requireNonNull(runKey, "runKey is null");
    }

    /** Merges runs of the partitions' batches; returns the rows copied into merged batches. */
    public long coalesce(HotBuffer buffer, Collection<Integer> partitions)
    {
        TreeSet<Integer> sorted = new TreeSet<>(partitions);
        List<Integer> order = new ArrayList<>(sorted.tailSet(lastMerged, false));
        order.addAll(sorted.headSet(lastMerged, true));
        long copied = 0;
        for (int partition : order) {
            if (copied >= maximumRows) {
                break;
            }
            int rows = buffer.coalesce(partition, minimumBatches, maximumRows, runKey);
            if (rows > 0) {
                copied += rows;
                lastMerged = partition;
            }
        }
        return copied;
    }
}
