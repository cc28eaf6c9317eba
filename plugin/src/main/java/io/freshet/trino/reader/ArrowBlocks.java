package io.freshet.trino.reader;

import io.airlift.slice.Slice;
import io.airlift.slice.Slices;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.block.ArrayBlockBuilder;
import io.trino.spi.block.Block;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.block.ByteArrayBlock;
import io.trino.spi.block.IntArrayBlock;
import io.trino.spi.block.LongArrayBlock;
import io.trino.spi.block.MapBlockBuilder;
import io.trino.spi.block.RowBlockBuilder;
import io.trino.spi.block.VariableWidthBlock;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RealType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;
import org.apache.arrow.memory.ArrowBuf;
import org.apache.arrow.vector.BaseFixedWidthVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;

import java.math.BigDecimal;
import java.util.Optional;

import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;

/**
 * Copies a row range of an Arrow vector into a Trino block. Flat columns are copied buffer to array in one
 * pass; nested columns go value by value through block builders.
 */
public final class ArrowBlocks
{
    private ArrowBlocks() {}

    public static Block toBlock(Type type, FieldVector vector, int from, int to)
    {
        int count = to - from;
        // a batch decoded before a column was widened (integer to bigint, real to double) keeps its narrower vector
        if (type instanceof BigintType && vector instanceof IntVector narrower) {
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                values[i] = narrower.isNull(from + i) ? 0 : narrower.get(from + i);
            }
            return new LongArrayBlock(count, nulls(vector, from, count), values);
        }
        if (type instanceof DoubleType && vector instanceof Float4Vector narrower) {
            long[] values = new long[count];
            for (int i = 0; i < count; i++) {
                values[i] = narrower.isNull(from + i) ? 0 : Double.doubleToRawLongBits(narrower.get(from + i));
            }
            return new LongArrayBlock(count, nulls(vector, from, count), values);
        }
        if (type instanceof BigintType || type.equals(TIMESTAMP_MICROS) || type instanceof DoubleType) {
            return longs(vector, from, count);
        }
        if (type instanceof IntegerType || type instanceof DateType || type instanceof RealType) {
            return ints(vector, from, count);
        }
        if (type instanceof VarcharType || type instanceof VarbinaryType) {
            return variableWidth((BaseVariableWidthVector) vector, from, count);
        }
        if (type instanceof BooleanType) {
            BitVector bits = (BitVector) vector;
            byte[] values = new byte[count];
            for (int i = 0; i < count; i++) {
                values[i] = (byte) (bits.isNull(from + i) ? 0 : bits.get(from + i));
            }
            return new ByteArrayBlock(count, nulls(vector, from, count), values);
        }
        BlockBuilder builder = type.createBlockBuilder(null, count);
        for (int i = from; i < to; i++) {
            write(builder, type, vector, i);
        }
        return builder.build();
    }

    private static Block longs(FieldVector vector, int from, int count)
    {
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        long[] values = new long[count];
        for (int i = 0; i < count; i++) {
            values[i] = data.getLong((long) (from + i) * Long.BYTES);
        }
        return new LongArrayBlock(count, nulls(vector, from, count), values);
    }

    private static Block ints(FieldVector vector, int from, int count)
    {
        ArrowBuf data = ((BaseFixedWidthVector) vector).getDataBuffer();
        int[] values = new int[count];
        for (int i = 0; i < count; i++) {
            values[i] = data.getInt((long) (from + i) * Integer.BYTES);
        }
        return new IntArrayBlock(count, nulls(vector, from, count), values);
    }

    private static Block variableWidth(BaseVariableWidthVector vector, int from, int count)
    {
        ArrowBuf offsetBuffer = vector.getOffsetBuffer();
        int base = offsetBuffer.getInt((long) from * BaseVariableWidthVector.OFFSET_WIDTH);
        int end = offsetBuffer.getInt((long) (from + count) * BaseVariableWidthVector.OFFSET_WIDTH);
        int[] offsets = new int[count + 1];
        for (int i = 0; i <= count; i++) {
            offsets[i] = offsetBuffer.getInt((long) (from + i) * BaseVariableWidthVector.OFFSET_WIDTH) - base;
        }
        byte[] bytes = new byte[end - base];
        vector.getDataBuffer().getBytes(base, bytes);
        return new VariableWidthBlock(count, Slices.wrappedBuffer(bytes), offsets, nulls(vector, from, count));
    }

    private static Optional<boolean[]> nulls(FieldVector vector, int from, int count)
    {
        if (vector.getNullCount() == 0) {
            return Optional.empty();
        }
        boolean[] nulls = new boolean[count];
        boolean any = false;
        for (int i = 0; i < count; i++) {
            nulls[i] = vector.isNull(from + i);
            any |= nulls[i];
        }
        return any ? Optional.of(nulls) : Optional.empty();
    }

    private static void write(BlockBuilder builder, Type type, FieldVector vector, int index)
    {
        if (vector.isNull(index)) {
            builder.appendNull();
            return;
        }
        switch (type) {
            case BooleanType booleanType -> booleanType.writeBoolean(builder, ((BitVector) vector).get(index) != 0);
            case BigintType bigint when vector instanceof IntVector narrower -> bigint.writeLong(builder, narrower.get(index));
            case BigintType bigint -> bigint.writeLong(builder, ((BaseFixedWidthVector) vector).getDataBuffer().getLong((long) index * Long.BYTES));
            case IntegerType integer -> integer.writeLong(builder, ((BaseFixedWidthVector) vector).getDataBuffer().getInt((long) index * Integer.BYTES));
            case DateType date -> date.writeLong(builder, ((BaseFixedWidthVector) vector).getDataBuffer().getInt((long) index * Integer.BYTES));
            case RealType real -> real.writeLong(builder, ((BaseFixedWidthVector) vector).getDataBuffer().getInt((long) index * Integer.BYTES));
            case DoubleType doubleType when vector instanceof Float4Vector narrower -> doubleType.writeDouble(builder, narrower.get(index));
            case DoubleType doubleType -> doubleType.writeDouble(builder, Double.longBitsToDouble(((BaseFixedWidthVector) vector).getDataBuffer().getLong((long) index * Long.BYTES)));
            case DecimalType decimal -> {
                BigDecimal value = ((DecimalVector) vector).getObject(index);
                if (decimal.isShort()) {
                    decimal.writeLong(builder, value.unscaledValue().longValueExact());
                }
                else {
                    decimal.writeObject(builder, Int128.valueOf(value.unscaledValue()));
                }
            }
            case VarcharType varchar -> varchar.writeSlice(builder, slice((BaseVariableWidthVector) vector, index));
            case VarbinaryType varbinary -> varbinary.writeSlice(builder, slice((BaseVariableWidthVector) vector, index));
            case ArrayType array -> {
                ListVector list = (ListVector) vector;
                FieldVector elements = list.getDataVector();
                int start = list.getElementStartIndex(index);
                int end = list.getElementEndIndex(index);
                ((ArrayBlockBuilder) builder).buildEntry(elementBuilder -> {
                    for (int i = start; i < end; i++) {
                        write(elementBuilder, array.getElementType(), elements, i);
                    }
                });
            }
            case MapType map -> {
                MapVector mapVector = (MapVector) vector;
                StructVector entries = (StructVector) mapVector.getDataVector();
                FieldVector keys = entries.getChildrenFromFields().get(0);
                FieldVector values = entries.getChildrenFromFields().get(1);
                int start = mapVector.getElementStartIndex(index);
                int end = mapVector.getElementEndIndex(index);
                ((MapBlockBuilder) builder).buildEntry((keyBuilder, valueBuilder) -> {
                    for (int i = start; i < end; i++) {
                        write(keyBuilder, map.getKeyType(), keys, i);
                        write(valueBuilder, map.getValueType(), values, i);
                    }
                });
            }
            case RowType row -> {
                // nested fields match by name, as in the Parquet reader: a field added since the batch was decoded is null
                StructVector struct = (StructVector) vector;
                ((RowBlockBuilder) builder).buildEntry(fieldBuilders -> {
                    for (int field = 0; field < fieldBuilders.size(); field++) {
                        RowType.Field rowField = row.getFields().get(field);
                        FieldVector child = rowField.getName().map(struct::getChild).orElse(null);
                        if (child == null) {
                            fieldBuilders.get(field).appendNull();
                        }
                        else {
                            write(fieldBuilders.get(field), rowField.getType(), child, index);
                        }
                    }
                });
            }
            default -> {
                if (type.equals(TIMESTAMP_MICROS)) {
                    type.writeLong(builder, ((TimeStampVector) vector).get(index));
                }
                else if (type.equals(TIMESTAMP_TZ_MICROS)) {
                    long micros = ((TimeStampVector) vector).get(index);
                    type.writeObject(builder, TypeConverter.toTimestampWithTimeZone(micros));
                }
                else {
                    throw new IllegalArgumentException("Unsupported type " + type);
                }
            }
        }
    }

    private static Slice slice(BaseVariableWidthVector vector, int index)
    {
        return Slices.wrappedBuffer(vector.get(index));
    }
}
