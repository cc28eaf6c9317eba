package io.freshet.trino.split;

import io.airlift.slice.Slice;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.RealType;
import io.trino.spi.type.Type;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.Expressions;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;

/**
 * Turns the query's predicate into an Iceberg expression so the scan skips files by their column
 * statistics. Only what can be translated exactly is; everything else prunes nothing.
 */
public final class IcebergExpressions
{
    private IcebergExpressions() {}

    public static Expression toExpression(TupleDomain<FreshetColumnHandle> constraint)
    {
        if (constraint.isNone()) {
            return Expressions.alwaysFalse();
        }
        Expression expression = Expressions.alwaysTrue();
        for (Map.Entry<FreshetColumnHandle, Domain> entry : constraint.getDomains().orElseThrow().entrySet()) {
            expression = Expressions.and(expression, toExpression(entry.getKey(), entry.getValue()));
        }
        return expression;
    }

    private static Expression toExpression(FreshetColumnHandle column, Domain domain)
    {
        String name = column.name();
        if (domain.isAll()) {
            return Expressions.alwaysTrue();
        }
        if (domain.getValues().isNone()) {
            return domain.isNullAllowed() ? Expressions.isNull(name) : Expressions.alwaysFalse();
        }
        if (domain.getValues().isAll()) {
            return domain.isNullAllowed() ? Expressions.alwaysTrue() : Expressions.notNull(name);
        }
        Expression ranges = Expressions.alwaysFalse();
        for (Range range : domain.getValues().getRanges().getOrderedRanges()) {
            Optional<Expression> rangeExpression = toExpression(name, column.type(), range);
            if (rangeExpression.isEmpty()) {
                return Expressions.alwaysTrue();
            }
            ranges = Expressions.or(ranges, rangeExpression.get());
        }
        if (column.type() instanceof DoubleType || column.type() instanceof RealType) {
            // Iceberg's bounds leave NaN out, while a domain may stand for a predicate NaN passes, such as x <> 1.0:
            // files holding NaN are kept
            ranges = Expressions.or(ranges, Expressions.isNaN(name));
        }
        return domain.isNullAllowed() ? Expressions.or(ranges, Expressions.isNull(name)) : ranges;
    }

    private static Optional<Expression> toExpression(String name, Type type, Range range)
    {
        if (range.isSingleValue()) {
            return value(type, range.getSingleValue()).map(value -> Expressions.equal(name, value));
        }
        Expression expression = Expressions.alwaysTrue();
        if (!range.isLowUnbounded()) {
            Optional<Object> low = value(type, range.getLowBoundedValue());
            if (low.isEmpty()) {
                return Optional.empty();
            }
            expression = Expressions.and(expression, range.isLowInclusive() ? Expressions.greaterThanOrEqual(name, low.get()) : Expressions.greaterThan(name, low.get()));
        }
        if (!range.isHighUnbounded()) {
            Optional<Object> high = value(type, range.getHighBoundedValue());
            if (high.isEmpty()) {
                return Optional.empty();
            }
            expression = Expressions.and(expression, range.isHighInclusive() ? Expressions.lessThanOrEqual(name, high.get()) : Expressions.lessThan(name, high.get()));
        }
        return Optional.of(expression);
    }

    private static Optional<Object> value(Type type, Object value)
    {
        if (type instanceof BigintType || type.equals(TIMESTAMP_MICROS)) {
            return Optional.of(value);
        }
        if (type instanceof IntegerType || type instanceof DateType) {
            return Optional.of(Math.toIntExact((Long) value));
        }
        if (type instanceof BooleanType || type instanceof DoubleType) {
            return Optional.of(value);
        }
        if (type instanceof RealType) {
            return Optional.of(Float.intBitsToFloat(Math.toIntExact((Long) value)));
        }
        if (type instanceof DecimalType decimal) {
            BigInteger unscaled = decimal.isShort() ? BigInteger.valueOf((Long) value) : ((Int128) value).toBigInteger();
            return Optional.of(new BigDecimal(unscaled, decimal.getScale()));
        }
        if (type instanceof VarbinaryType) {
            return Optional.of(ByteBuffer.wrap(((Slice) value).getBytes()));
        }
        if (type instanceof VarcharType) {
            return Optional.of(((Slice) value).toStringUtf8());
        }
        if (type.equals(TIMESTAMP_TZ_MICROS)) {
            LongTimestampWithTimeZone timestamp = (LongTimestampWithTimeZone) value;
            return Optional.of(timestamp.getEpochMillis() * 1000 + timestamp.getPicosOfMilli() / 1_000_000);
        }
        return Optional.empty();
    }
}
