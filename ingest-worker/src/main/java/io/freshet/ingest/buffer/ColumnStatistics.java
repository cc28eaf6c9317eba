package io.freshet.ingest.buffer;

import org.apache.arrow.vector.BaseIntVector;
import org.apache.arrow.vector.BaseVariableWidthVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.TimeStampVector;

import java.math.BigDecimal;
import java.util.Arrays;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Minimum, maximum and null count of one top-level column of a sealed hot batch: what a Parquet row group's
 * statistics tell, so that a query skips a batch that cannot hold a matching row. Values are {@code Long}
 * for integer, bigint, date and timestamp columns (days, microseconds), {@code Double} for real and double,
 * {@code Boolean}, {@code BigDecimal}, and {@code byte[]} (UTF-8 for varchar) compared as unsigned bytes.
 * Minimum and maximum are absent when every value is null, or when a floating-point column holds NaN, which
 * orders outside every range.
 */
public record ColumnStatistics(long valueCount, long nullCount, Optional<Object> min, Optional<Object> max)
{
    public ColumnStatistics
    {
        requireNonNull(min, "min is null");
        requireNonNull(max, "max is null");
    }

    public boolean allNull()
    {
        return nullCount == valueCount;
    }

    /** Statistics of the first {@code rowCount} values, or empty for a nested column, which has none. */
    static Optional<ColumnStatistics> of(FieldVector vector, int rowCount)
    {
        return switch (vector) {
            case BaseIntVector integers -> Optional.of(longs(vector, rowCount, integers::getValueAsLong));
            case DateDayVector days -> Optional.of(longs(vector, rowCount, days::get));
            case TimeStampVector timestamps -> Optional.of(longs(vector, rowCount, timestamps::get));
            case Float4Vector floats -> Optional.of(doubles(vector, rowCount, floats::get));
            case Float8Vector doubles -> Optional.of(doubles(vector, rowCount, doubles::get));
            case BitVector bits -> Optional.of(booleans(bits, rowCount));
            case DecimalVector decimals -> Optional.of(decimals(decimals, rowCount));
            case BaseVariableWidthVector variableWidth -> Optional.of(bytes(variableWidth, rowCount));
            default -> Optional.empty();
        };
    }

    private static ColumnStatistics longs(FieldVector vector, int rowCount, IndexToLong values)
    {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        long nulls = 0;
        for (int row = 0; row < rowCount; row++) {
            if (vector.isNull(row)) {
                nulls++;
                continue;
            }
            long value = values.get(row);
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        return nulls == rowCount ? allNull(rowCount) : new ColumnStatistics(rowCount, nulls, Optional.of(min), Optional.of(max));
    }

    private static ColumnStatistics doubles(FieldVector vector, int rowCount, IndexToDouble values)
    {
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        long nulls = 0;
        boolean nan = false;
        for (int row = 0; row < rowCount; row++) {
            if (vector.isNull(row)) {
                nulls++;
                continue;
            }
            double value = values.get(row);
            nan |= Double.isNaN(value);
            min = Math.min(min, value);
            max = Math.max(max, value);
        }
        if (nulls == rowCount) {
            return allNull(rowCount);
        }
        if (nan) {
            return new ColumnStatistics(rowCount, nulls, Optional.empty(), Optional.empty());
        }
        // -0.0 equals 0.0 in SQL but orders before it: widen the bounds so neither skips the other
        return new ColumnStatistics(rowCount, nulls, Optional.of(min == 0 ? -0.0 : min), Optional.of(max == 0 ? 0.0 : max));
    }

    private static ColumnStatistics booleans(BitVector vector, int rowCount)
    {
        boolean anyTrue = false;
        boolean anyFalse = false;
        long nulls = 0;
        for (int row = 0; row < rowCount; row++) {
            if (vector.isNull(row)) {
                nulls++;
            }
            else if (vector.get(row) != 0) {
                anyTrue = true;
            }
            else {
                anyFalse = true;
            }
        }
        return nulls == rowCount ? allNull(rowCount) : new ColumnStatistics(rowCount, nulls, Optional.of(!anyFalse), Optional.of(anyTrue));
    }

    private static ColumnStatistics decimals(DecimalVector vector, int rowCount)
    {
        BigDecimal min = null;
        BigDecimal max = null;
        long nulls = 0;
        for (int row = 0; row < rowCount; row++) {
            if (vector.isNull(row)) {
                nulls++;
                continue;
            }
            BigDecimal value = vector.getObject(row);
            min = min == null || value.compareTo(min) < 0 ? value : min;
            max = max == null || value.compareTo(max) > 0 ? value : max;
        }
        return nulls == rowCount ? allNull(rowCount) : new ColumnStatistics(rowCount, nulls, Optional.of(min), Optional.of(max));
    }

    private static ColumnStatistics bytes(BaseVariableWidthVector vector, int rowCount)
    {
        byte[] min = null;
        byte[] max = null;
        long nulls = 0;
        for (int row = 0; row < rowCount; row++) {
            if (vector.isNull(row)) {
                nulls++;
                continue;
            }
            byte[] value = vector.get(row);
            min = min == null || Arrays.compareUnsigned(value, min) < 0 ? value : min;
            max = max == null || Arrays.compareUnsigned(value, max) > 0 ? value : max;
        }
        return nulls == rowCount ? allNull(rowCount) : new ColumnStatistics(rowCount, nulls, Optional.of(min), Optional.of(max));
    }

    private static ColumnStatistics allNull(int rowCount)
    {
        return new ColumnStatistics(rowCount, rowCount, Optional.empty(), Optional.empty());
    }

    @FunctionalInterface
    private interface IndexToLong
    {
        long get(int index);
    }

    @FunctionalInterface
    private interface IndexToDouble
    {
        double get(int index);
    }
}
