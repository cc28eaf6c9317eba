package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.decoding.RecordDecoder;
import io.freshet.ingest.decoding.TreeJsonRecordDecoder;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * CPU time per million events of the write path's stages, each the old way and the new way on the same events in
 * one JVM: decoding (a JSON tree per record, or streaming tokens into the vectors) and writing Parquet (a generic
 * record per row through Iceberg's writer, or column by column from the vectors). The events are those of
 * bin/benchmark. Not part of the suite (the name does not match surefire's patterns); run it with
 * {@code bin/test -pl ingest-worker -Dtest=WritePathBenchmark -Dsurefire.failIfNoSpecifiedTests=false -Dfreshet.benchmark.events=1000000}.
 */
class WritePathBenchmark
{
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "user_id", Types.LongType.get()),
            NestedField.optional(3, "session", Types.StringType.get()),
            NestedField.optional(4, "page", Types.StringType.get()),
            NestedField.optional(5, "referrer", Types.StringType.get()),
            NestedField.optional(6, "price", Types.DoubleType.get()),
            NestedField.optional(7, "quantity", Types.IntegerType.get()),
            NestedField.optional(8, "country", Types.StringType.get()),
            NestedField.optional(9, "device", Types.StringType.get()),
            NestedField.optional(10, "ts", Types.TimestampType.withZone())));
    private static final String[] COUNTRIES = {"NO", "SE", "DK", "FI", "DE", "NL", "FR", "ES", "IT", "PL"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};
    private static final int BATCH_ROWS = 64 * 1024;

    @TempDir
    Path warehouse;

    @Test
    void writePathStages()
            throws Exception
    {
        int events = Integer.getInteger("freshet.benchmark.events", 1_000_000);
        List<byte[]> values = new ArrayList<>(events);
        for (long id = 0; id < events; id++) {
            values.add(event(id));
        }
        Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
        try (BufferAllocator allocator = new RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, new SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE))) {
            ((SupportsNamespaces) catalog).createNamespace(Namespace.of("bench"));
            Table table = catalog.createTable(TableIdentifier.of("bench", "events"), SCHEMA, PartitionSpec.unpartitioned());
            for (int round = 1; round <= 3; round++) {
                List<HotBatch> batches = new ArrayList<>();
                double treeDecode = perMillion(events, () -> decode(new TreeJsonRecordDecoder(table.schema()), values, allocator, null));
                double streamingDecode = perMillion(events, () -> decode(new JsonRecordDecoder(table.schema()), values, allocator, batches));
                long payload = batches.stream().mapToLong(HotBatch::sizeInBytes).sum();
                ParquetFlusher flusher = new ParquetFlusher(table, new InFlightFiles());
                List<DataFile> rowFiles = new ArrayList<>();
                double rowWise = perMillion(events, () -> rowFiles.add(writeRows(flusher, table, batches)));
                List<DataFile> columnFiles = new ArrayList<>();
                double columnar = perMillion(events, () -> columnFiles.addAll(flusher.write(batches)));
                System.out.printf(Locale.ROOT, "round %d, %,d events: decode %.2f s (tree) -> %.2f s (streaming); Parquet %.2f s (generic records) -> %.2f s (columnar) per million events; "
                                + "hot batches %.1f bytes/row allocated for %.1f bytes/row of payload; files %,d bytes (generic records) and %,d bytes (columnar)%n",
                        round, events, treeDecode, streamingDecode, rowWise, columnar,
                        allocator.getAllocatedMemory() / (double) events, payload / (double) events,
                        rowFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum(), columnFiles.stream().mapToLong(DataFile::fileSizeInBytes).sum());
                batches.forEach(HotBatch::release);
                flusher.discard(rowFiles);
                flusher.discard(columnFiles);
            }
        }
        finally {
            ((Closeable) catalog).close();
        }
    }

    private static double perMillion(int events, Runnable stage)
    {
        long start = THREADS.getCurrentThreadCpuTime();
        stage.run();
        return (THREADS.getCurrentThreadCpuTime() - start) / 1e9 / (events / 1e6);
    }

    private static void decode(RecordDecoder decoder, List<byte[]> values, BufferAllocator allocator, List<HotBatch> batches)
    {
        HotBatchBuilder builder = new HotBatchBuilder(allocator, SCHEMA, 0, 0);
        try {
            long offset = 0;
            for (byte[] value : values) {
                decoder.decode(value, builder.vectors(), builder.nextRow());
                builder.completeRow(offset, 1_795_000_000_000L + offset, null, new RecordHeaders());
                offset++;
                if (builder.nextRow() == BATCH_ROWS) {
                    keep(builder.seal(), batches);
                }
            }
            if (builder.hasRows()) {
                keep(builder.seal(), batches);
            }
        }
        catch (Exception e) {
            throw new RuntimeException(e);
        }
        finally {
            builder.close();
        }
    }

    private static void keep(HotBatch batch, List<HotBatch> batches)
    {
        if (batches == null) {
            batch.release();
        }
        else {
            batches.add(batch);
        }
    }

    /** The flush as it was: a generic record per row through Iceberg's Parquet writer. */
    private static DataFile writeRows(ParquetFlusher flusher, Table table, List<HotBatch> batches)
    {
        DataWriter<Record> writer = flusher.newDataFile(flusher.newLocation(0));
        try (writer) {
            GenericRecord record = GenericRecord.create(table.schema());
            for (HotBatch batch : batches) {
                for (int row = 0; row < batch.rowCount(); row++) {
                    ArrowRows.readRow(batch.root().getFieldVectors(), table.schema().asStruct(), row, record);
                    writer.write(record);
                }
            }
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return writer.toDataFile();
    }

    /** The events of bin/benchmark (benchmarks' Events.event). */
    private static byte[] event(long id)
    {
        long seconds = 1_795_000_000L + id / 20_000;
        return String.format(Locale.ROOT,
                "{\"id\":%d,\"user_id\":%d,\"session\":\"s-%08d\",\"page\":\"/products/%d\",\"referrer\":\"https://example.com/search?q=item%d\",\"price\":%d.%02d,\"quantity\":%d,\"country\":\"%s\",\"device\":\"%s\",\"ts\":\"%s\"}",
                id, (id * 7919) % 100_000, id / 10, id % 977, id % 31, id % 500, id % 100, 1 + id % 7,
                COUNTRIES[(int) (id % COUNTRIES.length)], DEVICES[(int) (id % DEVICES.length)],
                Instant.ofEpochSecond(seconds, (id % 20_000) * 50_000L)).getBytes(StandardCharsets.UTF_8);
    }
}
