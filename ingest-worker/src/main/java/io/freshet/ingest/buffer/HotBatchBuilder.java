package io.freshet.ingest.buffer;

import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.TimeStampMicroTZVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Collects the rows of one Kafka partition into Arrow vectors that no reader sees yet; {@link #seal}
 * turns them into an immutable {@link HotBatch}. A row is counted only once it is complete, so a record
 * that fails to decode half way leaves nothing behind: the next row overwrites its partial values.
 */
public final class HotBatchBuilder
{
    private final BufferAllocator allocator;
    private final Schema schema;
    private final org.apache.arrow.vector.types.pojo.Schema arrowSchema;
    private final int partitionIdColumn;
    private final int offsetColumn;
    private final int timestampColumn;
    private final int keyColumn;
    private final int headersColumn;
    private final int partition;
    private VectorSchemaRoot root;
    private int rows;
    private long startOffset;
    private long endOffset;

    public HotBatchBuilder(BufferAllocator allocator, Schema schema, int partition, long startOffset)
    {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.arrowSchema = ArrowSchemas.toArrow(schema);
        // the Arrow schema holds the table's columns in order: positions found by field id once
        this.partitionIdColumn = position(schema, KafkaMetadataColumns.PARTITION_ID);
        this.offsetColumn = position(schema, KafkaMetadataColumns.PARTITION_OFFSET);
        this.timestampColumn = position(schema, KafkaMetadataColumns.TIMESTAMP);
        this.keyColumn = position(schema, KafkaMetadataColumns.KEY);
        this.headersColumn = position(schema, KafkaMetadataColumns.HEADERS);
        this.partition = partition;
        this.startOffset = startOffset;
        this.endOffset = startOffset;
    }

    private static int position(Schema schema, String metadataColumn)
    {
        Types.NestedField field = schema.findField(metadataColumn);
        if (field == null) {
            throw new IllegalArgumentException("Table schema has no Kafka metadata column " + metadataColumn);
        }
        return schema.columns().indexOf(field);
    }

    /** The Iceberg schema the vectors follow. */
    public Schema schema()
    {
        return schema;
    }

    /** The vectors to decode the next row into, at index {@link #nextRow()}. */
    public VectorSchemaRoot vectors()
    {
        if (root == null) {
            root = VectorSchemaRoot.create(arrowSchema, allocator);
            root.allocateNew();
        }
        return root;
    }

    public int nextRow()
    {
        return rows;
    }

    public int partition()
    {
        return partition;
    }

    /** Writes the Kafka metadata columns of the current row and counts the row. */
    public void completeRow(long offset, long timestampMillis, byte[] key, Headers headers)
    {
        VectorSchemaRoot vectors = vectors();
        int row = rows;
        ((BigIntVector) vectors.getVector(partitionIdColumn)).setSafe(row, partition);
        ((BigIntVector) vectors.getVector(offsetColumn)).setSafe(row, offset);
        TimeStampMicroTZVector timestamp = (TimeStampMicroTZVector) vectors.getVector(timestampColumn);
        if (timestampMillis >= 0) {
            timestamp.setSafe(row, timestampMillis * 1000);
        }
        else {
            timestamp.setNull(row);
        }
        VarCharVector keyVector = (VarCharVector) vectors.getVector(keyColumn);
        if (key == null) {
            keyVector.setNull(row);
        }
        else {
            // decoding and re-encoding replaces invalid UTF-8 so the column always holds valid text
            keyVector.setSafe(row, new String(key, StandardCharsets.UTF_8).getBytes(StandardCharsets.UTF_8));
        }
        writeHeaders((MapVector) vectors.getVector(headersColumn), row, headers);
        rows++;
        skipTo(offset + 1);
    }

    /** Moves the consumer position past records that produced no row. */
    public void skipTo(long nextOffset)
    {
        endOffset = Math.max(endOffset, nextOffset);
    }

    public long endOffset()
    {
        return endOffset;
    }

    public long startOffset()
    {
        return startOffset;
    }

    public boolean hasRows()
    {
        return rows > 0;
    }

    /** Seals the collected rows into a batch at their used size; the builder starts over at the current position. */
    public HotBatch seal()
    {
        VectorSchemaRoot sealed = vectors();
        sealed.setRowCount(rows);
        root = null;
        sealed = UsedSize.sealed(sealed, allocator);
        HotBatch batch = new HotBatch(sealed, schema, partition, startOffset, endOffset);
        rows = 0;
        startOffset = endOffset;
        return batch;
    }

    public void close()
    {
        if (root != null) {
            root.close();
            root = null;
        }
    }

    private static void writeHeaders(MapVector vector, int row, Headers headers)
    {
        Map<String, List<byte[]>> grouped = new LinkedHashMap<>();
        for (Header header : headers) {
            grouped.computeIfAbsent(header.key(), _ -> new ArrayList<>()).add(header.value());
        }
        int start = vector.startNewValue(row);
        StructVector entries = (StructVector) vector.getDataVector();
        List<FieldVector> children = entries.getChildrenFromFields();
        VarCharVector keys = (VarCharVector) children.get(0);
        ListVector values = (ListVector) children.get(1);
        int position = start;
        for (Map.Entry<String, List<byte[]>> entry : grouped.entrySet()) {
            entries.setIndexDefined(position);
            keys.setSafe(position, entry.getKey().getBytes(StandardCharsets.UTF_8));
            int elementStart = values.startNewValue(position);
            VarBinaryVector elements = (VarBinaryVector) values.getDataVector();
            List<byte[]> headerValues = entry.getValue();
            for (int i = 0; i < headerValues.size(); i++) {
                byte[] value = headerValues.get(i);
                if (value == null) {
                    elements.setNull(elementStart + i);
                }
                else {
                    elements.setSafe(elementStart + i, value);
                }
            }
            values.endValue(position, headerValues.size());
            position++;
        }
        vector.endValue(row, position - start);
    }
}
