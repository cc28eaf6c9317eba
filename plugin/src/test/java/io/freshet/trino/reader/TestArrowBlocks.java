package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.block.Block;
import io.trino.spi.type.SqlDate;
import io.trino.spi.type.SqlDecimal;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.SqlTimestampWithTimeZone;
import io.trino.spi.type.SqlVarbinary;
import io.trino.spi.type.Type;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.testing.TestingConnectorSession.SESSION;
import static io.trino.type.InternalTypeManager.TESTING_TYPE_MANAGER;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot batch vectors, filled by the ingest worker's decoder and sealed as the hot buffer seals them, read back as
 * Trino blocks: every supported type, nulls at the top level and inside nested values, and row ranges that
 * start anywhere in the batch.
 */
class TestArrowBlocks
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "quantity", Types.IntegerType.get()),
            NestedField.optional(3, "price", Types.DoubleType.get()),
            NestedField.optional(4, "ratio", Types.FloatType.get()),
            NestedField.optional(5, "paid", Types.BooleanType.get()),
            NestedField.optional(6, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(7, "total", Types.DecimalType.of(30, 4)),
            NestedField.optional(8, "customer", Types.StringType.get()),
            NestedField.optional(9, "payload", Types.BinaryType.get()),
            NestedField.optional(10, "day", Types.DateType.get()),
            NestedField.optional(11, "placed", Types.TimestampType.withoutZone()),
            NestedField.optional(12, "created", Types.TimestampType.withZone()),
            NestedField.optional(13, "tags", Types.ListType.ofOptional(14, Types.StringType.get())),
            NestedField.optional(15, "attributes", Types.MapType.ofOptional(16, 17, Types.StringType.get(), Types.LongType.get())),
            NestedField.optional(18, "address", Types.StructType.of(
                    NestedField.optional(19, "city", Types.StringType.get()),
                    NestedField.optional(20, "zip", Types.IntegerType.get()),
                    NestedField.optional(21, "seen", Types.TimestampType.withZone()))),
            NestedField.optional(22, "lines", Types.ListType.ofOptional(23, Types.StructType.of(
                    NestedField.optional(24, "sku", Types.StringType.get()),
                    NestedField.optional(25, "count", Types.IntegerType.get()),
                    NestedField.optional(26, "price", Types.DecimalType.of(8, 2)))))));

    private static final List<String> RECORDS = List.of(
            """
            {"id": 1, "quantity": 10, "price": 1.5, "ratio": 0.25, "paid": true, "amount": "19.99", "total": "12345678901234567890.1234",
             "customer": "Ada", "payload": "AAEC", "day": "2026-11-28", "placed": "2026-11-28 10:00:00.123456", "created": "2026-11-28T10:00:00.123456Z",
             "tags": ["a", null, "b"], "attributes": {"x": 1, "y": null}, "address": {"city": "Oslo", "zip": 150, "seen": "1969-12-31T23:59:59.999999Z"},
             "lines": [{"sku": "s1", "count": 2, "price": "3.50"}, null]}""",
            "{}",
            """
            {"id": -9223372036854775808, "quantity": -2147483648, "price": -0.0, "ratio": -3.5, "paid": false, "amount": "-0.01", "total": "-1",
             "customer": "", "payload": "", "day": "1969-12-31", "placed": "1969-12-31 23:59:59.999999", "created": "2026-11-28T12:00:00+02:00",
             "tags": [], "attributes": {}, "address": {"city": null}, "lines": []}""",
            """
            {"id": 3, "customer": "Grace Hopper ✓", "tags": null, "address": null, "attributes": {"k": 7}, "lines": [{"sku": "s2"}]}""",
            """
            {"id": 9223372036854775807, "quantity": 2147483647, "price": 1e300, "ratio": 3.0e38, "paid": true, "amount": "99999999.99",
             "total": "99999999999999999999999999.9999", "customer": "Ω", "payload": "/w==", "day": "9999-12-31", "placed": "2000-01-01T00:00:00",
             "created": "2000-01-01T00:00:00Z", "tags": ["z"], "attributes": {"a": -1, "b": 2}, "address": {"city": "Bergen", "zip": 5003, "seen": null},
             "lines": [{"sku": null, "count": null, "price": null}]}""");

    private static final long CREATED_MICROS = 1_795_860_000_123_456L; // 2026-11-28T10:00:00.123456Z

    /** Per column, the value of each record as Trino returns it. */
    private static final Map<String, List<Object>> EXPECTED = expected();

    private BufferAllocator allocator;
    private HotBatch batch;

    @BeforeEach
    void setUp()
            throws Exception
    {
        allocator = new RootAllocator();
        HotBatchBuilder builder = new HotBatchBuilder(allocator, SCHEMA, 0, 0);
        JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
        for (int offset = 0; offset < RECORDS.size(); offset++) {
            decoder.decode(RECORDS.get(offset).getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
            builder.completeRow(offset, 1_000 + offset, offset == 1 ? null : ("key" + offset).getBytes(StandardCharsets.UTF_8), new RecordHeaders());
        }
        batch = builder.seal();
        builder.close();
    }

    @AfterEach
    void tearDown()
    {
        batch.release();
        allocator.close();
    }

    @Test
    void everyTypeWholeBatch()
    {
        for (String column : EXPECTED.keySet()) {
            assertThat(values(column, 0, RECORDS.size())).as(column).isEqualTo(EXPECTED.get(column));
        }
    }

    @Test
    void rowRangesThatDoNotStartAtZero()
    {
        for (String column : EXPECTED.keySet()) {
            for (int from = 0; from <= RECORDS.size(); from++) {
                for (int to = from; to <= RECORDS.size(); to++) {
                    assertThat(values(column, from, to)).as("%s rows [%s, %s)", column, from, to).isEqualTo(EXPECTED.get(column).subList(from, to));
                }
            }
        }
    }

    @Test
    void rangeWithoutNullsHasNoNullMask()
    {
        // record 1 is all null; records 2 to 4 have an id
        assertThat(block("id", 0, 5).mayHaveNull()).isTrue();
        assertThat(block("id", 2, 5).mayHaveNull()).isFalse();
        assertThat(block("customer", 2, 5).mayHaveNull()).isFalse();
        assertThat(block("customer", 1, 3).isNull(0)).isTrue();
        assertThat(block("customer", 1, 3).isNull(1)).isFalse();
    }

    @Test
    void kafkaMetadataColumns()
    {
        assertThat(values(KafkaMetadataColumns.PARTITION_OFFSET, 1, 4)).isEqualTo(List.of(1L, 2L, 3L));
        assertThat(values(KafkaMetadataColumns.PARTITION_ID, 3, 5)).isEqualTo(List.of(0L, 0L));
        assertThat(values(KafkaMetadataColumns.KEY, 0, 3)).isEqualTo(Arrays.asList("key0", null, "key2"));
        assertThat(values(KafkaMetadataColumns.TIMESTAMP, 2, 3)).isEqualTo(List.of(SqlTimestampWithTimeZone.newInstance(6, 1_002, 0, UTC_KEY)));
    }

    private List<Object> values(String column, int from, int to)
    {
        Type type = trinoType(column);
        Block block = block(column, from, to);
        assertThat(block.getPositionCount()).isEqualTo(to - from);
        List<Object> values = new ArrayList<>();
        for (int position = 0; position < block.getPositionCount(); position++) {
            values.add(type.getObjectValue(SESSION, block, position));
        }
        return values;
    }

    private Block block(String column, int from, int to)
    {
        FieldVector vector = batch.root().getVector(column);
        return ArrowBlocks.toBlock(trinoType(column), vector, from, to);
    }

    private static Type trinoType(String column)
    {
        return TypeConverter.toTrinoType(SCHEMA.findField(column).type(), TESTING_TYPE_MANAGER);
    }

    private static Map<String, List<Object>> expected()
    {
        Map<String, List<Object>> expected = new LinkedHashMap<>();
        expected.put("id", Arrays.asList(1L, null, Long.MIN_VALUE, 3L, Long.MAX_VALUE));
        expected.put("quantity", Arrays.asList(10, null, Integer.MIN_VALUE, null, Integer.MAX_VALUE));
        expected.put("price", Arrays.asList(1.5, null, -0.0, null, 1e300));
        expected.put("ratio", Arrays.asList(0.25f, null, -3.5f, null, 3.0e38f));
        expected.put("paid", Arrays.asList(true, null, false, null, true));
        expected.put("amount", Arrays.asList(decimal("19.99", 10, 2), null, decimal("-0.01", 10, 2), null, decimal("99999999.99", 10, 2)));
        expected.put("total", Arrays.asList(decimal("12345678901234567890.1234", 30, 4), null, decimal("-1.0000", 30, 4), null,
                decimal("99999999999999999999999999.9999", 30, 4)));
        expected.put("customer", Arrays.asList("Ada", null, "", "Grace Hopper ✓", "Ω"));
        expected.put("payload", Arrays.asList(new SqlVarbinary(new byte[] {0, 1, 2}), null, new SqlVarbinary(new byte[0]), null, new SqlVarbinary(new byte[] {(byte) 0xff})));
        expected.put("day", Arrays.asList(date("2026-11-28"), null, date("1969-12-31"), null, date("9999-12-31")));
        expected.put("placed", Arrays.asList(SqlTimestamp.newInstance(6, 1_795_860_000_123_456L, 0), null, SqlTimestamp.newInstance(6, -1, 0), null,
                SqlTimestamp.newInstance(6, 946_684_800_000_000L, 0)));
        expected.put("created", Arrays.asList(timestampWithTimeZone(CREATED_MICROS), null, timestampWithTimeZone(1_795_860_000_000_000L), null,
                timestampWithTimeZone(946_684_800_000_000L)));
        expected.put("tags", Arrays.asList(Arrays.asList("a", null, "b"), null, List.of(), null, List.of("z")));
        expected.put("attributes", Arrays.asList(map("x", 1L, "y", null), null, Map.of(), Map.of("k", 7L), map("a", -1L, "b", 2L)));
        expected.put("address", Arrays.asList(Arrays.asList("Oslo", 150, timestampWithTimeZone(-1)), null, Arrays.asList(null, null, null), null,
                Arrays.asList("Bergen", 5003, null)));
        expected.put("lines", Arrays.asList(
                Arrays.asList(Arrays.asList("s1", 2, decimal("3.50", 8, 2)), null),
                null,
                List.of(),
                List.of(Arrays.asList("s2", null, null)),
                List.of(Arrays.asList(null, null, null))));
        return expected;
    }

    private static SqlDecimal decimal(String value, int precision, int scale)
    {
        BigDecimal decimal = new BigDecimal(value);
        assertThat(decimal.scale()).isEqualTo(scale);
        return new SqlDecimal(decimal.unscaledValue(), precision, scale);
    }

    private static SqlDate date(String value)
    {
        return new SqlDate((int) LocalDate.parse(value).toEpochDay());
    }

    private static SqlTimestampWithTimeZone timestampWithTimeZone(long epochMicros)
    {
        return SqlTimestampWithTimeZone.newInstance(6, Math.floorDiv(epochMicros, 1000), Math.floorMod(epochMicros, 1000) * 1_000_000, UTC_KEY);
    }

    private static Map<String, Long> map(String key1, Long value1, String key2, Long value2)
    {
        Map<String, Long> map = new LinkedHashMap<>();
        map.put(key1, value1);
        map.put(key2, value2);
        return map;
    }
}
