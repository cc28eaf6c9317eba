package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.trino.FreshetColumnHandle;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** Reads the rows of one hot split, batch by batch, straight from the Arrow vectors of the hot buffer. */
public class HotPageSource
        implements ConnectorPageSource
{
    private final List<HotBatch> batches;
    private final List<FreshetColumnHandle> columns;
    private final long startOffset;
    private final long endOffset;
    private int nextBatch;
    private long completedBytes;
    private long completedPositions;
    private long readTimeNanos;

    public HotPageSource(List<HotBatch> batches, List<FreshetColumnHandle> columns, long startOffset, long endOffset)
    {
        this.batches = List.copyOf(requireNonNull(batches, "batches is null"));
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        while (nextBatch < batches.size()) {
            long start = System.nanoTime();
            HotBatch batch = batches.get(nextBatch++);
            int from = batch.firstRowAtOrAfter(startOffset);
            int to = batch.firstRowAtOrAfter(endOffset);
            if (from >= to) {
                continue;
            }
            Block[] blocks = new Block[columns.size()];
            long bytes = 0;
            for (int i = 0; i < blocks.length; i++) {
                FreshetColumnHandle column = columns.get(i);
                blocks[i] = ArrowBlocks.toBlock(column.type(), batch.root().getVector(column.name()), from, to);
                bytes += blocks[i].getSizeInBytes();
            }
            completedBytes += bytes;
            completedPositions += to - from;
            readTimeNanos += System.nanoTime() - start;
            return SourcePage.create(new Page(to - from, blocks));
        }
        return null;
    }

    @Override
    public long getCompletedBytes()
    {
        return completedBytes;
    }

    @Override
    public java.util.OptionalLong getCompletedPositions()
    {
        return java.util.OptionalLong.of(completedPositions);
    }

    @Override
    public long getReadTimeNanos()
    {
        return readTimeNanos;
    }

    @Override
    public boolean isFinished()
    {
        return nextBatch >= batches.size();
    }

    @Override
    public long getMemoryUsage()
    {
        return 0;
    }

    @Override
    public void close() {}
}
