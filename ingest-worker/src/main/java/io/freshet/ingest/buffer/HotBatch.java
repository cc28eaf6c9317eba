package io.freshet.ingest.buffer;

import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.util.VectorAppender;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import static java.util.Objects.requireNonNull;

/**
 * An immutable Arrow record batch of one Kafka partition, holding the records between two consumer
 * positions. Reference counted: the hot buffer holds one reference until the batch is committed, and
 * each query cut and each reader that includes it holds one more, so its memory is released only when
 * nobody reads it. Whatever is derived from its vectors (column statistics, a reader's converted values) is
 * computed once, by the first reader that needs it, and shared by every later one.
 */
public final class HotBatch
{
    private final VectorSchemaRoot root;
    private final Schema schema;
    private final Map<Integer, FieldVector> vectorsByFieldId;
    private final int partition;
    private final long startOffset;
    private final long endOffset;
    private final long sizeInBytes;
    private final long createdNanos;
    private final BigIntVector offsets;
    private final AtomicInteger references = new AtomicInteger(1);
    private final Map<Integer, Optional<ColumnStatistics>> statistics = new ConcurrentHashMap<>();
    private final Map<Object, Object> derived = new ConcurrentHashMap<>();
    private volatile Runnable whenFreed = () -> {};

    HotBatch(VectorSchemaRoot root, Schema schema, int partition, long startOffset, long endOffset)
    {
        this.root = requireNonNull(root, "root is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.vectorsByFieldId = ArrowSchemas.byFieldId(root.getFieldVectors());
        this.partition = partition;
        this.startOffset = startOffset;
        this.endOffset = endOffset;
        this.sizeInBytes = root.getFieldVectors().stream().mapToLong(vector -> vector.getBufferSize()).sum();
        this.createdNanos = System.nanoTime();
        this.offsets = (BigIntVector) ArrowSchemas.require(vectorsByFieldId, schema.findField(KafkaMetadataColumns.PARTITION_OFFSET));
    }

    /** The Iceberg schema the batch's vectors follow, by field id: the table's schema when the batch was decoded. */
    public Schema schema()
    {
        return schema;
    }

    /** The vector of a top-level column by Iceberg field id, or null when the batch's schema has no such column (added later). */
    public FieldVector vector(int fieldId)
    {
        return vectorsByFieldId.get(fieldId);
    }

    public VectorSchemaRoot root()
    {
        return root;
    }

    public int partition()
    {
        return partition;
    }

    /** Consumer position before the first record of the batch. */
    public long startOffset()
    {
        return startOffset;
    }

    /** Consumer position after the last record of the batch, skipped records included. */
    public long endOffset()
    {
        return endOffset;
    }

    public int rowCount()
    {
        return root.getRowCount();
    }

    public long sizeInBytes()
    {
        return sizeInBytes;
    }

    long createdNanos()
    {
        return createdNanos;
    }

    /**
     * Statistics of a top-level column by Iceberg field id, computed on first use; empty for nested columns. A
     * column the batch's schema does not have (added after the batch was decoded) is null in every row.
     */
    public Optional<ColumnStatistics> statistics(int fieldId)
    {
        return statistics.computeIfAbsent(fieldId, id -> {
            FieldVector vector = vectorsByFieldId.get(id);
            if (vector == null) {
                return Optional.of(new ColumnStatistics(root.getRowCount(), root.getRowCount(), Optional.empty(), Optional.empty()));
            }
            return ColumnStatistics.of(vector, root.getRowCount());
        });
    }

    /** Statistics of a top-level column of the batch's schema by name; empty for nested columns and unknown names. */
    public Optional<ColumnStatistics> statistics(String column)
    {
        Types.NestedField field = schema.findField(column);
        return field == null || !vectorsByFieldId.containsKey(field.fieldId()) ? Optional.empty() : statistics(field.fieldId());
    }

    /**
     * A value derived from the batch's immutable vectors, computed by the first caller with {@code key} and
     * shared afterwards; it lives as long as the batch. Callers must hold a reference while computing.
     */
    @SuppressWarnings("unchecked")
    public <T> T derived(Object key, Function<HotBatch, T> compute)
    {
        return (T) derived.computeIfAbsent(key, _ -> compute.apply(this));
    }

    /** First row whose offset is at or after {@code offset}: offsets grow within a batch, so a binary search finds it. */
    public int firstRowAtOrAfter(long offset)
    {
        int low = 0;
        int high = root.getRowCount();
        while (low < high) {
            int middle = (low + high) >>> 1;
            if (offsets.get(middle) < offset) {
                low = middle + 1;
            }
            else {
                high = middle;
            }
        }
        return low;
    }

    /** One batch holding the rows of consecutive batches of a partition, in order; they all follow one schema. */
    static HotBatch merge(BufferAllocator allocator, List<HotBatch> batches)
    {
        VectorSchemaRoot merged = VectorSchemaRoot.create(batches.getFirst().root.getSchema(), allocator);
        try {
            int rows = batches.stream().mapToInt(HotBatch::rowCount).sum();
            merged.getFieldVectors().forEach(vector -> vector.setInitialCapacity(rows));
            merged.allocateNew();
            for (HotBatch batch : batches) {
                for (int column = 0; column < merged.getFieldVectors().size(); column++) {
                    // whole buffers at once: a row-by-row copyFromSafe builds new writers for every row of a list, map
                    // or struct column, which made merging the ingest loop's largest cost in CPU and garbage
                    batch.root.getVector(column).accept(new VectorAppender(merged.getVector(column)), null);
                }
            }
            merged.setRowCount(rows);
            merged = UsedSize.sealed(merged, allocator);
            return new HotBatch(merged, batches.getFirst().schema, batches.getFirst().partition, batches.getFirst().startOffset, batches.getLast().endOffset);
        }
        catch (RuntimeException e) {
            merged.close();
            throw e;
        }
    }

    /** Retains each of the batches that ends above the offset, adding it to {@code retained}. */
    static void retainOverlapping(Iterable<HotBatch> candidates, long startOffset, List<HotBatch> retained)
    {
        for (HotBatch batch : candidates) {
            if (batch.endOffset() > startOffset && batch.retain()) {
                retained.add(batch);
            }
        }
    }

    /** Takes a reference, to be given back with {@link #release}; false when the batch was already freed. */
    public boolean retain()
    {
        while (true) {
            int count = references.get();
            if (count == 0) {
                return false;
            }
            if (references.compareAndSet(count, count + 1)) {
                return true;
            }
        }
    }

    public void release()
    {
        int remaining = references.decrementAndGet();
        if (remaining < 0) {
            throw new IllegalStateException("batch released more often than retained");
        }
        if (remaining == 0) {
            root.close();
            derived.clear();
            whenFreed.run();
        }
    }

    /** Runs once the last reference is released and the batch's memory is back in its allocator. */
    void whenFreed(Runnable action)
    {
        this.whenFreed = requireNonNull(action, "action is null");
    }
}
