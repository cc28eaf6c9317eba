package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.trino.spi.block.Block;
import io.trino.spi.block.RunLengthEncodedBlock;
import org.apache.arrow.vector.FieldVector;
import io.trino.spi.type.Type;

/**
 * Trino blocks of a sealed hot batch. A batch never changes, so each column is converted from Arrow once,
 * by the first query that reads it, and every later query gets a view of the same block: a query's cost is
 * then the rows it needs, not a copy of every value it scans.
 */
final class HotBatchBlocks
{
    private HotBatchBlocks() {}

    /**
     * Rows [from, to) of a column, found by Iceberg field id; the caller holds a reference on the batch. A column
     * the batch's schema lacks (added after the batch was decoded) is null, as in older data files.
     */
    static Block block(HotBatch batch, FreshetColumnHandle column, int from, int to)
    {
        Block whole = batch.derived(new BlockKey(column.fieldId(), column.type()), sealed -> {
            FieldVector vector = sealed.vector(column.fieldId());
            if (vector == null) {
                return RunLengthEncodedBlock.create(column.type(), null, sealed.rowCount());
            }
            return ArrowBlocks.toBlock(column.type(), vector, 0, sealed.rowCount());
        });
        if (from == 0 && to == whole.getPositionCount()) {
            return whole;
        }
        return whole.getRegion(from, to - from);
    }

    private record BlockKey(int fieldId, Type type) {}
}
