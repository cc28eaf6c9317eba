package io.freshet.ingest.flush;

import io.freshet.ingest.catalog.LocalFileIO;
import org.apache.iceberg.Schema;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileAppender;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Iceberg's generic Parquet writer and reader, the path compaction takes, with every codec a table may name: they
 * create Hadoop configurations and codecs, so this proves the trimmed Hadoop the plugin bundles has what they load.
 */
class TestGenericParquetCodecs
{
    private static final Schema SCHEMA = new Schema(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "note", Types.StringType.get()));

    @ParameterizedTest
    @ValueSource(strings = {"zstd", "snappy", "gzip", "lz4_raw", "uncompressed"})
    void writesAndReadsBackWithEveryCodec(String codec)
            throws IOException
    {
        Path directory = Files.createTempDirectory("generic-parquet");
        try (LocalFileIO io = new LocalFileIO()) {
            String location = directory.resolve("rows-" + codec + ".parquet").toUri().toString();
            List<Record> written = new ArrayList<>();
            try (FileAppender<Record> appender = Parquet.write(io.newOutputFile(location))
                    .schema(SCHEMA)
                    .createWriterFunc(GenericParquetWriter::create)
                    .set("write.parquet.compression-codec", codec)
                    .build()) {
                for (long id = 0; id < 1000; id++) {
                    Record record = GenericRecord.create(SCHEMA);
                    record.setField("id", id);
                    record.setField("note", "note " + id % 7);
                    appender.add(record);
                    written.add(record);
                }
            }
            List<Record> read = new ArrayList<>();
            try (CloseableIterable<Record> rows = Parquet.read(io.newInputFile(location))
                    .project(SCHEMA)
                    .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(SCHEMA, fileSchema))
                    .build()) {
                rows.forEach(read::add);
            }
            assertThat(read).containsExactlyElementsOf(written);
        }
    }
}
