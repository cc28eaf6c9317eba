package io.freshet.ingest.flush.parquet;

import io.freshet.ingest.schema.ArrowSchemas;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.parquet.column.ColumnWriter;

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
        LeafLevel wrap(LeafLevel inner);
    }

    /** An optional field adds a definition level when present; a required one must be present. */
    private static final class Presence
            extends LeafLevel
    {
        private final FieldVector vector;
        private final boolean optional;
        private final String name;
        private final LeafLevel inner;
        private LeafValues values;

        Presence(FieldVector vector, boolean optional, String name, LeafLevel inner)
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
            extends LeafLevel
    {
        private final ListVector vector;
        private final int repetitionLevel;
        private final LeafLevel inner;
        private LeafValues values;

        Repeated(ListVector vector, int repetitionLevel, LeafLevel inner)
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
            LeafValues values = LeafValues.of(type, vector, column, metrics);
            LeafLevel level = values;
            for (int i = path.size() - 1; i >= 0; i--) {
                level = path.get(i).wrap(level);
                if (level instanceof Presence presence) {
                    presence.values = values;
                }
                else if (level instanceof Repeated repeated) {
                    repeated.values = values;
                }
            }
            LeafLevel top = level;
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
}
