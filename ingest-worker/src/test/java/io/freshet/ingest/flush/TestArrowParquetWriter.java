package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.decoding.BadRecordException;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Comparators;
import org.apache.iceberg.types.Conversions;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The columnar Parquet flush: every supported type (nulls, nested types, decimals of all three physical layouts,
 * timestamps, NaN) reads back through Iceberg's own reader exactly as it was in the hot buffer, and the column
 * statistics in the manifests (bounds, null, NaN and value counts) match the data.
 */
class TestArrowParquetWriter
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "flag", Types.BooleanType.get()),
            NestedField.optional(3, "quantity", Types.IntegerType.get()),
            NestedField.optional(4, "ratio", Types.FloatType.get()),
            NestedField.optional(5, "price", Types.DoubleType.get()),
            NestedField.optional(6, "small", Types.DecimalType.of(9, 2)),
            NestedField.optional(7, "medium", Types.DecimalType.of(18, 4)),
            NestedField.optional(8, "large", Types.DecimalType.of(38, 10)),
            NestedField.optional(9, "name", Types.StringType.get()),
            NestedField.optional(10, "country", Types.StringType.get()),
            NestedField.optional(11, "payload", Types.BinaryType.get()),
            NestedField.optional(12, "day", Types.DateType.get()),
            NestedField.optional(13, "created", Types.TimestampType.withZone()),
            NestedField.optional(14, "placed", Types.TimestampType.withoutZone()),
            NestedField.optional(15, "tags", Types.ListType.ofOptional(16, Types.StringType.get())),
            NestedField.optional(17, "address", Types.StructType.of(
                    NestedField.optional(18, "city", Types.StringType.get()),
                    NestedField.optional(19, "zip", Types.IntegerType.get()),
                    NestedField.optional(20, "scores", Types.ListType.ofOptional(21, Types.DoubleType.get())))),
            NestedField.optional(22, "attributes", Types.MapType.ofOptional(23, 24, Types.StringType.get(), Types.LongType.get())),
            NestedField.optional(25, "lines", Types.ListType.ofOptional(26, Types.StructType.of(
                    NestedField.optional(27, "sku", Types.StringType.get()),
                    NestedField.optional(28, "count", Types.IntegerType.get()))))));

    @TempDir
    Path warehouse;

    @Test
    void everyTypeReadsBackAndManifestStatisticsMatchTheData()
            throws Exception
    {
        Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
        try (BufferAllocator allocator = new RootAllocator()) {
            ((SupportsNamespaces) catalog).createNamespace(Namespace.of("shop"));
            // small row groups and pages so that one file holds several of each; full metrics for exact bounds
            Table table = catalog.createTable(TableIdentifier.of("shop", "orders"), SCHEMA, PartitionSpec.unpartitioned(), Map.of(
                    TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "65536",
                    TableProperties.PARQUET_PAGE_SIZE_BYTES, "8192",
                    TableProperties.DEFAULT_WRITE_METRICS_MODE, "full"));
            List<HotBatch> batches = new ArrayList<>();
            batches.add(batch(allocator, table.schema(), 0, 0, 2500));
            batches.add(batch(allocator, table.schema(), 0, 2500, 700));
            batches.add(batch(allocator, table.schema(), 1, 0, 1));
            List<List<Object>> expected = new ArrayList<>();
            for (HotBatch batch : batches) {
                for (int row = 0; row < batch.rowCount(); row++) {
                    List<Object> values = new ArrayList<>();
                    for (int column = 0; column < SCHEMA.columns().size(); column++) {
                        values.add(ArrowRows.value(batch.root().getVector(column), SCHEMA.columns().get(column).type(), row));
                    }
                    expected.add(values);
                }
            }

            List<DataFile> files = new ParquetFlusher(table, new InFlightFiles(), new FlushThrottle(0.9)).write(batches);
            assertThat(files).hasSize(2);
            assertThat(files.getFirst().splitOffsets()).hasSizeGreaterThan(1);
            var append = table.newFastAppend();
            files.forEach(append::appendFile);
            append.commit();

            List<List<Object>> actual = new ArrayList<>();
            try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
                for (Record record : records) {
                    List<Object> values = new ArrayList<>();
                    for (int column = 0; column < SCHEMA.columns().size(); column++) {
                        values.add(record.get(column));
                    }
                    actual.add(values);
                }
            }
            Comparator<List<Object>> byPartitionAndOffset = Comparator.comparing((List<Object> row) -> (Long) row.get(18)).thenComparing(row -> (Long) row.get(19));
            actual.sort(byPartitionAndOffset);
            expected.sort(byPartitionAndOffset);
            assertThat(actual).hasSize(3201);
            for (int row = 0; row < expected.size(); row++) {
                assertThat(normalized(actual.get(row))).as("row %s", row).isEqualTo(normalized(expected.get(row)));
            }

            table.refresh();
            try (CloseableIterable<org.apache.iceberg.FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
                for (org.apache.iceberg.FileScanTask task : tasks) {
                    DataFile file = task.file();
                    long partition = (Long) Conversions.fromByteBuffer(Types.LongType.get(), file.lowerBounds().get(table.schema().findField(KafkaMetadataColumns.PARTITION_ID).fieldId()));
                    List<List<Object>> rows = expected.stream().filter(row -> (Long) row.get(18) == partition).toList();
                    assertThat(file.recordCount()).isEqualTo(rows.size());
                    assertStatistics(table.schema(), file, rows);
                }
            }
            batches.forEach(HotBatch::release);
        }
        finally {
            ((Closeable) catalog).close();
        }
    }

    /** Compares the manifest's statistics of every column outside lists and maps with the rows of the file. */
    private static void assertStatistics(Schema schema, DataFile file, List<List<Object>> rows)
    {
        for (int column = 0; column < schema.columns().size(); column++) {
            NestedField field = schema.columns().get(column);
            int index = column;
            if (field.type().isPrimitiveType()) {
                assertColumn(file, field, rows.stream().map(row -> row.get(index)).toList());
            }
            else if (field.type().isStructType()) {
                List<NestedField> children = field.type().asStructType().fields();
                for (int child = 0; child < children.size(); child++) {
                    int childIndex = child;
                    if (children.get(child).type().isPrimitiveType()) {
                        assertColumn(file, children.get(child), rows.stream().map(row -> row.get(index) == null ? null : ((Record) row.get(index)).get(childIndex)).toList());
                    }
                }
            }
            else {
                // Iceberg keeps no statistics for values inside lists and maps, whatever writes them
                field.type().asNestedType().fields().stream()
                        .filter(nested -> nested.type().isPrimitiveType())
                        .forEach(leaf -> assertThat(file.lowerBounds()).as("bounds of %s", leaf.name()).doesNotContainKey(leaf.fieldId()));
            }
        }
    }

    @SuppressWarnings("unchecked")
    private static void assertColumn(DataFile file, NestedField field, List<Object> values)
    {
        int id = field.fieldId();
        Type.PrimitiveType type = field.type().asPrimitiveType();
        List<Object> internal = values.stream().map(TestArrowParquetWriter::internal).toList();
        long nulls = internal.stream().filter(Objects::isNull).count();
        assertThat(file.valueCounts().get(id)).as("value count of %s", field.name()).isEqualTo(values.size());
        assertThat(file.nullValueCounts().get(id)).as("null count of %s", field.name()).isEqualTo(nulls);
        List<Object> present = internal.stream().filter(Objects::nonNull).filter(value -> !isNaN(value)).toList();
        if (type.typeId() == Type.TypeID.FLOAT || type.typeId() == Type.TypeID.DOUBLE) {
            long nans = internal.stream().filter(value -> value != null && isNaN(value)).count();
            assertThat(file.nanValueCounts().get(id)).as("NaN count of %s", field.name()).isEqualTo(nans);
        }
        if (present.isEmpty()) {
            assertThat(file.lowerBounds()).as("bounds of %s", field.name()).doesNotContainKey(id);
            return;
        }
        Comparator<Object> comparator = (Comparator<Object>) (Comparator<?>) Comparators.forType(type);
        Object min = present.stream().min(comparator).orElseThrow();
        Object max = present.stream().max(comparator).orElseThrow();
        Object lower = Conversions.fromByteBuffer(type, file.lowerBounds().get(id));
        Object upper = Conversions.fromByteBuffer(type, file.upperBounds().get(id));
        assertThat(comparator.compare(lower, min)).as("lower bound of %s: %s, data minimum %s", field.name(), lower, min).isZero();
        assertThat(comparator.compare(upper, max)).as("upper bound of %s: %s, data maximum %s", field.name(), upper, max).isZero();
    }

    private static boolean isNaN(Object value)
    {
        return (value instanceof Float f && f.isNaN()) || (value instanceof Double d && d.isNaN());
    }

    /** A value as Iceberg keeps it in bounds: timestamps in microseconds, dates in days, text as a char sequence. */
    private static Object internal(Object value)
    {
        return switch (value) {
            case null -> null;
            case OffsetDateTime timestamp -> ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), timestamp);
            case LocalDateTime timestamp -> ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), timestamp);
            case LocalDate date -> (int) date.toEpochDay();
            default -> value;
        };
    }

    /** Rows compared by value: byte buffers by content, records field by field. */
    private static String normalized(List<Object> row)
    {
        StringBuilder text = new StringBuilder();
        for (Object value : row) {
            text.append(normalized(value)).append(" | ");
        }
        return text.toString();
    }

    private static String normalized(Object value)
    {
        return switch (value) {
            case null -> "null";
            case ByteBuffer buffer -> "bytes" + java.util.Arrays.toString(ByteBuffers.toArray(buffer));
            case Record record -> {
                List<Object> fields = new ArrayList<>();
                for (int i = 0; i < record.size(); i++) {
                    fields.add(normalized(record.get(i)));
                }
                yield fields.toString();
            }
            case List<?> list -> list.stream().map(TestArrowParquetWriter::normalized).toList().toString();
            case Map<?, ?> map -> {
                List<String> entries = new ArrayList<>();
                map.forEach((key, entry) -> entries.add(normalized(key) + "=" + normalized(entry)));
                yield entries.toString();
            }
            case Float f -> "float " + Float.floatToIntBits(f);
            case Double d -> "double " + Double.doubleToLongBits(d);
            default -> value.getClass().getSimpleName() + " " + value;
        };
    }

    /** A batch decoded with the table's schema, whose field ids the catalog assigned afresh. */
    private static HotBatch batch(BufferAllocator allocator, Schema schema, int partition, long firstOffset, int rows)
            throws BadRecordException
    {
        JsonRecordDecoder decoder = new JsonRecordDecoder(schema);
        HotBatchBuilder builder = new HotBatchBuilder(allocator, schema, partition, firstOffset);
        for (long offset = firstOffset; offset < firstOffset + rows; offset++) {
            decoder.decode(json(offset).getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
            RecordHeaders headers = new RecordHeaders();
            if (offset % 3 == 0) {
                headers.add("trace", new byte[] {(byte) offset});
                headers.add("trace", null);
            }
            builder.completeRow(offset, offset % 5 == 0 ? -1 : 1_700_000_000_000L + offset, offset % 4 == 0 ? null : ("k" + offset).getBytes(StandardCharsets.UTF_8), headers);
        }
        return builder.seal();
    }

    /** Every 7th value of a column is null; the rest cover signs, NaN, empty and null collections, repeated and unique text. */
    private static String json(long i)
    {
        StringBuilder json = new StringBuilder("{");
        field(json, "id", i % 7 == 0 ? null : String.valueOf(i * 31 - 5000));
        field(json, "flag", i % 7 == 1 ? null : String.valueOf(i % 3 == 0));
        field(json, "quantity", i % 7 == 2 ? null : String.valueOf((int) (i * 7919 % 20001) - 10000));
        field(json, "ratio", i % 7 == 3 ? null : i % 50 == 0 ? "NaN" : String.valueOf((i % 201 - 100) / 8.0));
        field(json, "price", i % 7 == 4 ? null : i % 60 == 0 ? "NaN" : i == 5 ? "-0.0" : String.valueOf((i % 977) * 1.25 - 300));
        field(json, "small", i % 7 == 5 ? null : "\"" + (i % 1000 - 500) + "." + (i % 100) + "\"");
        field(json, "medium", i % 7 == 6 ? null : "\"" + (i * 1_000_003 % 99_999_999_999L - 50_000_000_000L) + ".1234\"");
        field(json, "large", i % 7 == 0 ? null : "\"" + (i % 2 == 0 ? "-" : "") + "1234567890123456789012345678." + (i % 10) + "123456789\"");
        field(json, "name", i % 7 == 1 ? null : "\"name-" + i + "-" + "x".repeat((int) (i % 40)) + "\"");
        field(json, "country", i % 7 == 2 ? null : "\"" + List.of("NO", "SE", "DK", "FI", "IS").get((int) (i % 5)) + "\"");
        field(json, "payload", i % 7 == 3 ? null : "\"" + java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) i, (byte) (i >> 8), (byte) 0xff}) + "\"");
        field(json, "day", i % 7 == 4 ? null : "\"" + LocalDate.of(2026, 1, 1).plusDays(i % 700 - 350) + "\"");
        field(json, "created", i % 7 == 5 ? null : "\"2026-11-28T10:00:00." + "%06d".formatted(i % 1_000_000) + "Z\"");
        field(json, "placed", i % 7 == 6 ? null : String.valueOf(1_600_000_000_000L + i * 1000));
        field(json, "tags", switch ((int) (i % 4)) {
            case 0 -> null;
            case 1 -> "[]";
            case 2 -> "[\"a\", null, \"b-" + i + "\"]";
            default -> "[\"only\"]";
        });
        field(json, "address", i % 5 == 0 ? null : "{\"city\": %s, \"zip\": %s, \"scores\": %s}".formatted(
                i % 3 == 0 ? "null" : "\"city-" + (i % 13) + "\"", i % 4 == 0 ? "null" : String.valueOf(i % 9999),
                i % 2 == 0 ? "null" : "[1.5, null, " + i + "]"));
        field(json, "attributes", i % 6 == 0 ? null : i % 6 == 1 ? "{}" : "{\"x\": %d, \"y\": null}".formatted(i));
        field(json, "lines", i % 3 == 0 ? null : "[{\"sku\": \"s%d\", \"count\": %d}, null, {\"sku\": null, \"count\": null}]".formatted(i % 11, i));
        json.setLength(json.length() - 2);
        return json.append("}").toString();
    }

    private static void field(StringBuilder json, String name, String value)
    {
        json.append('"').append(name).append("\": ").append(value == null ? "null" : value).append(", ");
    }

    private static final class ByteBuffers
    {
        static byte[] toArray(ByteBuffer buffer)
        {
            ByteBuffer copy = buffer.duplicate();
            byte[] bytes = new byte[copy.remaining()];
            copy.get(bytes);
            return bytes;
        }
    }
}
