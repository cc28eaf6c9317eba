package io.freshet.ingest.buffer;

import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.function.Function;

/**
 * Which of a partition's batches {@link HotBuffer#coalesce} merges into one, and how the merged batch takes their
 * place. The caller holds the buffer's lock.
 */
final class BatchCoalescing
{
    private BatchCoalescing() {}

    /**
     * Collects into {@code run} the batches {@link HotBuffer#coalesce} merges next: consecutive batches that follow
     * one schema and have equal run keys, at least {@code minimumBatches} of them and at most {@code maximumRows}
     * rows together, none holding more than half of those rows. The run starts at the oldest batch that can start
     * one and takes as many batches after it as qualify.
     * <p>
     * The half rule bounds the copies: a row is copied only into a batch at least twice the size of the one that
     * holds it, so a merged batch joins the small batches after it only once they hold as many rows as it does, and
     * until then they merge among themselves. Merged batches thus grow like a binary counter, each row is copied
     * once per doubling (a few times up to {@code maximumRows}) instead of once per run, and a batch of more than
     * half of {@code maximumRows} rows is never copied again. Batch sizes may vary freely: nothing asks that a
     * run's batches be of one size.
     */
    static void findRun(Deque<HotBatch> partitionBatches, int minimumBatches, int maximumRows, Function<HotBatch, Object> runKey, List<HotBatch> run)
    {
        List<HotBatch> batches = new ArrayList<>(partitionBatches);
        List<Object> keys = new ArrayList<>(batches.size());
        for (HotBatch batch : batches) {
            // a batch of more than half the limit can join no run: it would hold more than half of it
            keys.add(2L * batch.rowCount() > maximumRows ? null : runKey.apply(batch));
        }
        for (int first = 0; first + minimumBatches <= batches.size(); first++) {
            Object key = keys.get(first);
            if (key == null) {
                continue;
            }
            int schemaId = batches.get(first).schema().schemaId();
            long rows = 0;
            int largest = 0;
            int last = -1;
            for (int next = first; next < batches.size(); next++) {
                HotBatch batch = batches.get(next);
                // a merged batch follows one schema: batches decoded before and after a schema change stay apart
                if (!key.equals(keys.get(next)) || batch.schema().schemaId() != schemaId || rows + batch.rowCount() > maximumRows) {
                    break;
                }
                rows += batch.rowCount();
                largest = Math.max(largest, batch.rowCount());
                if (next - first + 1 >= minimumBatches && 2L * largest <= rows) {
                    last = next;
                }
            }
            if (last >= 0) {
                run.addAll(batches.subList(first, last + 1));
                return;
            }
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
