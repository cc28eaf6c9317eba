package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.OffsetWatermark;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The batches of one flush and the watermark its commit moves to. */
public record FlushPlan(OffsetWatermark base, OffsetWatermark target, List<HotBatch> batches)
        implements AutoCloseable
{
    public FlushPlan
    {
        requireNonNull(base, "base is null");
        requireNonNull(target, "target is null");
        batches = List.copyOf(batches);
    }

    public long rowCount()
    {
        return batches.stream().mapToLong(HotBatch::rowCount).sum();
    }

    @Override
    public void close()
    {
        batches.forEach(HotBatch::release);
    }
}
