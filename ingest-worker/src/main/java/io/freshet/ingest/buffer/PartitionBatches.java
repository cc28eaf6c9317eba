package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.OffsetWatermark;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;

/**
 * What a hot buffer holds per Kafka partition: the sealed batches above the committed offset watermark, the
 * high-water mark and the ingest lag, with the bytes of all batches kept as they come and go. Not thread safe:
 * guarded by the lock of the {@link HotBuffer} that owns it.
 */
final class PartitionBatches
{
    private final Map<Integer, Deque<HotBatch>> batches = new TreeMap<>();
    private final Map<Integer, Long> highWaterMarks = new TreeMap<>();
    private final Map<Integer, IngestLag> ingestLags = new TreeMap<>();
    // dropped since the last commit was published: a partition lease must not find them empty while the writer is still giving them up
    private final Set<Integer> droppedPartitions = new HashSet<>();
    // kept as batches come and go: the ingest loop checks it after every poll
    private long bufferedBytes;

    void add(HotBatch batch, long nowMillis)
    {
        batches.computeIfAbsent(batch.partition(), _ -> new ArrayDeque<>()).addLast(batch);
        bufferedBytes += batch.sizeInBytes();
        ingestLags.computeIfAbsent(batch.partition(), _ -> new IngestLag()).record(batch, nowMillis);
    }

    /** Moves a partition's high-water mark up to {@code endOffset}; false when it was there already. */
    boolean advance(int partition, long endOffset)
    {
        Long previous = highWaterMarks.get(partition);
        if (previous == null || endOffset > previous) {
            highWaterMarks.put(partition, endOffset);
            return true;
        }
        return false;
    }

    /** Per partition, the consumer position after the last record taken in; a view, not a copy. */
    Map<Integer, Long> highWaterMarks()
    {
        return highWaterMarks;
    }

    /** Whether some partition has rows above the watermark. */
    boolean above(OffsetWatermark watermark)
    {
        return highWaterMarks.entrySet().stream().anyMatch(entry -> entry.getValue() > watermark.nextOffset(entry.getKey()));
    }

    /** The partitions held now. */
    Set<Integer> held()
    {
        return new HashSet<>(highWaterMarks.keySet());
    }

    /** A partition's batches, oldest first, or null when it has none. */
    Deque<HotBatch> batches(int partition)
    {
        return batches.get(partition);
    }

    long bufferedBytes()
    {
        return bufferedBytes;
    }

    /** Drops a partition: its batches are released and it has no high-water mark until it is held again. */
    void drop(int partition)
    {
        Deque<HotBatch> dropped = batches.remove(partition);
        if (dropped != null) {
            for (HotBatch batch : dropped) {
                bufferedBytes -= batch.sizeInBytes();
                batch.release();
            }
        }
        highWaterMarks.remove(partition);
        ingestLags.remove(partition);
        droppedPartitions.add(partition);
    }

    /** Whether the partition was dropped since the last commit was published. */
    boolean dropped(int partition)
    {
        return droppedPartitions.contains(partition);
    }

    /** Forgets the partitions dropped before a commit: the commit left them out. */
    void clearDropped()
    {
        droppedPartitions.clear();
    }

    /**
     * Takes out the batches the watermark covers, as a commit publishes it: returned by partition when
     * {@code keep}, else released.
     */
    Map<Integer, List<HotBatch>> evictCommitted(OffsetWatermark watermark, boolean keep)
    {
        Map<Integer, List<HotBatch>> evictedBatches = new TreeMap<>();
        for (Map.Entry<Integer, Deque<HotBatch>> entry : batches.entrySet()) {
            long committedOffset = watermark.nextOffset(entry.getKey());
            Deque<HotBatch> partitionBatches = entry.getValue();
            while (!partitionBatches.isEmpty() && partitionBatches.peekFirst().endOffset() <= committedOffset) {
                HotBatch evicted = partitionBatches.removeFirst();
                bufferedBytes -= evicted.sizeInBytes();
                if (keep) {
                    evictedBatches.computeIfAbsent(entry.getKey(), _ -> new ArrayList<>()).add(evicted);
                }
                else {
                    evicted.release();
                }
            }
        }
        return evictedBatches;
    }

    /** Puts a merged batch in the place of the run it merged and releases the run; false when a commit took some of them meanwhile. */
    boolean replaceRun(int partition, List<HotBatch> small, HotBatch merged)
    {
        Deque<HotBatch> partitionBatches = batches.get(partition);
        if (partitionBatches == null || !BatchCoalescing.replaceRun(partitionBatches, small, merged)) {
            return false;
        }
        for (HotBatch replaced : small) {
            bufferedBytes -= replaced.sizeInBytes();
            replaced.release();
        }
        bufferedBytes += merged.sizeInBytes();
        return true;
    }

    /** Retains every batch for a flush; a batch freed meanwhile is left out. */
    List<HotBatch> retainAll()
    {
        List<HotBatch> flushed = new ArrayList<>();
        for (Deque<HotBatch> partitionBatches : batches.values()) {
            for (HotBatch batch : partitionBatches) {
                if (batch.retain()) {
                    flushed.add(batch);
                }
            }
        }
        return flushed;
    }

    /** Retains every batch for a cut, by partition; a batch freed meanwhile is left out. */
    Map<Integer, List<HotBatch>> retainByPartition()
    {
        Map<Integer, List<HotBatch>> retained = new TreeMap<>();
        for (Map.Entry<Integer, Deque<HotBatch>> entry : batches.entrySet()) {
            List<HotBatch> partitionBatches = new ArrayList<>();
            for (HotBatch batch : entry.getValue()) {
                if (batch.retain()) {
                    partitionBatches.add(batch);
                }
            }
            retained.put(entry.getKey(), partitionBatches);
        }
        return retained;
    }

    /** Retains, oldest first, each batch of the partition that ends above the offset. */
    void retainOverlapping(int partition, long startOffset, List<HotBatch> retained)
    {
        HotBatch.retainOverlapping(batches.getOrDefault(partition, new ArrayDeque<>()), startOffset, retained);
    }

    List<PartitionStatus> status(OffsetWatermark committed, long now)
    {
        List<PartitionStatus> statuses = new ArrayList<>();
        for (Map.Entry<Integer, Long> entry : highWaterMarks.entrySet()) {
            int partition = entry.getKey();
            long rows = 0;
            long bytes = 0;
            for (HotBatch batch : batches.getOrDefault(partition, new ArrayDeque<>())) {
                rows += batch.rowCount();
                bytes += batch.sizeInBytes();
            }
            IngestLag lag = ingestLags.get(partition);
            statuses.add(new PartitionStatus(partition, entry.getValue(), committed.nextOffset(partition), rows, bytes,
                    lag == null ? OptionalLong.empty() : lag.percentile(50, now),
                    lag == null ? OptionalLong.empty() : lag.percentile(99, now)));
        }
        return statuses;
    }

    /** Releases every batch: the buffer closes. */
    void releaseAll()
    {
        batches.values().forEach(partitionBatches -> partitionBatches.forEach(HotBatch::release));
        batches.clear();
        bufferedBytes = 0;
    }
}
