package io.freshet.trino.split;

import io.airlift.slice.Slices;
import io.freshet.ingest.buffer.ColumnStatistics;
import io.freshet.ingest.buffer.HotBatch;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.RealType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;

/**
 * Decides from a hot batch's column statistics whether it can hold a row that matches a query's predicate,
 * as Parquet row-group statistics do for files: a batch is skipped only when some constrained column's
 * [min, max] and null count cannot satisfy its domain. Columns without statistics never skip a batch.
 */
public final class HotBatchPredicate
{
    private HotBatchPredicate() {}

    public static boolean mayMatch(HotBatch batch, TupleDomain<FreshetColumnHandle> predicate)
    {
        Optional<Map<FreshetColumnHandle, Domain>> domains = predicate.getDomains();
        if (domains.isEmpty()) {
            return false;
        }
        for (Map.Entry<FreshetColumnHandle, Domain> entry : domains.get().entrySet()) {
            Domain domain = entry.getValue();
            if (domain.isAll()) {
                continue;
            }
            FreshetColumnHandle column = entry.getKey();
            Optional<ColumnStatistics> statistics = batch.statistics(column.fieldId());
            if (statistics.isPresent() && !domain.overlaps(toDomain(column.type(), statistics.get()))) {
                return false;
            }
        }
        return true;
    }

    /** The values a column of the batch takes, as a domain; all values of the type where statistics do not say. */
    static Domain toDomain(Type type, ColumnStatistics statistics)
    {
        if (statistics.allNull()) {
            return Domain.onlyNull(type);
        }
        boolean nullAllowed = statistics.nullCount() > 0;
        if (statistics.min().isEmpty() || statistics.max().isEmpty() || !type.isOrderable()) {
            return Domain.create(ValueSet.all(type), nullAllowed);
        }
        Optional<Object> min = toTrinoValue(type, statistics.min().get());
        Optional<Object> max = toTrinoValue(type, statistics.max().get());
        if (min.isEmpty() || max.isEmpty()) {
            return Domain.create(ValueSet.all(type), nullAllowed);
        }
        return Domain.create(ValueSet.ofRanges(Range.range(type, min.get(), true, max.get(), true)), nullAllowed);
    }

    /** A statistics value in Trino's representation of the column type. */
    private static Optional<Object> toTrinoValue(Type type, Object value)
    {
        return Optional.ofNullable(switch (type) {
            case BigintType _, IntegerType _, DateType _ -> value;
            case RealType _ -> (long) Float.floatToRawIntBits((float) (double) (Double) value);
            case DoubleType _ -> value;
            case BooleanType _ -> value;
            case DecimalType decimal -> decimal.isShort()
                    ? (Object) ((BigDecimal) value).unscaledValue().longValueExact()
                    : Int128.valueOf(((BigDecimal) value).unscaledValue());
            case VarcharType _, VarbinaryType _ -> Slices.wrappedBuffer((byte[]) value);
            default -> {
                if (type.equals(TIMESTAMP_MICROS)) {
                    yield value;
                }
                if (type.equals(TIMESTAMP_TZ_MICROS)) {
                    yield TypeConverter.toTimestampWithTimeZone((Long) value);
                }
                yield null;
            }
        });
    }
}
