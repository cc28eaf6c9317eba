package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.util.SerializableFunction;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * Sorts the rows of hot batches into the Iceberg partitions of a partition spec, evaluating the spec's transforms
 * on the batch's vectors, whose source columns are found by Iceberg field id. A source column the batch does not
 * have (added after it was decoded) is null in every row, as readers see it.
 */
public final class PartitionRows
{
    private static final Set<String> TIME_TRANSFORMS = Set.of("year", "month", "day", "hour");

    private final PartitionSpec spec;
    private final List<PartitionField> fields;

    public PartitionRows(PartitionSpec spec)
    {
        this.spec = requireNonNull(spec, "spec is null");
        this.fields = spec.fields();
    }

    public PartitionSpec spec()
    {
        return spec;
    }

    /** The rows of a batch per partition, each in row order; partitions in the order their first row comes. */
    public Map<Partition, int[]> rows(HotBatch batch)
    {
        int rowCount = batch.rowCount();
        int fieldCount = fields.size();
        FieldVector[] vectors = new FieldVector[fieldCount];
        @SuppressWarnings("unchecked")
        SerializableFunction<Object, Object>[] transforms = new SerializableFunction[fieldCount];
        Type[] sourceTypes = new Type[fieldCount];
        for (int i = 0; i < fieldCount; i++) {
            PartitionField field = fields.get(i);
            Types.NestedField source = batch.schema().findField(field.sourceId());
            vectors[i] = batch.vector(field.sourceId());
            if (source != null && vectors[i] != null) {
                sourceTypes[i] = source.type();
                @SuppressWarnings("unchecked")
                SerializableFunction<Object, Object> bound = (SerializableFunction<Object, Object>) field.transform().bind(source.type());
                transforms[i] = bound;
            }
        }
        Map<Partition, Rows> partitions = new LinkedHashMap<>();
        Object[] values = new Object[fieldCount];
        Partition probe = new Partition(values);
        Partition previous = null;
        Rows previousRows = null;
        for (int row = 0; row < rowCount; row++) {
            for (int i = 0; i < fieldCount; i++) {
                values[i] = transforms[i] == null || vectors[i].isNull(row) ? null : normalize(transforms[i].apply(value(vectors[i], sourceTypes[i], row)));
            }
            Rows rows;
            if (previous != null && Arrays.equals(previous.values, values)) {
                rows = previousRows;
            }
            else {
                // looked up with the scratch values; a key is copied only for a partition seen first
                rows = partitions.get(probe);
                if (rows == null) {
                    Partition key = new Partition(values.clone());
                    rows = new Rows();
                    partitions.put(key, rows);
                    previous = key;
                }
                else {
                    previous = null;
                }
                previousRows = rows;
            }
            rows.add(row);
        }
        Map<Partition, int[]> result = new LinkedHashMap<>();
        partitions.forEach((key, rows) -> result.put(key, Arrays.copyOf(rows.rows, rows.count)));
        return result;
    }

    /**
     * Which time partitions (year, month, day, hour fields of the spec) a batch spans, from its batch statistics:
     * the hot buffer merges only batches with equal keys, so a merged batch stays within one day (say) when the
     * rows arrive in time order, and a query of one day skips the batches of the others.
     */
    public Object timeRangeKey(HotBatch batch)
    {
        List<Object> key = new ArrayList<>();
        for (PartitionField field : fields) {
            String transform = field.transform().toString();
            Types.NestedField source = batch.schema().findField(field.sourceId());
            if (source == null || !TIME_TRANSFORMS.contains(transform) || batch.vector(field.sourceId()) == null) {
                continue;
            }
            @SuppressWarnings("unchecked")
            SerializableFunction<Object, Object> bound = (SerializableFunction<Object, Object>) field.transform().bind(source.type());
            batch.statistics(field.sourceId()).ifPresent(statistics -> {
                if (statistics.min().isEmpty() || statistics.max().isEmpty()) {
                    key.add(statistics.allNull() ? "null" : "unknown");
                    return;
                }
                boolean date = source.type().typeId() == Type.TypeID.DATE;
                Object min = statistics.min().get();
                Object max = statistics.max().get();
                key.add(bound.apply(date ? (Object) ((Long) min).intValue() : min));
                key.add(bound.apply(date ? (Object) ((Long) max).intValue() : max));
            });
        }
        return key;
    }

    /** A value of a vector in Iceberg's internal representation, which the transforms take. */
    private static Object value(FieldVector vector, Type type, int row)
    {
        return switch (type.typeId()) {
            case INTEGER -> ((IntVector) vector).get(row);
            case LONG -> ((BaseIntVector) vector).getValueAsLong(row);
            case DATE -> ((DateDayVector) vector).get(row);
            case TIMESTAMP -> ((TimeStampVector) vector).get(row);
            case STRING -> new String(((VarCharVector) vector).get(row), StandardCharsets.UTF_8);
            case BINARY -> ByteBuffer.wrap(((VarBinaryVector) vector).get(row));
            case DECIMAL -> ((DecimalVector) vector).getObject(row);
            case BOOLEAN -> ((BitVector) vector).get(row) != 0;
            case FLOAT -> ((Float4Vector) vector).get(row);
            case DOUBLE -> ((Float8Vector) vector).get(row);
            default -> throw new IllegalArgumentException("Cannot partition by a column of type " + type);
        };
    }

    private static Object normalize(Object value)
    {
        // truncating text may give another CharSequence: keys compare as strings
        return value instanceof CharSequence text && !(value instanceof String) ? text.toString() : value;
    }

    /** The partition values of a set of rows, in the spec's field order. */
    public final class Partition
    {
        private final Object[] values;

        private Partition(Object[] values)
        {
            this.values = values;
        }

        /** The partition as Iceberg's data file metadata takes it. */
        public StructLike toStruct()
        {
            GenericRecord record = GenericRecord.create(spec.partitionType());
            for (int i = 0; i < values.length; i++) {
                record.set(i, values[i]);
            }
            return record;
        }

        @Override
        public boolean equals(Object other)
        {
            return other instanceof Partition partition && Arrays.equals(values, partition.values);
        }

        @Override
        public int hashCode()
        {
            return Arrays.hashCode(values);
        }

        @Override
        public String toString()
        {
            return spec.partitionToPath(toStruct());
        }
    }

    private static final class Rows
    {
        private int[] rows = new int[64];
        private int count;

        void add(int row)
        {
            if (count == rows.length) {
                rows = Arrays.copyOf(rows, count * 2);
            }
            rows[count++] = row;
        }
    }
}
