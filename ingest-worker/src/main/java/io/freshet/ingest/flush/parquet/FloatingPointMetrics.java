package io.freshet.ingest.flush.parquet;

import org.apache.iceberg.FieldMetrics;

/**
 * Counts and bounds of a float or double column as its values are written: Iceberg keeps NaN counts apart and
 * leaves NaN out of the bounds, which Parquet's footer statistics cannot tell it.
 */
final class FloatingPointMetrics
{
    private final int fieldId;
    private final boolean singlePrecision;
    private long valueCount;
    private long nullCount;
    private long nanCount;
    private double lower = Double.POSITIVE_INFINITY;
    private double upper = Double.NEGATIVE_INFINITY;
    private boolean hasBounds;

    FloatingPointMetrics(int fieldId, boolean singlePrecision)
    {
        this.fieldId = fieldId;
        this.singlePrecision = singlePrecision;
    }

    void add(double value)
    {
        valueCount++;
        if (Double.isNaN(value)) {
            nanCount++;
            return;
        }
        // -0.0 sorts below 0.0, as in Iceberg's own writers
        if (!hasBounds || Double.compare(value, lower) < 0) {
            lower = value;
        }
        if (!hasBounds || Double.compare(value, upper) > 0) {
            upper = value;
        }
        hasBounds = true;
    }

    void addNull()
    {
        valueCount++;
        nullCount++;
    }

    FieldMetrics<?> toFieldMetrics()
    {
        if (singlePrecision) {
            return hasBounds
                    ? new FieldMetrics<>(fieldId, valueCount, nullCount, nanCount, (float) lower, (float) upper)
                    : new FieldMetrics<Float>(fieldId, valueCount, nullCount, nanCount, null, null);
        }
        return hasBounds
                ? new FieldMetrics<>(fieldId, valueCount, nullCount, nanCount, lower, upper)
                : new FieldMetrics<Double>(fieldId, valueCount, nullCount, nanCount, null, null);
    }
}
