package io.freshet.trino.split;

import io.freshet.trino.handle.FreshetColumnHandle;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.Int128;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.Type;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.expressions.UnboundPredicate;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;

import static io.airlift.slice.Slices.utf8Slice;
import static io.airlift.slice.Slices.wrappedBuffer;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DecimalType.createDecimalType;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.TimeZoneKey.getTimeZoneKey;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MILLIS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

class TestIcebergExpressions
{
    private static final FreshetColumnHandle ID = column("id", 1, BIGINT);
    private static final FreshetColumnHandle QUANTITY = column("quantity", 2, INTEGER);
    private static final FreshetColumnHandle CUSTOMER = column("customer", 3, VARCHAR);
    private static final FreshetColumnHandle PAID = column("paid", 4, BOOLEAN);
    private static final FreshetColumnHandle DAY = column("day", 5, DATE);
    private static final FreshetColumnHandle PLACED = column("placed", 6, TIMESTAMP_MICROS);
    private static final FreshetColumnHandle CREATED = column("created", 7, TIMESTAMP_TZ_MICROS);
    private static final FreshetColumnHandle PRICE = column("price", 8, DOUBLE);
    private static final FreshetColumnHandle RATIO = column("ratio", 9, REAL);
    private static final DecimalType SHORT_DECIMAL = createDecimalType(10, 2);
    private static final FreshetColumnHandle AMOUNT = column("amount", 10, SHORT_DECIMAL);
    private static final DecimalType LONG_DECIMAL = createDecimalType(30, 4);
    private static final FreshetColumnHandle TOTAL = column("total", 11, LONG_DECIMAL);
    private static final FreshetColumnHandle PAYLOAD = column("payload", 12, VARBINARY);

    private static final Schema SCHEMA = new Schema(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "quantity", Types.IntegerType.get()),
            NestedField.optional(3, "customer", Types.StringType.get()),
            NestedField.optional(4, "paid", Types.BooleanType.get()),
            NestedField.optional(5, "day", Types.DateType.get()),
            NestedField.optional(6, "placed", Types.TimestampType.withoutZone()),
            NestedField.optional(7, "created", Types.TimestampType.withZone()),
            NestedField.optional(8, "price", Types.DoubleType.get()),
            NestedField.optional(9, "ratio", Types.FloatType.get()),
            NestedField.optional(10, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(11, "total", Types.DecimalType.of(30, 4)),
            NestedField.optional(12, "payload", Types.BinaryType.get()));

    @Test
    void noneAndAll()
    {
        assertThat(IcebergExpressions.toExpression(TupleDomain.none()).toString()).isEqualTo("false");
        assertThat(IcebergExpressions.toExpression(TupleDomain.all()).toString()).isEqualTo("true");
        // a column whose domain is none makes the whole predicate none
        assertThat(IcebergExpressions.toExpression(TupleDomain.withColumnDomains(Map.of(ID, Domain.none(BIGINT)))).toString()).isEqualTo("false");
        assertThat(IcebergExpressions.toExpression(TupleDomain.withColumnDomains(Map.of(ID, Domain.all(BIGINT)))).toString()).isEqualTo("true");
    }

    @Test
    void nulls()
    {
        assertThat(expression(ID, Domain.onlyNull(BIGINT))).isEqualTo("is_null(ref(name=\"id\"))");
        assertThat(expression(ID, Domain.notNull(BIGINT))).isEqualTo("not_null(ref(name=\"id\"))");
        assertThat(expression(ID, Domain.create(ValueSet.of(BIGINT, 5L), true))).isEqualTo("(ref(name=\"id\") == 5 or is_null(ref(name=\"id\")))");

        Expression onlyNull = toExpression(ID, Domain.onlyNull(BIGINT));
        assertThat(matches(onlyNull, Map.of())).isTrue();
        assertThat(matches(onlyNull, Map.of("id", 1L))).isFalse();
        Expression notNull = toExpression(ID, Domain.notNull(BIGINT));
        assertThat(matches(notNull, Map.of())).isFalse();
        assertThat(matches(notNull, Map.of("id", 1L))).isTrue();
    }

    @Test
    void singleValueOfEveryType()
    {
        assertThat(expression(ID, Domain.singleValue(BIGINT, 42L))).isEqualTo("ref(name=\"id\") == 42");
        assertThat(expression(QUANTITY, Domain.singleValue(INTEGER, 7L))).isEqualTo("ref(name=\"quantity\") == 7");
        assertThat(expression(CUSTOMER, Domain.singleValue(VARCHAR, utf8Slice("Åda")))).isEqualTo("ref(name=\"customer\") == \"Åda\"");
        assertThat(expression(PAID, Domain.singleValue(BOOLEAN, true))).isEqualTo("ref(name=\"paid\") == true");
        long day = LocalDate.of(2026, 11, 28).toEpochDay();
        assertThat(expression(DAY, Domain.singleValue(DATE, day))).isEqualTo("ref(name=\"day\") == " + day);
        assertThat(expression(PLACED, Domain.singleValue(TIMESTAMP_MICROS, 1_764_324_000_123_456L))).isEqualTo("ref(name=\"placed\") == 1764324000123456");

        // Iceberg literals of int-backed columns are ints
        assertThat(literal(toExpression(QUANTITY, Domain.singleValue(INTEGER, 7L)))).isEqualTo(7);
        assertThat(literal(toExpression(DAY, Domain.singleValue(DATE, day)))).isEqualTo((int) day);
        assertThat(literal(toExpression(ID, Domain.singleValue(BIGINT, 42L)))).isEqualTo(42L);
        assertThat(literal(toExpression(CUSTOMER, Domain.singleValue(VARCHAR, utf8Slice("Åda"))))).isEqualTo("Åda");

        assertThat(matches(toExpression(DAY, Domain.singleValue(DATE, day)), Map.of("day", LocalDate.of(2026, 11, 28)))).isTrue();
        assertThat(matches(toExpression(DAY, Domain.singleValue(DATE, day)), Map.of("day", LocalDate.of(2026, 11, 29)))).isFalse();
        assertThat(matches(toExpression(CUSTOMER, Domain.singleValue(VARCHAR, utf8Slice("Åda"))), Map.of("customer", "Åda"))).isTrue();
        assertThat(matches(toExpression(PAID, Domain.singleValue(BOOLEAN, false)), Map.of("paid", true))).isFalse();
    }

    @Test
    void timestampWithTimeZoneBecomesUtcMicros()
    {
        // 2026-11-28T10:00:00.123456 at +02:00 is 08:00:00.123456 UTC
        LongTimestampWithTimeZone timestamp = LongTimestampWithTimeZone.fromEpochMillisAndFraction(1_795_852_800_123L, 456_000_000, getTimeZoneKey("+02:00"));
        Expression expression = toExpression(CREATED, Domain.singleValue(TIMESTAMP_TZ_MICROS, timestamp));

        assertThat(literal(expression)).isEqualTo(1_795_852_800_123_456L);

        // before the epoch the fraction still counts forward
        LongTimestampWithTimeZone beforeEpoch = LongTimestampWithTimeZone.fromEpochMillisAndFraction(-1L, 999_000_000, getTimeZoneKey("UTC"));
        assertThat(literal(toExpression(CREATED, Domain.singleValue(TIMESTAMP_TZ_MICROS, beforeEpoch)))).isEqualTo(-1L);
    }

    @Test
    void ranges()
    {
        assertThat(expression(ID, Domain.create(ValueSet.ofRanges(Range.greaterThan(BIGINT, 10L)), false))).isEqualTo("ref(name=\"id\") > 10");
        assertThat(expression(ID, Domain.create(ValueSet.ofRanges(Range.greaterThanOrEqual(BIGINT, 10L)), false))).isEqualTo("ref(name=\"id\") >= 10");
        assertThat(expression(ID, Domain.create(ValueSet.ofRanges(Range.lessThan(BIGINT, 10L)), false))).isEqualTo("ref(name=\"id\") < 10");
        assertThat(expression(ID, Domain.create(ValueSet.ofRanges(Range.lessThanOrEqual(BIGINT, 10L)), false))).isEqualTo("ref(name=\"id\") <= 10");
        assertThat(expression(ID, Domain.create(ValueSet.ofRanges(Range.range(BIGINT, 10L, false, 20L, true)), false)))
                .isEqualTo("(ref(name=\"id\") > 10 and ref(name=\"id\") <= 20)");

        // id < 0 OR 10 < id <= 20 OR id >= 100, or null
        Expression expression = toExpression(ID, Domain.create(ValueSet.ofRanges(
                Range.lessThan(BIGINT, 0L),
                Range.range(BIGINT, 10L, false, 20L, true),
                Range.greaterThanOrEqual(BIGINT, 100L)), true));
        for (long id : new long[] {-5, -1, 11, 20, 100, 1000}) {
            assertThat(matches(expression, Map.of("id", id))).as("id %s", id).isTrue();
        }
        for (long id : new long[] {0, 5, 10, 21, 99}) {
            assertThat(matches(expression, Map.of("id", id))).as("id %s", id).isFalse();
        }
        assertThat(matches(expression, Map.of())).isTrue();
        assertThat(expression.toString()).isEqualTo("(((ref(name=\"id\") < 0 or (ref(name=\"id\") > 10 and ref(name=\"id\") <= 20)) or ref(name=\"id\") >= 100) or is_null(ref(name=\"id\")))");
    }

    @Test
    void rangesOfEveryType()
    {
        Expression quantity = toExpression(QUANTITY, Domain.create(ValueSet.ofRanges(Range.range(INTEGER, 5L, true, 9L, false)), false));
        assertThat(matches(quantity, Map.of("quantity", 5))).isTrue();
        assertThat(matches(quantity, Map.of("quantity", 9))).isFalse();

        Expression customer = toExpression(CUSTOMER, Domain.create(ValueSet.ofRanges(Range.range(VARCHAR, utf8Slice("b"), true, utf8Slice("c"), false)), false));
        assertThat(matches(customer, Map.of("customer", "bob"))).isTrue();
        assertThat(matches(customer, Map.of("customer", "c"))).isFalse();
        assertThat(matches(customer, Map.of("customer", "abe"))).isFalse();

        Expression day = toExpression(DAY, Domain.create(ValueSet.ofRanges(Range.greaterThan(DATE, LocalDate.of(2026, 1, 1).toEpochDay())), false));
        assertThat(matches(day, Map.of("day", LocalDate.of(2026, 1, 2)))).isTrue();
        assertThat(matches(day, Map.of("day", LocalDate.of(2026, 1, 1)))).isFalse();

        Expression placed = toExpression(PLACED, Domain.create(ValueSet.ofRanges(Range.lessThanOrEqual(TIMESTAMP_MICROS, 1_000_000L)), false));
        assertThat(matches(placed, Map.of("placed", java.time.LocalDateTime.parse("1970-01-01T00:00:01")))).isTrue();
        assertThat(matches(placed, Map.of("placed", java.time.LocalDateTime.parse("1970-01-01T00:00:01.000001")))).isFalse();

        LongTimestampWithTimeZone noon = LongTimestampWithTimeZone.fromEpochMillisAndFraction(43_200_000L, 0, getTimeZoneKey("UTC"));
        Expression created = toExpression(CREATED, Domain.create(ValueSet.ofRanges(Range.greaterThanOrEqual(TIMESTAMP_TZ_MICROS, noon)), false));
        assertThat(matches(created, Map.of("created", java.time.OffsetDateTime.parse("1970-01-01T13:00:00+01:00")))).isTrue();
        assertThat(matches(created, Map.of("created", java.time.OffsetDateTime.parse("1970-01-01T12:59:59.999999+01:00")))).isFalse();
    }

    @Test
    void inList()
    {
        assertThat(expression(ID, Domain.multipleValues(BIGINT, List.of(3L, 1L, 2L))))
                .isEqualTo("((ref(name=\"id\") == 1 or ref(name=\"id\") == 2) or ref(name=\"id\") == 3)");

        Expression customers = toExpression(CUSTOMER, Domain.multipleValues(VARCHAR, List.of(utf8Slice("Ada"), utf8Slice("Grace"))));
        assertThat(matches(customers, Map.of("customer", "Grace"))).isTrue();
        assertThat(matches(customers, Map.of("customer", "Alan"))).isFalse();
        assertThat(matches(customers, Map.of())).isFalse();
    }

    @Test
    void severalColumnsAreAllRequired()
    {
        Expression expression = IcebergExpressions.toExpression(TupleDomain.withColumnDomains(Map.of(
                ID, Domain.singleValue(BIGINT, 1L),
                CUSTOMER, Domain.multipleValues(VARCHAR, List.of(utf8Slice("Ada"), utf8Slice("Grace"))),
                PAID, Domain.notNull(BOOLEAN))));

        assertThat(matches(expression, Map.of("id", 1L, "customer", "Ada", "paid", false))).isTrue();
        assertThat(matches(expression, Map.of("id", 2L, "customer", "Ada", "paid", false))).isFalse();
        assertThat(matches(expression, Map.of("id", 1L, "customer", "Alan", "paid", false))).isFalse();
        assertThat(matches(expression, Map.of("id", 1L, "customer", "Ada"))).isFalse();
    }

    @Test
    void floatingPointRangesKeepFilesHoldingNaN()
    {
        assertThat(expression(PRICE, Domain.singleValue(DOUBLE, 1.5))).isEqualTo("(ref(name=\"price\") == 1.5 or is_nan(ref(name=\"price\")))");
        Expression ratio = toExpression(RATIO, Domain.create(ValueSet.ofRanges(Range.greaterThan(REAL, (long) Float.floatToIntBits(0.5f))), false));
        assertThat(literal(((org.apache.iceberg.expressions.Or) ratio).left())).isEqualTo(0.5f);
        assertThat(matches(ratio, Map.of("ratio", 0.75f))).isTrue();
        assertThat(matches(ratio, Map.of("ratio", 0.25f))).isFalse();

        // price <> 1.0: a file whose other values are all 1.0 may still hold a NaN, which passes
        Expression notOne = toExpression(PRICE, Domain.create(ValueSet.ofRanges(Range.lessThan(DOUBLE, 1.0), Range.greaterThan(DOUBLE, 1.0)), false));
        assertThat(mightMatch(notOne, file(1.0, 1.0, 1L))).isTrue();
        assertThat(mightMatch(notOne, file(1.0, 1.0, 0L))).isFalse();
        Expression above = toExpression(PRICE, Domain.create(ValueSet.ofRanges(Range.greaterThan(DOUBLE, 10.0)), false));
        assertThat(mightMatch(above, file(1.0, 5.0, 0L))).isFalse();
        assertThat(mightMatch(above, file(1.0, 50.0, 0L))).isTrue();
    }

    @Test
    void decimalsOfBothWidths()
    {
        Expression amount = toExpression(AMOUNT, Domain.create(ValueSet.ofRanges(Range.greaterThanOrEqual(SHORT_DECIMAL, 1999L)), false));
        assertThat(literal(amount)).isEqualTo(new BigDecimal("19.99"));
        assertThat(matches(amount, Map.of("amount", new BigDecimal("19.99")))).isTrue();
        assertThat(matches(amount, Map.of("amount", new BigDecimal("19.98")))).isFalse();

        Int128 large = Int128.valueOf(new BigInteger("123456789012345678901234"));
        Expression total = toExpression(TOTAL, Domain.singleValue(LONG_DECIMAL, large));
        assertThat(literal(total)).isEqualTo(new BigDecimal("12345678901234567890.1234"));
        assertThat(matches(total, Map.of("total", new BigDecimal("12345678901234567890.1234")))).isTrue();
    }

    @Test
    void varbinaryComparesBytes()
    {
        Expression payload = toExpression(PAYLOAD, Domain.create(ValueSet.ofRanges(Range.range(VARBINARY, wrappedBuffer((byte) 1), true, wrappedBuffer((byte) 2), false)), false));
        assertThat(matches(payload, Map.of("payload", ByteBuffer.wrap(new byte[] {1, 7})))).isTrue();
        assertThat(matches(payload, Map.of("payload", ByteBuffer.wrap(new byte[] {2})))).isFalse();
        assertThat(matches(payload, Map.of("payload", ByteBuffer.wrap(new byte[] {0, 9})))).isFalse();
    }

    @Test
    void typesWithoutExactTranslationPruneNothing()
    {
        assertThat(expression(column("at", 13, TIMESTAMP_MILLIS), Domain.create(ValueSet.ofRanges(Range.greaterThan(TIMESTAMP_MILLIS, 0L)), true))).isEqualTo("true");
        // null tests need no values, so they translate for any type
        assertThat(expression(column("tags", 14, new ArrayType(BIGINT)), Domain.onlyNull(new ArrayType(BIGINT)))).isEqualTo("is_null(ref(name=\"tags\"))");

        // an untranslatable column leaves the others pruning
        Expression expression = IcebergExpressions.toExpression(TupleDomain.withColumnDomains(Map.of(
                column("at", 13, TIMESTAMP_MILLIS), Domain.create(ValueSet.ofRanges(Range.greaterThan(TIMESTAMP_MILLIS, 0L)), false),
                ID, Domain.singleValue(BIGINT, 1L))));
        assertThat(expression.toString()).isEqualTo("ref(name=\"id\") == 1");
    }

    /** Whether Iceberg's scan planning would read a data file of price values between the bounds and the given count of NaN. */
    private static boolean mightMatch(Expression expression, DataFile file)
    {
        return new InclusiveMetricsEvaluator(SCHEMA, expression).eval(file);
    }

    private static DataFile file(double lower, double upper, long nanCount)
    {
        int priceId = SCHEMA.findField("price").fieldId();
        return DataFiles.builder(PartitionSpec.unpartitioned())
                .withPath("/warehouse/shop/orders/data/f.parquet")
                .withFileSizeInBytes(1024)
                .withFormat(FileFormat.PARQUET)
                .withMetrics(new Metrics(10L, null,
                        Map.of(priceId, 10L),
                        Map.of(priceId, 0L),
                        Map.of(priceId, nanCount),
                        Map.of(priceId, Conversions.toByteBuffer(Types.DoubleType.get(), lower)),
                        Map.of(priceId, Conversions.toByteBuffer(Types.DoubleType.get(), upper))))
                .build();
    }

    private static String expression(FreshetColumnHandle column, Domain domain)
    {
        return toExpression(column, domain).toString();
    }

    private static Expression toExpression(FreshetColumnHandle column, Domain domain)
    {
        return IcebergExpressions.toExpression(TupleDomain.withColumnDomains(Map.of(column, domain)));
    }

    private static Object literal(Expression expression)
    {
        assertThat(expression).isInstanceOf(UnboundPredicate.class);
        return ((UnboundPredicate<?>) expression).literal().value();
    }

    /** Whether a row with the given values (the rest null) passes the expression, as Iceberg evaluates it. */
    private static boolean matches(Expression expression, Map<String, Object> values)
    {
        GenericRecord record = GenericRecord.create(SCHEMA);
        values.forEach(record::setField);
        return new Evaluator(SCHEMA.asStruct(), expression).eval(internal(record));
    }

    /** Iceberg evaluates on its internal representation: dates as days, timestamps as micros. */
    private static org.apache.iceberg.StructLike internal(GenericRecord record)
    {
        return new org.apache.iceberg.data.InternalRecordWrapper(SCHEMA.asStruct()).wrap(record);
    }

    private static FreshetColumnHandle column(String name, int fieldId, Type type)
    {
        return new FreshetColumnHandle(name, fieldId, type, true);
    }
}
