package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.OffsetWatermark;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

import static java.util.Objects.requireNonNull;

/**
 * What one query reads of a table: the Iceberg snapshot, its offset watermark, and per partition the
 * hot range [watermark, high-water mark) with the batches that hold it. The cut keeps those batches
 * alive until it is closed, so a commit during the query cannot take rows away from it.
 */
public final class HotCut
        implements AutoCloseable
{
    private final String leaseId;
    private final Optional<Long> snapshotId;
    private final OffsetWatermark watermark;
    private final Map<Integer, Long> highWaterMarks;
    private final Map<Integer, List<HotBatch>> batches;
    private final long createdMillis = System.currentTimeMillis();
    private volatile long lastUsedMillis = createdMillis;
    private final AtomicBoolean closed = new AtomicBoolean();

    HotCut(String leaseId, Optional<Long> snapshotId, OffsetWatermark watermark, Map<Integer, Long> highWaterMarks, Map<Integer, List<HotBatch>> batches)
    {
        this.leaseId = requireNonNull(leaseId, "leaseId is null");
        this.snapshotId = requireNonNull(snapshotId, "snapshotId is null");
        this.watermark = requireNonNull(watermark, "watermark is null");
        this.highWaterMarks = Map.copyOf(highWaterMarks);
        this.batches = Map.copyOf(batches);
    }

    public String leaseId()
    {
        return leaseId;
    }

    public Optional<Long> snapshotId()
    {
        return snapshotId;
    }

    public OffsetWatermark watermark()
    {
        return watermark;
    }

    /** Partitions with rows in the hot buffer, each with its range [watermark, high-water mark). */
    public List<HotRange> ranges()
    {
        return highWaterMarks.entrySet().stream()
                .filter(entry -> entry.getValue() > watermark.nextOffset(entry.getKey()))
                .map(entry -> new HotRange(entry.getKey(), watermark.nextOffset(entry.getKey()), entry.getValue()))
                .sorted(java.util.Comparator.comparingInt(HotRange::partition))
                .toList();
    }

    /** The batches of a partition that overlap [startOffset, endOffset). */
    public List<HotBatch> batches(int partition, long startOffset, long endOffset)
    {
        return batches.getOrDefault(partition, List.of()).stream()
                .filter(batch -> batch.endOffset() > startOffset && batch.startOffset() < endOffset)
                .toList();
    }

    long createdMillis()
    {
        return createdMillis;
    }

    /** When a reader last asked for this cut. */
    long lastUsedMillis()
    {
        return lastUsedMillis;
    }

    void touch()
    {
        lastUsedMillis = System.currentTimeMillis();
    }

    boolean isClosed()
    {
        return closed.get();
    }

    @Override
    public void close()
    {
        if (closed.compareAndSet(false, true)) {
            batches.values().forEach(list -> list.forEach(HotBatch::release));
        }
    }

    public record HotRange(int partition, long startOffset, long endOffset)
    {
        public long offsetCount()
        {
            return endOffset - startOffset;
        }
    }
}
