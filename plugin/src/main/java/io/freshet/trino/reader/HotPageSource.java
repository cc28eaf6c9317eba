package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.split.HotBatchPredicate;
import io.trino.spi.Page;
import io.trino.spi.block.Block;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.OptionalLong;

import static java.util.Objects.requireNonNull;

/**
 * Reads the rows of one hot split, batch by batch. Batches whose column statistics rule out the query's
 * predicate are skipped without reading a value; the others are served from blocks converted once per
 * batch and column and shared by every query ({@link HotBatchBlocks}). The page source holds a reference
 * on each of its batches until it closes, so neither a commit, an expired lease nor a closed hot buffer
 * frees memory it still reads.
 */
public class HotPageSource
        implements ConnectorPageSource
{
    private final List<HotBatch> batches;
    private final List<FreshetColumnHandle> columns;
    private final TupleDomain<FreshetColumnHandle> predicate;
    private final long startOffset;
    private final long endOffset;
    private int nextBatch;
    private boolean closed;
    private long completedBytes;
    private long completedPositions;
    private long readTimeNanos;

    /** Takes over one reference on each batch, which {@link #close} gives back. */
    public HotPageSource(List<HotBatch> batches, List<FreshetColumnHandle> columns, TupleDomain<FreshetColumnHandle> predicate, long startOffset, long endOffset)
    {
        this.batches = List.copyOf(requireNonNull(batches, "batches is null"));
        this.columns = List.copyOf(requireNonNull(columns, "columns is null"));
        this.predicate = requireNonNull(predicate, "predicate is null");
        this.startOffset = startOffset;
        this.endOffset = endOffset;
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        while (!closed && nextBatch < batches.size()) {
            long start = System.nanoTime();
            HotBatch batch = batches.get(nextBatch++);
            if (!HotBatchPredicate.mayMatch(batch, predicate)) {
                readTimeNanos += System.nanoTime() - start;
                continue;
            }
            int from = batch.firstRowAtOrAfter(startOffset);
            int to = batch.firstRowAtOrAfter(endOffset);
            if (from >= to) {
                continue;
            }
            Block[] blocks = new Block[columns.size()];
            long bytes = 0;
            for (int i = 0; i < blocks.length; i++) {
                blocks[i] = HotBatchBlocks.block(batch, columns.get(i), from, to);
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
    public OptionalLong getCompletedPositions()
    {
        return OptionalLong.of(completedPositions);
    }

    @Override
    public long getReadTimeNanos()
    {
        return readTimeNanos;
    }

    @Override
    public boolean isFinished()
    {
        return closed || nextBatch >= batches.size();
    }

    @Override
    public long getMemoryUsage()
    {
        return 0;
    }

    @Override
    public void close()
    {
        if (!closed) {
            closed = true;
            batches.forEach(HotBatch::release);
        }
    }
}
