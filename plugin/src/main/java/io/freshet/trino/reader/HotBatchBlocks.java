package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.trino.FreshetColumnHandle;
import io.trino.spi.block.Block;
import io.trino.spi.type.Type;

/**
 * Trino blocks of a sealed hot batch. A batch never changes, so each column is converted from Arrow once,
 * by the first query that reads it, and every later query gets a view of the same block: a query's cost is
 * then the rows it needs, not a copy of every value it scans.
 */
final class HotBatchBlocks
{
    private HotBatchBlocks() {}

    /** Rows [from, to) of a column; the caller holds a reference on the batch. */
    static Block block(HotBatch batch, FreshetColumnHandle column, int from, int to)
    {
        Block whole = batch.derived(new BlockKey(column.name(), column.type()),
                sealed -> ArrowBlocks.toBlock(column.type(), sealed.root().getVector(column.name()), 0, sealed.rowCount()));
        if (from == 0 && to == whole.getPositionCount()) {
            return whole;
        }
        return whole.getRegion(from, to - from);
    }

    private record BlockKey(String column, Type type) {}
}
