package io.freshet.ingest.flush.parquet;

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
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.parquet.column.ColumnWriter;
import org.apache.parquet.io.api.Binary;

/** Writes present values (and nulls at any level) of one leaf to its column writer. */
abstract class LeafValues
        extends LeafLevel
{
    final ColumnWriter column;
    final FloatingPointMetrics metrics;

    LeafValues(ColumnWriter column, FloatingPointMetrics metrics)
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

    static LeafValues of(Type type, FieldVector vector, ColumnWriter column, FloatingPointMetrics metrics)
    {
        return switch (type.typeId()) {
            case BOOLEAN -> new LeafValues(column, metrics)
            {
                private final BitVector values = (BitVector) vector;

                @Override
                void write(int index, int r, int d)
                {
                    column.write(values.get(index) != 0, r, d);
                }
            };
            case INTEGER -> new LeafValues(column, metrics)
            {
                private final IntVector values = (IntVector) vector;

                @Override
                void write(int index, int r, int d)
                {
                    column.write(values.get(index), r, d);
                }
            };
            case DATE -> new LeafValues(column, metrics)
            {
                private final DateDayVector values = (DateDayVector) vector;

                @Override
                void write(int index, int r, int d)
                {
                    column.write(values.get(index), r, d);
                }
            };
            case LONG -> new LeafValues(column, metrics)
            {
                private final BigIntVector values = (BigIntVector) vector;

                @Override
                void write(int index, int r, int d)
                {
                    column.write(values.get(index), r, d);
                }
            };
            case TIMESTAMP -> new LeafValues(column, metrics)
            {
                private final TimeStampVector values = (TimeStampVector) vector;

                @Override
                void write(int index, int r, int d)
                {
                    column.write(values.get(index), r, d);
                }
            };
            case FLOAT -> new LeafValues(column, metrics)
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
            case DOUBLE -> new LeafValues(column, metrics)
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
            case STRING, BINARY -> new LeafValues(column, metrics)
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
    private static LeafValues decimal(Types.DecimalType type, DecimalVector vector, ColumnWriter column)
    {
        ArrowBuf data = vector.getDataBuffer();
        if (type.precision() <= 9) {
            return new LeafValues(column, null)
            {
                @Override
                void write(int index, int r, int d)
                {
                    column.write((int) data.getLong((long) index * DecimalVector.TYPE_WIDTH), r, d);
                }
            };
        }
        if (type.precision() <= 18) {
            return new LeafValues(column, null)
            {
                @Override
                void write(int index, int r, int d)
                {
                    column.write(data.getLong((long) index * DecimalVector.TYPE_WIDTH), r, d);
                }
            };
        }
        int length = TypeUtil.decimalRequiredBytes(type.precision());
        return new LeafValues(column, null)
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
