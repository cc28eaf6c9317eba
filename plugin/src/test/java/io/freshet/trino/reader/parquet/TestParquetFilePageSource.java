package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableList;
import io.airlift.units.DataSize;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.local.LocalFileSystemFactory;
import io.trino.filesystem.local.LocalInputFile;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.metadata.BlockMetadata;
import io.trino.parquet.reader.MetadataReader;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.predicate.ValueSet;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.SqlDate;
import io.trino.spi.type.SqlDecimal;
import io.trino.spi.type.SqlTimestamp;
import io.trino.spi.type.SqlTimestampWithTimeZone;
import io.trino.spi.type.SqlVarbinary;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeOperators;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Files;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.File;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.io.MoreFiles.deleteRecursively;
import static com.google.common.io.RecursiveDeleteOption.ALLOW_INSECURE;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static io.trino.testing.TestingConnectorSession.SESSION;
import static java.lang.Math.floorDiv;
import static java.lang.Math.floorMod;
import static java.nio.charset.StandardCharsets.UTF_8;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.TestInstance.Lifecycle.PER_CLASS;

@TestInstance(PER_CLASS)
final class TestParquetFilePageSource
{
    private static final int ROW_COUNT = 3000;
    private static final TypeOperators TYPE_OPERATORS = new TypeOperators();

    private static final Schema SCHEMA = new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "flag", Types.BooleanType.get()),
            optional(3, "int_value", Types.IntegerType.get()),
            optional(4, "float_value", Types.FloatType.get()),
            optional(5, "double_value", Types.DoubleType.get()),
            optional(6, "short_decimal", Types.DecimalType.of(9, 2)),
            optional(7, "medium_decimal", Types.DecimalType.of(18, 4)),
            optional(8, "long_decimal", Types.DecimalType.of(38, 10)),
            optional(9, "name", Types.StringType.get()),
            optional(10, "payload", Types.BinaryType.get()),
            optional(11, "day", Types.DateType.get()),
            optional(12, "event_time", Types.TimestampType.withoutZone()),
            optional(13, "event_time_tz", Types.TimestampType.withZone()),
            optional(14, "tags", Types.ListType.ofOptional(20, Types.StringType.get())),
            optional(15, "location", Types.StructType.of(
                    optional(21, "city", Types.StringType.get()),
                    optional(22, "zip", Types.IntegerType.get()))),
            optional(16, "attributes", Types.MapType.ofOptional(23, 24, Types.StringType.get(), Types.LongType.get())));

    // rooted at / so that file:///a is /a, as the connector configures local.location by default
    private static final TrinoFileSystemFactory LOCAL_FILES = new LocalFileSystemFactory(Path.of("/"));

    private Path directory;
    private File dataFile;
    private long fileSize;
    private List<BlockMetadata> rowGroups;
    private final ParquetFilePageSourceFactory factory = new ParquetFilePageSourceFactory(LOCAL_FILES);

    @BeforeAll
    void writeDataFile()
            throws IOException
    {
        directory = java.nio.file.Files.createTempDirectory("parquet-page-source");
        dataFile = directory.resolve("data/00000-0-test.parquet").toFile();
        assertThat(dataFile.getParentFile().mkdirs()).isTrue();
        DataWriter<Record> writer = Parquet.writeData(Files.localOutput(dataFile))
                .schema(SCHEMA)
                .createWriterFunc(GenericParquetWriter::create)
                .withSpec(PartitionSpec.unpartitioned())
                // small row groups, so that pruning and split ranges have several to choose from
                .set(TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, "32768")
                // what tables created by Iceberg 1.4 and later use, and so what the ingester writes
                .set(TableProperties.PARQUET_COMPRESSION, "zstd")
                .overwrite()
                .build();
        try (writer) {
            for (int row = 0; row < ROW_COUNT; row++) {
                writer.write(record(row));
            }
        }
        DataFile written = writer.toDataFile();
        assertThat(written.recordCount()).isEqualTo(ROW_COUNT);
        fileSize = dataFile.length();

        try (TrinoInputParquetDataSource dataSource = new TrinoInputParquetDataSource(new LocalInputFile(dataFile), fileSize, ParquetReaderOptions.defaultOptions())) {
            rowGroups = MetadataReader.readFooter(dataSource, Optional.empty()).getBlocks();
        }
        assertThat(rowGroups).hasSizeGreaterThan(3);
    }

    @AfterAll
    void deleteDataFile()
            throws IOException
    {
        deleteRecursively(directory, ALLOW_INSECURE);
    }

    @Test
    void testReadAllTypes()
    {
        List<ParquetReadColumn> columns = allColumns();
        assertThat(read(factory, fileUri(), columns, TupleDomain.all()).getMaterializedRows())
                .containsExactlyElementsOf(expectedRows(IntStream.range(0, ROW_COUNT), fieldNames(columns)));
    }

    @Test
    void testReadThroughStreamingDataSource()
    {
        // a file above the small-file threshold is read chunk by chunk instead of all at once
        ParquetReaderOptions options = ParquetReaderOptions.builder()
                .withSmallFileThreshold(DataSize.ofBytes(0))
                .build();
        ParquetFilePageSourceFactory streamingFactory = new ParquetFilePageSourceFactory(LOCAL_FILES, options);
        List<ParquetReadColumn> columns = allColumns();
        assertThat(read(streamingFactory, fileUri(), columns, TupleDomain.all()).getMaterializedRows())
                .containsExactlyElementsOf(expectedRows(IntStream.range(0, ROW_COUNT), fieldNames(columns)));
    }

    @Test
    void testPathSpellings()
    {
        List<ParquetReadColumn> columns = ImmutableList.of(column("id"), column("name"));
        List<MaterializedRow> expected = expectedRows(IntStream.range(0, ROW_COUNT), ImmutableList.of("id", "name"));
        // Java Iceberg writes file:/a or file:///a; Trino writes local:///a. Locations always carry a scheme: the
        // warehouse is turned into a URI before any table is created
        for (String path : ImmutableList.of("file:" + dataFile.getAbsolutePath(), "file://" + dataFile.getAbsolutePath(), "local://" + dataFile.getAbsolutePath())) {
            assertThat(read(factory, path, columns, TupleDomain.all()).getMaterializedRows())
                    .as(path)
                    .containsExactlyElementsOf(expected);
        }
    }

    @Test
    void testProjectionAndReordering()
    {
        List<ParquetReadColumn> columns = ImmutableList.of(column("location"), column("event_time_tz"), column("id"), column("name"), column("id"));
        assertThat(read(factory, fileUri(), columns, TupleDomain.all()).getMaterializedRows())
                .containsExactlyElementsOf(expectedRows(IntStream.range(0, ROW_COUNT), ImmutableList.of("location", "event_time_tz", "id", "name", "id")));
    }

    @Test
    void testMissingColumnsAreNull()
    {
        RowType locationWithCountry = RowType.from(ImmutableList.of(
                RowType.field("city", VARCHAR),
                RowType.field("zip", INTEGER),
                RowType.field("country", VARCHAR)));
        List<ParquetReadColumn> columns = ImmutableList.of(
                new ParquetReadColumn(99, "added_later", BIGINT),
                column("id"),
                new ParquetReadColumn(98, "added_struct", RowType.from(ImmutableList.of(RowType.field("a", VARCHAR)))),
                new ParquetReadColumn(15, "location", locationWithCountry, ImmutableList.of(
                        new ParquetReadColumn(21, "city", VARCHAR),
                        new ParquetReadColumn(22, "zip", INTEGER),
                        new ParquetReadColumn(97, "country", VARCHAR))));
        List<MaterializedRow> expected = IntStream.range(0, ROW_COUNT)
                .mapToObj(row -> {
                    List<?> location = (List<?>) expectedValue(row, "location");
                    List<Object> locationWithNullCountry = null;
                    if (location != null) {
                        locationWithNullCountry = new ArrayList<>(location);
                        locationWithNullCountry.add(null);
                    }
                    return materializedRow(null, (long) row, null, locationWithNullCountry);
                })
                .collect(toImmutableList());
        assertThat(read(factory, fileUri(), columns, TupleDomain.all()).getMaterializedRows()).containsExactlyElementsOf(expected);
    }

    @Test
    void testStructFieldsMatchedById()
    {
        // renamed and reordered struct fields are found by field id, not by name or position
        RowType renamed = RowType.from(ImmutableList.of(RowType.field("postcode", INTEGER), RowType.field("town", VARCHAR)));
        ParquetReadColumn location = new ParquetReadColumn(15, "place", renamed, ImmutableList.of(
                new ParquetReadColumn(22, "postcode", INTEGER),
                new ParquetReadColumn(21, "town", VARCHAR)));
        List<MaterializedRow> expected = IntStream.range(0, ROW_COUNT)
                .mapToObj(row -> {
                    List<?> original = (List<?>) expectedValue(row, "location");
                    return materializedRow(original == null ? null : listOf(original.get(1), original.get(0)));
                })
                .collect(toImmutableList());
        assertThat(read(factory, fileUri(), ImmutableList.of(location), TupleDomain.all()).getMaterializedRows()).containsExactlyElementsOf(expected);

        // without nested ids, struct fields fall back to matching by name
        ParquetReadColumn byName = new ParquetReadColumn(15, "location", trinoType(SCHEMA.findType(15)));
        assertThat(read(factory, fileUri(), ImmutableList.of(byName), TupleDomain.all()).getMaterializedRows())
                .containsExactlyElementsOf(expectedRows(IntStream.range(0, ROW_COUNT), ImmutableList.of("location")));
    }

    @Test
    void testPredicatePrunesAllRowGroups()
    {
        TupleDomain<ParquetReadColumn> predicate = TupleDomain.withColumnDomains(Map.of(
                column("id"), Domain.create(ValueSet.ofRanges(Range.greaterThan(BIGINT, (long) ROW_COUNT)), false)));
        try (ConnectorPageSource pageSource = factory.createPageSource(SESSION, fileUri(), 0, fileSize, fileSize, allColumns(), predicate)) {
            assertThat(countRows(pageSource)).isZero();
            assertThat(pageSource.isFinished()).isTrue();
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }
        assertThat(factory.createPageSource(SESSION, fileUri(), 0, fileSize, fileSize, allColumns(), TupleDomain.none()).getNextSourcePage()).isNull();
    }

    @Test
    void testPredicateOnColumnNotRead()
    {
        // ids in the middle of the file: the row groups holding them must survive, others are pruned by statistics
        long low = 1000;
        long high = 1100;
        TupleDomain<ParquetReadColumn> predicate = TupleDomain.withColumnDomains(Map.of(
                column("id"), Domain.create(ValueSet.ofRanges(Range.range(BIGINT, low, true, high, true)), false)));
        List<MaterializedRow> rows = read(factory, fileUri(), ImmutableList.of(column("name")), predicate).getMaterializedRows();
        assertThat(rows).hasSizeLessThan(ROW_COUNT);
        assertThat(rows).containsAll(expectedRows(IntStream.rangeClosed((int) low, (int) high), ImmutableList.of("name")));

        // with the predicate column read as well, every row of the range is still returned
        List<MaterializedRow> withId = read(factory, fileUri(), ImmutableList.of(column("id")), predicate).getMaterializedRows();
        assertThat(withId).hasSizeLessThan(ROW_COUNT);
        assertThat(withId).containsAll(expectedRows(IntStream.rangeClosed((int) low, (int) high), ImmutableList.of("id")));

        // a predicate on a struct field, reading another field of the same struct
        TupleDomain<ParquetReadColumn> zipPredicate = TupleDomain.withColumnDomains(Map.of(
                new ParquetReadColumn(22, "zip", INTEGER), Domain.create(ValueSet.ofRanges(Range.range(INTEGER, low * 7, true, high * 7, true)), false)));
        ParquetReadColumn city = new ParquetReadColumn(15, "location", RowType.from(ImmutableList.of(RowType.field("city", VARCHAR))), ImmutableList.of(
                new ParquetReadColumn(21, "city", VARCHAR)));
        List<MaterializedRow> cities = read(factory, fileUri(), ImmutableList.of(column("id"), city), zipPredicate).getMaterializedRows();
        assertThat(cities).hasSizeLessThan(ROW_COUNT);
        assertThat(cities).containsAll(IntStream.rangeClosed((int) low, (int) high)
                .mapToObj(row -> {
                    List<?> location = (List<?>) expectedValue(row, "location");
                    return materializedRow((long) row, location == null ? null : listOf(location.get(0)));
                })
                .collect(toImmutableList()));
    }

    @Test
    void testSplitRange()
    {
        // a split from the start of the second row group up to the start of the fourth reads exactly two row groups
        BlockMetadata second = rowGroups.get(1);
        BlockMetadata fourth = rowGroups.get(3);
        long start = second.getStartingPos();
        long length = fourth.getStartingPos() - start;
        List<ParquetReadColumn> columns = allColumns();
        try (ConnectorPageSource pageSource = factory.createPageSource(SESSION, fileUri(), start, length, fileSize, columns, TupleDomain.all())) {
            MaterializedResult result = MaterializedResult.materializeSourceDataStream(SESSION, pageSource, types(columns));
            int firstRow = (int) second.fileRowCountOffset();
            int endRow = (int) fourth.fileRowCountOffset();
            assertThat(result.getMaterializedRows()).containsExactlyElementsOf(expectedRows(IntStream.range(firstRow, endRow), fieldNames(columns)));
            assertThat(pageSource.getCompletedPositions()).hasValue(endRow - firstRow);
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }

        // a range in which no row group starts reads nothing
        assertThat(read(factory, fileUri(), columns, TupleDomain.all(), start + 1, 1).getRowCount()).isZero();
    }

    @Test
    void testNoColumns()
            throws IOException
    {
        try (ConnectorPageSource pageSource = factory.createPageSource(SESSION, fileUri(), 0, fileSize, fileSize, ImmutableList.of(), TupleDomain.all())) {
            long rows = 0;
            while (!pageSource.isFinished()) {
                SourcePage page = pageSource.getNextSourcePage();
                if (page != null) {
                    assertThat(page.getChannelCount()).isZero();
                    rows += page.getPositionCount();
                }
            }
            assertThat(rows).isEqualTo(ROW_COUNT);
            // row counts come from the footer: only the file's tail is read (Trino reads 48 kB to find the footer)
            assertThat(pageSource.getCompletedBytes()).isPositive().isLessThan(fileSize / 2);
        }
    }

    @Test
    void testStatistics()
            throws IOException
    {
        List<ParquetReadColumn> columns = allColumns();
        ConnectorPageSource pageSource = factory.createPageSource(SESSION, fileUri(), 0, fileSize, fileSize, columns, TupleDomain.all());
        SourcePage page = pageSource.getNextSourcePage();
        assertThat(page).isNotNull();
        page.getPage();
        // the whole small file is held in memory while it is read
        assertThat(pageSource.getMemoryUsage()).isGreaterThanOrEqualTo(fileSize);
        assertThat(countRows(pageSource) + page.getPositionCount()).isEqualTo(ROW_COUNT);
        assertThat(pageSource.getCompletedBytes()).isEqualTo(fileSize);
        assertThat(pageSource.getReadTimeNanos()).isPositive();
        assertThat(pageSource.getCompletedPositions()).hasValue(ROW_COUNT);
        pageSource.close();
        assertThat(pageSource.getMemoryUsage()).isZero();
    }

    @Test
    void testMissingFile()
    {
        String missing = "file:" + directory.resolve("data/missing.parquet");
        assertThatThrownBy(() -> factory.createPageSource(SESSION, missing, 0, 100, 100, allColumns(), TupleDomain.all()))
                .hasMessageContaining("missing.parquet");
    }

    private String fileUri()
    {
        // the way Java Iceberg spells local data file locations
        return "file:" + dataFile.getAbsolutePath();
    }

    private MaterializedResult read(ParquetFilePageSourceFactory pageSourceFactory, String path, List<ParquetReadColumn> columns, TupleDomain<ParquetReadColumn> predicate)
    {
        return read(pageSourceFactory, path, columns, predicate, 0, fileSize);
    }

    private MaterializedResult read(ParquetFilePageSourceFactory pageSourceFactory, String path, List<ParquetReadColumn> columns, TupleDomain<ParquetReadColumn> predicate, long start, long length)
    {
        try (ConnectorPageSource pageSource = pageSourceFactory.createPageSource(SESSION, path, start, length, fileSize, columns, predicate)) {
            return MaterializedResult.materializeSourceDataStream(SESSION, pageSource, types(columns));
        }
        catch (IOException e) {
            throw new RuntimeException(e);
        }
    }

    private static long countRows(ConnectorPageSource pageSource)
    {
        long rows = 0;
        while (!pageSource.isFinished()) {
            SourcePage page = pageSource.getNextSourcePage();
            if (page != null) {
                page.getPage();
                rows += page.getPositionCount();
            }
        }
        return rows;
    }

    private static List<ParquetReadColumn> allColumns()
    {
        return SCHEMA.columns().stream()
                .map(field -> ParquetReadColumn.fromIceberg(field, trinoType(field.type())))
                .collect(toImmutableList());
    }

    private static ParquetReadColumn column(String name)
    {
        NestedField field = SCHEMA.findField(name);
        return ParquetReadColumn.fromIceberg(field, trinoType(field.type()));
    }

    private static List<Type> types(List<ParquetReadColumn> columns)
    {
        return columns.stream().map(ParquetReadColumn::type).collect(toImmutableList());
    }

    private static List<String> fieldNames(List<ParquetReadColumn> columns)
    {
        return columns.stream().map(ParquetReadColumn::name).collect(toImmutableList());
    }

    private static Type trinoType(org.apache.iceberg.types.Type type)
    {
        return switch (type) {
            case Types.BooleanType _ -> BOOLEAN;
            case Types.IntegerType _ -> INTEGER;
            case Types.LongType _ -> BIGINT;
            case Types.FloatType _ -> REAL;
            case Types.DoubleType _ -> DOUBLE;
            case Types.DecimalType decimal -> DecimalType.createDecimalType(decimal.precision(), decimal.scale());
            case Types.StringType _ -> VARCHAR;
            case Types.BinaryType _ -> VARBINARY;
            case Types.DateType _ -> DATE;
            case Types.TimestampType timestamp -> timestamp.shouldAdjustToUTC() ? TIMESTAMP_TZ_MICROS : TIMESTAMP_MICROS;
            case Types.ListType list -> new ArrayType(trinoType(list.elementType()));
            case Types.MapType map -> new MapType(trinoType(map.keyType()), trinoType(map.valueType()), TYPE_OPERATORS);
            case Types.StructType struct -> RowType.from(struct.fields().stream()
                    .map(field -> RowType.field(field.name(), trinoType(field.type())))
                    .collect(toImmutableList()));
            default -> throw new IllegalArgumentException("Unsupported type: " + type);
        };
    }

    // Values are a function of the row number, each column with its own pattern of nulls
    private static Record record(int row)
    {
        GenericRecord record = GenericRecord.create(SCHEMA);
        record.setField("id", (long) row);
        record.setField("flag", row % 5 == 0 ? null : row % 2 == 0);
        record.setField("int_value", row % 7 == 0 ? null : row * 3 - 4500);
        record.setField("float_value", row % 11 == 0 ? null : row / 4.0f);
        record.setField("double_value", row % 13 == 0 ? null : row * 1.5 - 0.25);
        record.setField("short_decimal", row % 17 == 0 ? null : BigDecimal.valueOf(row * 101L - 50_000, 2));
        record.setField("medium_decimal", row % 18 == 0 ? null : BigDecimal.valueOf(row * 1_000_000_007L - 999_999_999_999L, 4));
        BigInteger unscaled = BigInteger.valueOf(row).pow(5).multiply(BigInteger.TEN.pow(12)).add(BigInteger.valueOf(row));
        record.setField("long_decimal", row % 19 == 0 ? null : new BigDecimal(row % 2 == 0 ? unscaled : unscaled.negate(), 10));
        record.setField("name", row % 20 == 0 ? null : (row % 3 == 0 ? "naïve-" : "name-") + row);
        record.setField("payload", row % 23 == 0 ? null : ByteBuffer.wrap(("payload-" + row).substring(0, row % 9).getBytes(UTF_8)));
        record.setField("day", row % 29 == 0 ? null : LocalDate.of(1969, 12, 1).plusDays(row));
        LocalDateTime time = LocalDateTime.of(2024, 2, 29, 23, 0).plus(row * 1_234_567L, ChronoUnit.MICROS);
        record.setField("event_time", row % 31 == 0 ? null : time);
        record.setField("event_time_tz", row % 37 == 0 ? null : OffsetDateTime.of(time, ZoneOffset.ofHours(2)));
        if (row % 41 != 0) {
            List<String> tags = new ArrayList<>();
            for (int index = 0; index < row % 4; index++) {
                tags.add(index == 1 && row % 3 == 0 ? null : "tag-" + (row + index) % 10);
            }
            record.setField("tags", tags);
        }
        if (row % 43 != 0) {
            GenericRecord location = GenericRecord.create(SCHEMA.findType("location").asStructType());
            location.setField("city", row % 2 == 0 ? null : "city-" + row % 10);
            location.setField("zip", row % 5 == 0 ? null : row * 7);
            record.setField("location", location);
        }
        if (row % 47 != 0) {
            Map<String, Long> attributes = new HashMap<>();
            for (int index = 0; index < row % 3; index++) {
                attributes.put("key-" + index, index == 1 ? null : row * 10L + index);
            }
            record.setField("attributes", attributes);
        }
        return record;
    }

    private static List<MaterializedRow> expectedRows(IntStream rows, List<String> columnNames)
    {
        return rows.mapToObj(row -> new MaterializedRow(columnNames.stream()
                        .map(name -> expectedValue(row, name))
                        .collect(ArrayList::new, ArrayList::add, ArrayList::addAll)))
                .collect(toImmutableList());
    }

    private static Object expectedValue(int row, String columnName)
    {
        return toTrinoValue(SCHEMA.findType(columnName), record(row).getField(columnName));
    }

    // Converts an Iceberg generic value to what Trino's Type.getObjectValue returns
    private static Object toTrinoValue(org.apache.iceberg.types.Type type, Object value)
    {
        if (value == null) {
            return null;
        }
        return switch (type) {
            case Types.DecimalType decimal -> new SqlDecimal(((BigDecimal) value).unscaledValue(), decimal.precision(), decimal.scale());
            case Types.StringType _ -> value.toString();
            case Types.BinaryType _ -> {
                ByteBuffer buffer = ((ByteBuffer) value).duplicate();
                byte[] bytes = new byte[buffer.remaining()];
                buffer.get(bytes);
                yield new SqlVarbinary(bytes);
            }
            case Types.DateType _ -> new SqlDate((int) ((LocalDate) value).toEpochDay());
            case Types.TimestampType timestamp when timestamp.shouldAdjustToUTC() -> {
                long epochMicros = ChronoUnit.MICROS.between(OffsetDateTime.of(1970, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), (OffsetDateTime) value);
                yield SqlTimestampWithTimeZone.newInstance(6, floorDiv(epochMicros, 1000), floorMod(epochMicros, 1000) * 1_000_000, UTC_KEY);
            }
            case Types.TimestampType _ -> SqlTimestamp.newInstance(6, ChronoUnit.MICROS.between(LocalDateTime.of(1970, 1, 1, 0, 0), (LocalDateTime) value), 0);
            case Types.ListType list -> ((List<?>) value).stream()
                    .map(element -> toTrinoValue(list.elementType(), element))
                    .collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
            case Types.StructType struct -> struct.fields().stream()
                    .map(field -> toTrinoValue(field.type(), ((Record) value).getField(field.name())))
                    .collect(ArrayList::new, ArrayList::add, ArrayList::addAll);
            case Types.MapType map -> {
                Map<Object, Object> converted = new HashMap<>();
                ((Map<?, ?>) value).forEach((key, mapValue) -> converted.put(toTrinoValue(map.keyType(), key), toTrinoValue(map.valueType(), mapValue)));
                yield converted;
            }
            default -> value;
        };
    }

    private static MaterializedRow materializedRow(Object... values)
    {
        return new MaterializedRow(listOf(values));
    }

    private static List<Object> listOf(Object... values)
    {
        // unlike List.of, keeps nulls
        List<Object> list = new ArrayList<>();
        for (Object value : values) {
            list.add(value);
        }
        return list;
    }
}
