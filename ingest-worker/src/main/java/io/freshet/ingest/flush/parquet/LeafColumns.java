package io.freshet.ingest.flush.parquet;

import io.freshet.ingest.schema.ArrowSchemas;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Shreds Arrow vectors into Parquet leaf columns, one column at a time: for each leaf, a chain of levels from the
 * top-level vector down to the values computes the repetition and definition levels of Iceberg's Parquet layout
 * (optional fields add a definition level, a list or map adds a repeated group). Value counts, null counts and, for
 * floating point columns, NaN counts and bounds are taken as the values are written.
 */
final class LeafColumns
{
    private LeafColumns() {}

    /**
     * The leaves of the schema's columns in Parquet column order (depth first), each bound to its vectors, which
     * are found by Iceberg field id, never by position.
     */
    static List<Leaf> leaves(List<NestedField> fields, List<FieldVector> vectors)
    {
        Map<Integer, FieldVector> byFieldId = ArrowSchemas.byFieldId(vectors);
        List<Leaf> leaves = new ArrayList<>();
        for (NestedField field : fields) {
            collect(field, ArrowSchemas.require(byFieldId, field), 0, new ArrayList<>(), leaves);
        }
        return leaves;
    }

    /**
     * @param path levels from the top-level vector down to {@code vector}'s parent, each of which wraps the next
     */
    private static void collect(NestedField field, FieldVector vector, int repetitionLevel, List<LevelFactory> path, List<Leaf> leaves)
    {
        List<LevelFactory> here = new ArrayList<>(path);
        boolean optional = field.isOptional();
        String name = field.name();
        here.add(inner -> new Presence(vector, optional, name, inner));
        Type type = field.type();
        switch (type.typeId()) {
            case STRUCT -> {
                Map<Integer, FieldVector> childVectors = ArrowSchemas.byFieldId(((StructVector) vector).getChildrenFromFields());
                for (NestedField child : type.asStructType().fields()) {
                    collect(child, ArrowSchemas.require(childVectors, child), repetitionLevel, here, leaves);
                }
            }
            case LIST -> {
                ListVector list = (ListVector) vector;
                int level = repetitionLevel + 1;
                here.add(inner -> new Repeated(list, level, inner));
                collect(((Types.ListType) type).fields().getFirst(), list.getDataVector(), level, here, leaves);
            }
            case MAP -> {
                ListVector map = (ListVector) vector;
                int level = repetitionLevel + 1;
                here.add(inner -> new Repeated(map, level, inner));
                List<FieldVector> entries = ((StructVector) map.getDataVector()).getChildrenFromFields();
                List<NestedField> keyValue = ((Types.MapType) type).fields();
                collect(keyValue.get(0), entries.get(0), level, here, leaves);
                collect(keyValue.get(1), entries.get(1), level, here, leaves);
            }
            default -> leaves.add(new Leaf(field.fieldId(), type, vector, here));
        }
    }

    private interface LevelFactory
    {
        Level wrap(Level inner);
    }

    /** One level of a leaf's path; {@code definitionLevel} counts the levels defined above it. */
    private abstract static class Level
    {
        abstract void write(int index, int repetitionLevel, int definitionLevel);
    }

    /** An optional field adds a definition level when present; a required one must be present. */
    private static final class Presence
            extends Level
    {
        private final FieldVector vector;
        private final boolean optional;
        private final String name;
        private final Level inner;
        private Values values;

        Presence(FieldVector vector, boolean optional, String name, Level inner)
        {
            this.vector = vector;
            this.optional = optional;
            this.name = name;
            this.inner = inner;
        }

        @Override
        void write(int index, int repetitionLevel, int definitionLevel)
        {
            if (vector.isNull(index)) {
                if (!optional) {
                    throw new IllegalStateException("required field " + name + " is null");
                }
                values.writeNull(repetitionLevel, definitionLevel);
                return;
            }
            inner.write(index, repetitionLevel, optional ? definitionLevel + 1 : definitionLevel);
        }
    }

    /** A list or map: an empty one is defined up to here, each element repeats at this level. */
    private static final class Repeated
            extends Level
    {
        private final ListVector vector;
        private final int repetitionLevel;
        private final Level inner;
        private Values values;

        Repeated(ListVector vector, int repetitionLevel, Level inner)
        {
            this.vector = vector;
            this.repetitionLevel = repetitionLevel;
            this.inner = inner;
        }

        @Override
        void write(int index, int parentRepetitionLevel, int definitionLevel)
        {
            ArrowBuf offsets = vector.getOffsetBuffer();
            int start = offsets.getInt((long) index * ListVector.OFFSET_WIDTH);
            int end = offsets.getInt((long) (index + 1) * ListVector.OFFSET_WIDTH);
            if (start == end) {
                values.writeNull(parentRepetitionLevel, definitionLevel);
                return;
            }
            inner.write(start, parentRepetitionLevel, definitionLevel + 1);
            for (int element = start + 1; element < end; element++) {
                inner.write(element, repetitionLevel, definitionLevel + 1);
            }
        }
    }

    /** A leaf column: its path of levels over the batch's vectors, ending in the values. */
    static final class Leaf
    {
        private final int fieldId;
        private final Type type;
        private final FieldVector vector;
        private final List<LevelFactory> path;

        Leaf(int fieldId, Type type, FieldVector vector, List<LevelFactory> path)
        {
            this.fieldId = fieldId;
            this.type = type;
            this.vector = vector;
            this.path = path;
        }

        int fieldId()
        {
            return fieldId;
        }

        Type type()
        {
            return type;
        }

        /** The vector holding the leaf's values, for the dictionary decision. */
        FieldVector vector()
        {
            return vector;
        }

        /** Binds the leaf to a column writer; the returned writer takes rows of the top-level vectors. */
        RowWriter bind(ColumnWriter column, FloatingPointMetrics metrics)
        {
            Values values = Values.of(type, vector, column, metrics);
            Level level = values;
            for (int i = path.size() - 1; i >= 0; i--) {
                level = path.get(i).wrap(level);
                if (level instanceof Presence presence) {
                    presence.values = values;
                }
                else if (level instanceof Repeated repeated) {
                    repeated.values = values;
                }
            }
            Level top = level;
            return new RowWriter()
            {
                @Override
                public void write(int startRow, int endRow)
                {
                    for (int row = startRow; row < endRow; row++) {
                        top.write(row, 0, 0);
                    }
                }

                @Override
                public void write(int[] rows, int from, int to)
                {
                    for (int i = from; i < to; i++) {
                        top.write(rows[i], 0, 0);
                    }
                }
            };
        }
    }

    interface RowWriter
    {
        void write(int startRow, int endRow);

        /** Writes the rows {@code rows[from..to)}, in that order. */
        void write(int[] rows, int from, int to);
    }

    /** Writes present values (and nulls at any level) of one leaf to its column writer. */
    private abstract static class Values
            extends Level
    {
        final ColumnWriter column;
        final FloatingPointMetrics metrics;

        Values(ColumnWriter column, FloatingPointMetrics metrics)
        {
            this.column = column;
            this.metrics = metrics;
        }

        void writeNull(int repetitionLevel, int definitionLevel)
        {
            column.writeNull(repetitionLevel, definitionLevel);
            if (metrics != null) {
                metrics.addNull();
            }
        }

        static Values of(Type type, FieldVector vector, ColumnWriter column, FloatingPointMetrics metrics)
        {
            return switch (type.typeId()) {
                case BOOLEAN -> new Values(column, metrics)
                {
                    private final BitVector values = (BitVector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(values.get(index) != 0, r, d);
                    }
                };
                case INTEGER -> new Values(column, metrics)
                {
                    private final IntVector values = (IntVector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(values.get(index), r, d);
                    }
                };
                case DATE -> new Values(column, metrics)
                {
                    private final DateDayVector values = (DateDayVector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(values.get(index), r, d);
                    }
                };
                case LONG -> new Values(column, metrics)
                {
                    private final BigIntVector values = (BigIntVector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(values.get(index), r, d);
                    }
                };
                case TIMESTAMP -> new Values(column, metrics)
                {
                    private final TimeStampVector values = (TimeStampVector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(values.get(index), r, d);
                    }
                };
                case FLOAT -> new Values(column, metrics)
                {
                    private final Float4Vector values = (Float4Vector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        float value = values.get(index);
                        column.write(value, r, d);
                        metrics.add(value);
                    }
                };
                case DOUBLE -> new Values(column, metrics)
                {
                    private final Float8Vector values = (Float8Vector) vector;

                    @Override
                    void write(int index, int r, int d)
                    {
                        double value = values.get(index);
                        column.write(value, r, d);
                        metrics.add(value);
                    }
                };
                case DECIMAL -> decimal((Types.DecimalType) type, (DecimalVector) vector, column);
                case STRING, BINARY -> new Values(column, metrics)
                {
                    private final BaseVariableWidthVector values = (BaseVariableWidthVector) vector;
                    private byte[] scratch = new byte[256];

                    @Override
                    void write(int index, int r, int d)
                    {
                        ArrowBuf offsets = values.getOffsetBuffer();
                        int start = offsets.getInt((long) index * BaseVariableWidthVector.OFFSET_WIDTH);
                        int length = offsets.getInt((long) (index + 1) * BaseVariableWidthVector.OFFSET_WIDTH) - start;
                        if (length > scratch.length) {
                            scratch = new byte[Math.max(length, scratch.length * 2)];
                        }
                        values.getDataBuffer().getBytes(start, scratch, 0, length);
                        // the writers copy a reused array whenever they keep it (statistics, dictionary)
                        column.write(Binary.fromReusedByteArray(scratch, 0, length), r, d);
                    }
                };
                default -> throw new IllegalArgumentException("Unsupported type " + type);
            };
        }

        /** Iceberg stores decimals as INT32 up to precision 9, INT64 up to 18, else big-endian fixed-length bytes. */
        private static Values decimal(Types.DecimalType type, DecimalVector vector, ColumnWriter column)
        {
            ArrowBuf data = vector.getDataBuffer();
            if (type.precision() <= 9) {
                return new Values(column, null)
                {
                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write((int) data.getLong((long) index * DecimalVector.TYPE_WIDTH), r, d);
                    }
                };
            }
            if (type.precision() <= 18) {
                return new Values(column, null)
                {
                    @Override
                    void write(int index, int r, int d)
                    {
                        column.write(data.getLong((long) index * DecimalVector.TYPE_WIDTH), r, d);
                    }
                };
            }
            int length = TypeUtil.decimalRequiredBytes(type.precision());
            return new Values(column, null)
            {
                private final byte[] scratch = new byte[length];

                @Override
                void write(int index, int r, int d)
                {
                    // Arrow keeps 16 bytes little-endian; Parquet wants the low bytes big-endian
                    long base = (long) index * DecimalVector.TYPE_WIDTH;
                    for (int i = 0; i < length; i++) {
                        scratch[i] = data.getByte(base + length - 1 - i);
                    }
                    column.write(Binary.fromReusedByteArray(scratch, 0, length), r, d);
                }
            };
        }
    }
}
