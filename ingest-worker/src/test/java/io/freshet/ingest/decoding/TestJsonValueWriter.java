package io.freshet.ingest.decoding;

import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.flush.ArrowRows;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Each column type's accepted JSON forms and the value they become, and its rejected forms with the reason given. */
class TestJsonValueWriter
{
    private static final Types.StructType ADDRESS = Types.StructType.of(
            NestedField.optional(2, "city", Types.StringType.get()),
            NestedField.optional(3, "zip", Types.IntegerType.get()));

    @Test
    void nullIsNullForEveryType()
    {
        for (Type type : List.of(Types.BooleanType.get(), Types.LongType.get(), Types.DecimalType.of(10, 2), Types.BinaryType.get(), Types.DateType.get(),
                Types.TimestampType.withZone(), Types.ListType.ofOptional(2, Types.StringType.get()), ADDRESS)) {
            assertThat(written(type, "null")).as(type.toString()).isNull();
        }
    }

    @Test
    void booleans()
    {
        Type type = Types.BooleanType.get();
        assertThat(written(type, "true")).isEqualTo(true);
        assertThat(written(type, "false")).isEqualTo(false);
        assertThat(written(type, "\" TRUE \"")).isEqualTo(true);
        assertThat(written(type, "\"False\"")).isEqualTo(false);
        assertRejected(type, "1", "expected a boolean, found 1");
        assertRejected(type, "\"yes\"", "expected a boolean, found \"yes\"");
        assertRejected(type, "{}", "expected a boolean, found {}");
    }

    @Test
    void integers()
    {
        Type type = Types.IntegerType.get();
        assertThat(written(type, "7")).isEqualTo(7);
        assertThat(written(type, "-2147483648")).isEqualTo(Integer.MIN_VALUE);
        assertThat(written(type, "\" 13 \"")).isEqualTo(13);
        assertThat(written(type, "2e1")).isEqualTo(20);
        assertThat(written(type, "1.0")).isEqualTo(1);
        assertRejected(type, "3000000000", "integer 3000000000 is out of range for the column type");
        assertRejected(type, "1.5", "expected an integer in range, found 1.5");
        assertRejected(type, "\"x\"", "expected an integer, found \"x\"");
        assertRejected(type, "true", "expected an integer, found true");
        assertRejected(type, "[1]", "expected an integer, found [1]");
    }

    @Test
    void longs()
    {
        Type type = Types.LongType.get();
        assertThat(written(type, "9223372036854775807")).isEqualTo(Long.MAX_VALUE);
        assertThat(written(type, "\"-12\"")).isEqualTo(-12L);
        assertRejected(type, "99999999999999999999", "expected an integer in range, found 99999999999999999999");
        assertRejected(type, "{\"nested\":1}", "expected an integer, found {\"nested\":1}");
    }

    @Test
    void floatingPoint()
    {
        assertThat(written(Types.DoubleType.get(), "12.25")).isEqualTo(12.25);
        assertThat(written(Types.DoubleType.get(), "\"1e3\"")).isEqualTo(1000.0);
        assertThat(written(Types.DoubleType.get(), "-Infinity")).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(written(Types.DoubleType.get(), "NaN")).isEqualTo(Double.NaN);
        assertThat(written(Types.FloatType.get(), "1")).isEqualTo(1.0f);
        assertThat(written(Types.FloatType.get(), "\"0.5\"")).isEqualTo(0.5f);
        assertRejected(Types.DoubleType.get(), "\"abc\"", "expected a number, found \"abc\"");
        assertRejected(Types.FloatType.get(), "[1]", "expected a number, found [1]");
    }

    @Test
    void decimals()
    {
        Type type = Types.DecimalType.of(10, 2);
        assertThat(written(type, "\"19.99\"")).isEqualTo(new BigDecimal("19.99"));
        assertThat(written(type, "3")).isEqualTo(new BigDecimal("3.00"));
        // rounded half up to the column's scale
        assertThat(written(type, "12.345")).isEqualTo(new BigDecimal("12.35"));
        assertThat(written(type, "\" -0.004 \"")).isEqualTo(new BigDecimal("0.00"));
        assertRejected(type, "\"12345678901.5\"", "decimal 12345678901.5 does not fit decimal(10, 2)");
        assertRejected(type, "\"abc\"", "expected a decimal number, found \"abc\"");
        // Jackson writes a non-numeric number as quoted text
        assertRejected(type, "NaN", "expected a decimal number, found \"NaN\"");
        assertRejected(type, "[1]", "expected a decimal number, found [1]");
    }

    @Test
    void strings()
    {
        Type type = Types.StringType.get();
        assertThat(written(type, "\"Ada ✓\"")).isEqualTo("Ada ✓");
        assertThat(written(type, "\"\"")).isEqualTo("");
        // any other JSON value is kept as its JSON text
        assertThat(written(type, "12")).isEqualTo("12");
        assertThat(written(type, "true")).isEqualTo("true");
        assertThat(written(type, "{\"a\": [1, 2]}")).isEqualTo("{\"a\":[1,2]}");
    }

    @Test
    void binary()
    {
        Type type = Types.BinaryType.get();
        assertThat(written(type, "\"AAEC\"")).isEqualTo(ByteBuffer.wrap(new byte[] {0, 1, 2}));
        assertThat(written(type, "\"\"")).isEqualTo(ByteBuffer.wrap(new byte[0]));
        assertRejected(type, "\"not base64!\"", "invalid base64 for a varbinary column: \"not base64!\"");
        assertRejected(type, "12", "expected base64 text for a varbinary column, found 12");
    }

    @Test
    void dates()
    {
        Type type = Types.DateType.get();
        assertThat(written(type, "\"2026-11-28\"")).isEqualTo(LocalDate.of(2026, 11, 28));
        // epoch days
        assertThat(written(type, "20000")).isEqualTo(LocalDate.ofEpochDay(20000));
        // the date part of a timestamp
        assertThat(written(type, "\"2026-11-28T23:30:00-05:00\"")).isEqualTo(LocalDate.of(2026, 11, 28));
        assertRejected(type, "\"2026-02-30\"", "expected a date (YYYY-MM-DD), found \"2026-02-30\"");
        assertRejected(type, "\"28.11.2026\"", "expected a date (YYYY-MM-DD), found \"28.11.2026\"");
        assertRejected(type, "1.5", "expected a date (YYYY-MM-DD), found 1.5");
    }

    @Test
    void timestamps()
    {
        Type withZone = Types.TimestampType.withZone();
        assertThat(written(withZone, "\"2026-11-28T10:00:00.123456Z\"")).isEqualTo(OffsetDateTime.parse("2026-11-28T10:00:00.123456Z"));
        assertThat(written(withZone, "\"2026-11-28 12:00:00+02:00\"")).isEqualTo(OffsetDateTime.parse("2026-11-28T10:00:00Z"));
        // epoch milliseconds
        assertThat(written(withZone, "1700000000123")).isEqualTo(OffsetDateTime.parse("2023-11-14T22:13:20.123Z"));
        assertRejected(withZone, "\"yesterday\"", "expected a timestamp (ISO-8601 text or epoch milliseconds), found \"yesterday\"");
        assertRejected(withZone, "true", "expected a timestamp (ISO-8601 text or epoch milliseconds), found true");
        assertThatThrownBy(() -> write(withZone, "9223372036854775807")).isInstanceOf(ArithmeticException.class);

        Type withoutZone = Types.TimestampType.withoutZone();
        assertThat(written(withoutZone, "\"2026-11-28 10:00:00\"")).isEqualTo(LocalDateTime.parse("2026-11-28T10:00:00"));
        // the local time as written, whatever the offset
        assertThat(written(withoutZone, "\"2026-11-28T10:00:00.5+02:00\"")).isEqualTo(LocalDateTime.parse("2026-11-28T10:00:00.5"));
    }

    @Test
    void lists()
    {
        Type type = Types.ListType.ofOptional(2, Types.StringType.get());
        assertThat(written(type, "[\"a\", null, 1, {\"x\": 1}]")).isEqualTo(Arrays.asList("a", null, "1", "{\"x\":1}"));
        assertThat(written(type, "[]")).isEqualTo(List.of());
        assertRejected(type, "\"a\"", "expected a JSON array, found string");
        assertRejected(Types.ListType.ofOptional(2, Types.LongType.get()), "[1, \"x\"]", "expected an integer, found \"x\"");
    }

    @Test
    void structs()
    {
        GenericRecord expected = GenericRecord.create(ADDRESS);
        expected.setField("city", "Oslo");
        expected.setField("zip", 150);
        assertThat(written(ADDRESS, "{\"City\": \"Oslo\", \"zip\": \"150\", \"unknown\": [1]}")).isEqualTo(expected);
        GenericRecord empty = GenericRecord.create(ADDRESS);
        assertThat(written(ADDRESS, "{}")).isEqualTo(empty);
        assertRejected(ADDRESS, "\"Oslo\"", "expected a JSON object, found string");
        assertRejected(ADDRESS, "[]", "expected a JSON object, found array");
        assertRejected(ADDRESS, "{\"zip\": \"x\"}", "field zip: expected an integer, found \"x\"");
    }

    @Test
    void maps()
    {
        Type type = Types.MapType.ofOptional(2, 3, Types.StringType.get(), Types.LongType.get());
        assertThat(written(type, "{\"x\": 1, \"y\": null, \"z\": \"3\"}")).isEqualTo(mapOf("x", 1L, "y", null, "z", 3L));
        assertThat(written(type, "{}")).isEqualTo(Map.of());
        assertRejected(type, "[]", "expected a JSON object for a map, found array");
        assertRejected(type, "{\"x\": \"y\"}", "expected an integer, found \"y\"");
        // keys are converted to the key type
        Type integerKeys = Types.MapType.ofOptional(2, 3, Types.IntegerType.get(), Types.StringType.get());
        assertThat(written(integerKeys, "{\"7\": \"seven\"}")).isEqualTo(Map.of(7, "seven"));
        assertRejected(integerKeys, "{\"seven\": \"7\"}", "expected an integer, found \"seven\"");
    }

    @Test
    void valuesLongerThanSixtyCharactersAreAbbreviated()
    {
        String text = "x".repeat(100);
        assertRejected(Types.LongType.get(), "\"" + text + "\"", "expected an integer, found \"" + "x".repeat(56) + "...");
    }

    private static java.util.LinkedHashMap<Object, Object> mapOf(Object... keysAndValues)
    {
        java.util.LinkedHashMap<Object, Object> map = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) {
            map.put(keysAndValues[i], keysAndValues[i + 1]);
        }
        return map;
    }

    private static void assertRejected(Type type, String json, String reason)
    {
        assertThatThrownBy(() -> write(type, json))
                .as(json)
                .isInstanceOf(BadRecordException.class)
                .hasMessage(reason);
    }

    /** The value a JSON value becomes in a column of the type, read back from the vector. */
    private static Object written(Type type, String json)
    {
        try {
            return write(type, json);
        }
        catch (BadRecordException e) {
            throw new AssertionError("rejected " + json + ": " + e.getMessage(), e);
        }
    }

    private static Object write(Type type, String json)
            throws BadRecordException
    {
        Schema schema = KafkaMetadataColumns.withMetadataColumns(List.of(NestedField.optional(1, "c", type)));
        try (BufferAllocator allocator = new RootAllocator()) {
            HotBatchBuilder builder = new HotBatchBuilder(allocator, schema, 0, 0);
            try {
                FieldVector vector = builder.vectors().getVector("c");
                JsonValueWriter.write(vector, type, 0, JsonParsing.MAPPER.readTree(json));
                vector.setValueCount(1);
                return ArrowRows.value(vector, type, 0);
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            finally {
                builder.close();
            }
        }
    }
}
