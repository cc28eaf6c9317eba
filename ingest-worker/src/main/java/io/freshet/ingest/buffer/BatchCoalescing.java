package io.freshet.ingest.buffer;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Which of a partition's small batches {@link HotBuffer#coalesce} merges into one, and how the merged batch takes
 * their place. The caller holds the buffer's lock.
 */
final class BatchCoalescing
{
    private BatchCoalescing() {}

    /**
     * Collects into {@code small} the first run of at least {@code minimumBatches} consecutive batches below
     * {@code maximumRows} rows together that follow one schema and have equal run keys, or the last shorter run
     * found when there is none.
     */
    static void findSmallRun(Deque<HotBatch> partitionBatches, int minimumBatches, int maximumRows, Function<HotBatch, Object> runKey, List<HotBatch> small)
    {
        int rows = 0;
        Object key = null;
        for (HotBatch batch : partitionBatches) {
            Object batchKey = batch.rowCount() >= maximumRows ? null : runKey.apply(batch);
            // a merged batch follows one schema: batches decoded before and after a schema change stay apart
            boolean joins = batchKey != null && !small.isEmpty() && rows + batch.rowCount() <= maximumRows
                    && batch.schema().schemaId() == small.getFirst().schema().schemaId() && batchKey.equals(key);
            if (!joins) {
                if (small.size() >= minimumBatches) {
                    break;
                }
                small.clear();
                rows = 0;
                key = batchKey;
                if (batchKey == null) {
                    continue;
                }
            }
            rows += batch.rowCount();
            small.add(batch);
        }
    }

    /**
     * Puts {@code merged} in place of the run {@code small} when the partition's batches still hold that run
     * unbroken; false, changing nothing, when they do not.
     */
    static boolean replaceRun(Deque<HotBatch> partitionBatches, List<HotBatch> small, HotBatch merged)
    {
        List<HotBatch> current = new ArrayList<>(partitionBatches);
        int first = -1;
        for (int i = 0; i < current.size(); i++) {
            if (current.get(i) == small.getFirst()) {
                first = i;
                break;
            }
        }
        if (first < 0 || first + small.size() > current.size() || !current.subList(first, first + small.size()).equals(small)) {
            return false;
        }
        current.subList(first, first + small.size()).clear();
        current.add(first, merged);
        partitionBatches.clear();
        partitionBatches.addAll(current);
        return true;
    }
}
