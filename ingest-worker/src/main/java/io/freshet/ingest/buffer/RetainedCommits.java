package io.freshet.ingest.buffer;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The batches of recent commits, kept for queries planned on the snapshot before them (on another node, which
 * learns of commits later). Not thread safe: guarded by the lock of the {@link HotBuffer} that owns it.
 */
final class RetainedCommits
{
    private final Deque<RetainedCommit> retainedCommits = new ArrayDeque<>();
    private LongSupplier committedBatchRetention = () -> 0;

    void retainFor(LongSupplier retentionMillis)
    {
        committedBatchRetention = requireNonNull(retentionMillis, "retentionMillis is null");
    }

    long retentionMillis()
    {
        return committedBatchRetention.getAsLong();
    }

    /** Keeps the batches one commit took out of the buffer; {@code coveredFrom} as in {@link RetainedCommit}. */
    void add(long committedMillis, Map<Integer, Long> coveredFrom, Map<Integer, List<HotBatch>> batches)
    {
        retainedCommits.addLast(new RetainedCommit(committedMillis, coveredFrom, batches));
    }

    /** Releases the commits older than the retention, or all of them when the retention is zero or the buffer closed. */
    void expire(long retentionMillis, boolean closed)
    {
        long oldest = System.currentTimeMillis() - retentionMillis;
        while (!retainedCommits.isEmpty() && (closed || retentionMillis == 0 || retainedCommits.peekFirst().committedMillis() < oldest)) {
            retainedCommits.removeFirst().release();
        }
    }

    /**
     * The first offset of the partition whose rows the buffer still holds: the committed watermark, or the
     * start of the oldest retained commit from which on it held the partition without a break.
     */
    long heldFrom(int partition, long committedOffset)
    {
        long heldFrom = committedOffset;
        for (Iterator<RetainedCommit> newestFirst = retainedCommits.descendingIterator(); newestFirst.hasNext(); ) {
            Long coveredFrom = newestFirst.next().coveredFrom().get(partition);
            if (coveredFrom == null) {
                break;
            }
            heldFrom = coveredFrom;
        }
        return heldFrom;
    }

    /** Retains, oldest commit first, each kept batch of the partition that ends above the offset. */
    void retainOverlapping(int partition, long startOffset, List<HotBatch> retained)
    {
        for (RetainedCommit commit : retainedCommits) {
            HotBatch.retainOverlapping(commit.batches().getOrDefault(partition, List.of()), startOffset, retained);
        }
    }

    /** Bytes of committed batches kept for queries planned on an older snapshot. */
    long bytes()
    {
        long bytes = 0;
        for (RetainedCommit retained : retainedCommits) {
            for (List<HotBatch> partitionBatches : retained.batches().values()) {
                for (HotBatch batch : partitionBatches) {
                    bytes += batch.sizeInBytes();
                }
            }
        }
        return bytes;
    }

    void releaseAll()
    {
        retainedCommits.forEach(RetainedCommit::release);
        retainedCommits.clear();
    }

    /**
     * The batches one commit took out of the buffer, kept a while for queries planned before it, with the offset
     * each partition's rows start at for the partitions the buffer held before the commit.
     */
    private record RetainedCommit(long committedMillis, Map<Integer, Long> coveredFrom, Map<Integer, List<HotBatch>> batches)
    {
        void release()
        {
            batches.values().forEach(partitionBatches -> partitionBatches.forEach(HotBatch::release));
        }
    }
}
