package io.freshet.ingest.decoding;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.flush.ArrowRows;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The streaming decoder against the tree decoder it replaced: the same records are bad, for the same reason, and
 * the good ones become the same rows. Hand-written cases cover each type's accepted shapes and each kind of error;
 * thousands of mutations of valid records (cut, a character replaced or inserted) cover the rest.
 */
class TestJsonRecordDecoder
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "quantity", Types.IntegerType.get()),
            NestedField.optional(3, "price", Types.DoubleType.get()),
            NestedField.optional(4, "ratio", Types.FloatType.get()),
            NestedField.optional(5, "paid", Types.BooleanType.get()),
            NestedField.optional(6, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(7, "customer", Types.StringType.get()),
            NestedField.optional(8, "payload", Types.BinaryType.get()),
            NestedField.optional(9, "day", Types.DateType.get()),
            NestedField.optional(10, "created", Types.TimestampType.withZone()),
            NestedField.optional(11, "placed", Types.TimestampType.withoutZone()),
            NestedField.optional(12, "tags", Types.ListType.ofOptional(13, Types.StringType.get())),
            NestedField.optional(14, "address", Types.StructType.of(
                    NestedField.optional(15, "city", Types.StringType.get()),
                    NestedField.optional(16, "zip", Types.IntegerType.get()))),
            NestedField.optional(17, "attributes", Types.MapType.ofOptional(18, 19, Types.StringType.get(), Types.LongType.get())),
            NestedField.optional(20, "lines", Types.ListType.ofOptional(21, Types.StructType.of(
                    NestedField.optional(22, "sku", Types.StringType.get()),
                    NestedField.optional(23, "count", Types.IntegerType.get()))))));

    private static final String VALID = """
            {"id": 42, "quantity": 7, "price": 12.25, "ratio": 0.5, "paid": true, "amount": "19.99", "customer": "Ada",
             "payload": "AAEC", "day": "2026-11-28", "created": "2026-11-28T10:00:00.123456Z", "placed": "2026-11-28 10:00:00",
             "tags": ["a", null, "b"], "address": {"city": "Oslo", "zip": 150}, "attributes": {"x": 1, "y": null},
             "lines": [{"sku": "s1", "count": 2}, null, {"sku": null}]}""";

    private static final List<String> CASES = List.of(
            VALID,
            "{}",
            "{\"ID\": 1, \"Customer\": \"upper\"}",
            "{\"Id\": 1, \"id\": 2}",
            "{\"id\": 2, \"ID\": 1}",
            "{\"ID\": 1, \"iD\": 2}",
            "{\"ID\": \"bad\", \"id\": 3}",
            "{\"id\": 1, \"id\": 2}",
            "{\"id\": \"12\", \"quantity\": \" 13 \", \"price\": \"1.5\", \"ratio\": 1, \"paid\": \"TRUE\", \"amount\": 3}",
            "{\"id\": 1.0, \"quantity\": 2e1, \"price\": NaN, \"ratio\": -Infinity, \"amount\": 12.345}",
            "{\"id\": 1.5}",
            "{\"id\": 99999999999999999999}",
            "{\"quantity\": 3000000000}",
            "{\"id\": true}",
            "{\"id\": {\"nested\": 1}}",
            "{\"id\": [1]}",
            "{\"customer\": 12}",
            "{\"customer\": 1.50}",
            "{\"customer\": {\"a\": [1, 2]}}",
            "{\"customer\": true}",
            "{\"paid\": \"yes\"}",
            "{\"paid\": 1}",
            "{\"amount\": \"12345678901.5\"}",
            "{\"amount\": \"abc\"}",
            "{\"amount\": NaN}",
            "{\"amount\": [1]}",
            "{\"payload\": \"not base64!\"}",
            "{\"payload\": 12}",
            "{\"day\": 20000}",
            "{\"day\": \"2026-02-30\"}",
            "{\"day\": \"2026-11-28T10:00:00Z\"}",
            "{\"created\": 1700000000000}",
            "{\"created\": \"yesterday\"}",
            "{\"created\": 9223372036854775807}",
            "{\"placed\": \"2026-11-28T10:00:00+02:00\"}",
            "{\"tags\": \"a\"}",
            "{\"tags\": [1, {\"x\": 1}]}",
            "{\"tags\": []}",
            "{\"address\": \"Oslo\"}",
            "{\"address\": {\"zip\": \"x\", \"city\": {\"a\": 1}}}",
            "{\"address\": {\"CITY\": \"Bergen\", \"extra\": [1, {\"deep\": null}]}}",
            "{\"attributes\": {\"x\": \"y\"}}",
            "{\"attributes\": []}",
            "{\"attributes\": {\"x\": 1, \"x\": 2}}",
            "{\"lines\": [{\"count\": \"many\"}]}",
            "{\"lines\": [{\"sku\": \"a\"}, 3]}",
            "{\"quantity\": \"x\", \"id\": \"y\"}",
            "{\"id\": \"y\", \"quantity\": \"x\"}",
            "{\"id\": \"bad\"} trailing",
            "{\"id\": \"bad\", \"customer\": }",
            "{\"unknown\": {\"a\": [1, 2, {\"b\": null}]}, \"id\": 5}",
            "{\"unknown\": {\"a\": [1, 2, {\"b\": null}]}, \"id\": 5",
            "[1, 2]",
            "[1, 2",
            "\"text\"",
            "12",
            "null",
            "true",
            "",
            "   ",
            "{} {}",
            "{}}",
            "not json");

    @Test
    void handWrittenCasesDecodeAsTheTreeDecoderDid()
            throws Exception
    {
        for (String value : CASES) {
            assertSameOutcome(value);
        }
    }

    @Test
    void mutatedRecordsDecodeAsTheTreeDecoderDid()
            throws Exception
    {
        Random random = new Random(20261130);
        String alphabet = "{}[]\":,0123456789.-eE tfnaxNI\\";
        for (int i = 0; i < 3000; i++) {
            StringBuilder value = new StringBuilder(VALID);
            int mutations = 1 + random.nextInt(3);
            for (int m = 0; m < mutations; m++) {
                int position = random.nextInt(value.length());
                switch (random.nextInt(3)) {
                    case 0 -> value.setLength(position);
                    case 1 -> value.setCharAt(position, alphabet.charAt(random.nextInt(alphabet.length())));
                    default -> value.insert(position, alphabet.charAt(random.nextInt(alphabet.length())));
                }
                if (value.isEmpty()) {
                    break;
                }
            }
            assertSameOutcome(value.toString());
        }
    }

    @Test
    void tombstoneIsABadRecord()
    {
        try (BufferAllocator allocator = new RootAllocator()) {
            HotBatchBuilder builder = new HotBatchBuilder(allocator, SCHEMA, 0, 0);
            try {
                new JsonRecordDecoder(SCHEMA).decode(null, builder.vectors(), 0);
                throw new AssertionError("a tombstone decoded");
            }
            catch (BadRecordException e) {
                assertThat(e).hasMessage("record has no value (tombstone)");
            }
            finally {
                builder.close();
            }
        }
    }

    @Test
    void validRecordBecomesTheseValues()
            throws Exception
    {
        assertThat(outcome(new JsonRecordDecoder(SCHEMA), VALID)).isEqualTo("row [42, 7, 12.25, 0.5, true, 19.99, Ada, java.nio.HeapByteBuffer[pos=0 lim=3 cap=3], 2026-11-28, "
                + "2026-11-28T10:00:00.123456Z, 2026-11-28T10:00, [a, null, b], Record(Oslo, 150), {x=1, y=null}, [Record(s1, 2), null, Record(null, null)], "
                + "0, 0, 1970-01-01T00:00:00.001Z, null, {}]");
    }

    @Test
    void namesMatchIgnoringCaseAndAnExactNameWins()
            throws Exception
    {
        assertThat(decodedId("{\"ID\": 1}")).isEqualTo(1L);
        assertThat(decodedId("{\"ID\": 1, \"id\": 2}")).isEqualTo(2L);
        assertThat(decodedId("{\"id\": 2, \"ID\": 1}")).isEqualTo(2L);
        // of several case-insensitive matches the first wins
        assertThat(decodedId("{\"ID\": 1, \"iD\": 2}")).isEqualTo(1L);
        assertThat(decodedId("{\"unknown\": 5}")).isNull();
    }

    @Test
    void badRecordReasons()
            throws Exception
    {
        assertReason("", "expected a JSON object, found nothing");
        assertReason("[1, 2]", "expected a JSON object, found array");
        assertReason("12", "expected a JSON object, found number");
        assertReason("\"text\"", "expected a JSON object, found string");
        assertReason("null", "expected a JSON object, found null");
        assertReason("{} {}", "trailing data after the JSON value");
        assertReason("{\"id\": 1, \"id\": 2}", "not valid JSON: Duplicate field 'id'");
        assertThat(outcome(new JsonRecordDecoder(SCHEMA), "not json")).startsWith("bad record: not valid JSON: Unrecognized token 'not'");
        // invalid JSON anywhere wins over a bad field before it
        assertThat(outcome(new JsonRecordDecoder(SCHEMA), "{\"id\": \"bad\", \"customer\": }")).startsWith("bad record: not valid JSON: ");
        // of several bad fields, the first column in table order is reported
        assertReason("{\"quantity\": \"x\", \"id\": \"y\"}", "field id: expected an integer, found \"y\"");
        assertReason("{\"address\": {\"zip\": \"x\"}}", "field address.zip: expected an integer, found \"x\"");
        assertReason("{\"lines\": [{\"sku\": \"a\"}, {\"count\": \"many\"}]}", "field lines.count: expected an integer, found \"many\"");
        assertReason("{\"attributes\": {\"x\": \"y\"}}", "field attributes: expected an integer, found \"y\"");
        assertReason("{\"quantity\": 3000000000}", "field quantity: integer 3000000000 is out of range for the column type");
        assertReason("{\"created\": 9223372036854775807}", "field created: value out of range for the column type");
        assertReason("{\"amount\": \"12345678901.5\"}", "field amount: decimal 12345678901.5 does not fit decimal(10, 2)");
    }

    private static Object decodedId(String value)
            throws Exception
    {
        String outcome = outcome(new JsonRecordDecoder(SCHEMA), value);
        assertThat(outcome).startsWith("row [");
        String id = outcome.substring("row [".length(), outcome.indexOf(','));
        return id.equals("null") ? null : Long.parseLong(id);
    }

    private static void assertReason(String value, String reason)
            throws Exception
    {
        assertThat(outcome(new JsonRecordDecoder(SCHEMA), value)).as(value).isEqualTo("bad record: " + reason);
    }

    private static void assertSameOutcome(String value)
            throws Exception
    {
        assertThat(outcome(new JsonRecordDecoder(SCHEMA), value)).as("decoding %s", value).isEqualTo(outcome(new TreeJsonRecordDecoder(SCHEMA), value));
    }

    /** The row a value becomes (after a bad record written into the same row, which must leave no trace), or why it is bad. */
    private static String outcome(RecordDecoder decoder, String value)
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator()) {
            HotBatchBuilder builder = new HotBatchBuilder(allocator, SCHEMA, 0, 0);
            // a bad record fills the row first, so leftovers of a half-decoded record would show
            try {
                decoder.decode(VALID.replace("\"customer\": \"Ada\"", "\"customer\": \"Ada\", \"quantity\": \"bad\"").getBytes(StandardCharsets.UTF_8), builder.vectors(), 0);
            }
            catch (BadRecordException expected) {
                // the row is overwritten next
            }
            String result;
            try {
                decoder.decode(value.getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
                builder.completeRow(0, 1, null, new RecordHeaders());
                HotBatch batch = builder.seal();
                List<Object> row = new ArrayList<>();
                for (int column = 0; column < SCHEMA.columns().size(); column++) {
                    row.add(ArrowRows.value(batch.root().getVector(column), SCHEMA.columns().get(column).type(), 0));
                }
                batch.release();
                result = "row " + row;
            }
            catch (BadRecordException e) {
                result = "bad record: " + e.getMessage();
            }
            builder.close();
            return result;
        }
    }
}
