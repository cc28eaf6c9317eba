package io.freshet.ingest.schema;

import io.freshet.ingest.error.UnsupportedColumnException;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Kafka's own fields of a record, kept as ordinary columns of every Freshet table and named as in
 * Trino's Kafka connector, so a row always says where in the topic it came from.
 */
public final class KafkaMetadataColumns
{
    public static final String PARTITION_ID = "_partition_id";
    public static final String PARTITION_OFFSET = "_partition_offset";
    public static final String TIMESTAMP = "_timestamp";
    public static final String KEY = "_key";
    public static final String HEADERS = "_headers";

    public static final Set<String> NAMES = Set.of(PARTITION_ID, PARTITION_OFFSET, TIMESTAMP, KEY, HEADERS);

    private KafkaMetadataColumns() {}

    public static boolean isMetadataColumn(String name)
    {
        return NAMES.contains(name);
    }

    /** The table schema: the declared columns followed by the metadata columns; field ids are assigned afresh by the catalog. */
    public static Schema withMetadataColumns(List<NestedField> declaredColumns)
    {
        List<NestedField> fields = new ArrayList<>();
        int nextId = 1;
        for (NestedField column : declaredColumns) {
            if (isMetadataColumn(column.name())) {
                throw new UnsupportedColumnException("Column name %s is reserved for Kafka metadata; rename the column".formatted(column.name()));
            }
            fields.add(column);
            nextId = Math.max(nextId, maxFieldId(column) + 1);
        }
        fields.add(NestedField.required(nextId++, PARTITION_ID, Types.LongType.get(), "Kafka partition of the record"));
        fields.add(NestedField.required(nextId++, PARTITION_OFFSET, Types.LongType.get(), "Offset of the record in its Kafka partition"));
        fields.add(NestedField.optional(nextId++, TIMESTAMP, Types.TimestampType.withZone(), "Kafka record timestamp"));
        fields.add(NestedField.optional(nextId++, KEY, Types.StringType.get(), "Kafka record key"));
        int keyId = nextId++;
        int valueId = nextId++;
        int elementId = nextId++;
        fields.add(NestedField.optional(nextId, HEADERS,
                Types.MapType.ofOptional(keyId, valueId, Types.StringType.get(), Types.ListType.ofOptional(elementId, Types.BinaryType.get())),
                "Kafka record headers, every value of a repeated header in order"));
        return new Schema(fields);
    }

    private static int maxFieldId(NestedField field)
    {
        int max = field.fieldId();
        Type type = field.type();
        if (type.isNestedType()) {
            for (NestedField child : type.asNestedType().fields()) {
                max = Math.max(max, maxFieldId(child));
            }
        }
        return max;
    }

    /**
     * The Kafka partition every row of a data file comes from, read from its column bounds; empty when the
     * file spans several partitions (another engine wrote it) or was read without column statistics.
     */
    public static Optional<Integer> kafkaPartition(Schema schema, DataFile file)
    {
        NestedField field = schema.findField(PARTITION_ID);
        Optional<Number> lower = bound(file.lowerBounds(), field);
        return lower.isPresent() && lower.equals(bound(file.upperBounds(), field)) ? Optional.of(lower.get().intValue()) : Optional.empty();
    }

    /** The lowest {@code _partition_offset} of a data file, from its column bounds. */
    public static Optional<Long> minOffset(Schema schema, DataFile file)
    {
        return bound(file.lowerBounds(), schema.findField(PARTITION_OFFSET)).map(Number::longValue);
    }

    /** The highest {@code _partition_offset} of a data file, from its column bounds. */
    public static Optional<Long> maxOffset(Schema schema, DataFile file)
    {
        return bound(file.upperBounds(), schema.findField(PARTITION_OFFSET)).map(Number::longValue);
    }

    private static Optional<Number> bound(Map<Integer, ByteBuffer> bounds, NestedField field)
    {
        if (bounds == null || field == null) {
            return Optional.empty();
        }
        ByteBuffer value = bounds.get(field.fieldId());
        return value == null ? Optional.empty() : Optional.of(Conversions.fromByteBuffer(field.type(), value));
    }
}
