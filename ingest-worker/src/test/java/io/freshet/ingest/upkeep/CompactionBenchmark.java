package io.freshet.ingest.upkeep;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.ingest.upkeep.Compactor.CompactionResult;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Compaction figures for a streaming workload: many flushes leave small files, one compaction rewrites
 * them. Not part of the suite (the name does not match surefire's patterns); run it with
 * {@code bin/test -pl ingest-worker -Dtest=CompactionBenchmark -Dsurefire.failIfNoSpecifiedTests=false}
 * and the sizes {@code -Dfreshet.benchmark.rounds=40 -Dfreshet.benchmark.events-per-round=20000}.
 */
class CompactionBenchmark
{
    private static final int PARTITIONS = 4;
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "customer", Types.StringType.get()),
            NestedField.optional(3, "country", Types.StringType.get()),
            NestedField.optional(4, "amount", Types.DoubleType.get()),
            NestedField.optional(5, "quantity", Types.IntegerType.get()),
            NestedField.optional(6, "status", Types.StringType.get()),
            NestedField.optional(7, "created", Types.TimestampType.withZone()),
            NestedField.optional(8, "sku", Types.StringType.get()),
            NestedField.optional(9, "channel", Types.StringType.get()),
            NestedField.optional(10, "note", Types.StringType.get()));

    @TempDir
    Path warehouse;

    @Test
    void compactSmallFiles()
            throws Exception
    {
        int rounds = Integer.getInteger("freshet.benchmark.rounds", 40);
        int eventsPerRound = Integer.getInteger("freshet.benchmark.events-per-round", 20_000);
        try (TestingKafka kafka = new TestingKafka();
                IngestWorker worker = new IngestWorker(settings(kafka.bootstrapServers(), warehouse, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            kafka.createTopic("orders", PARTITIONS);
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("bench"));
            TableIdentifier identifier = TableIdentifier.of("bench", "orders");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding("orders", "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            long produced = 0;
            for (int round = 0; round < rounds; round++) {
                kafka.sendAll("orders", PARTITIONS, events(produced, eventsPerRound));
                produced += eventsPerRound;
                long expected = produced;
                waitUntil("round is consumed", Duration.ofMinutes(5), () -> ingester.status().consumedRecords() >= expected);
                ingester.flush().join();
            }
            FileStats before = fileStats(table);

            CompactionResult result = worker.upkeep(identifier).compact(128L << 20, 2, true);

            FileStats after = fileStats(table);
            assertThat(committedOffsets(table)).hasSize((int) produced);
            double seconds = result.nanos() / 1e9;
            System.out.printf("compaction benchmark: %,d rows in %d rounds%n", produced, rounds);
            System.out.printf("  before: %,d files, %,d bytes, average %,d bytes%n", before.files(), before.bytes(), before.bytes() / before.files());
            System.out.printf("  after:  %,d files, %,d bytes, average %,d bytes%n", after.files(), after.bytes(), after.bytes() / after.files());
            System.out.printf("  %.2f s: %.1f MB/s read, %.1f MB/s written, %,.0f rows/s%n", seconds, result.bytesRead() / 1e6 / seconds, result.bytesWritten() / 1e6 / seconds, result.rows() / seconds);
        }
    }

    private static List<String> events(long firstId, int count)
    {
        // a random note per event keeps the Parquet files about as compressible as real order events
        java.util.Random random = new java.util.Random(firstId);
        return IntStream.range(0, count)
                .mapToObj(index -> {
                    long id = firstId + index;
                    return ("{\"id\": %d, \"customer\": \"customer-%d\", \"country\": \"%s\", \"amount\": %d.25, \"quantity\": %d, \"status\": \"%s\", "
                            + "\"created\": \"2026-11-28T10:%02d:%02d.123456Z\", \"sku\": \"SKU-%05d\", \"channel\": \"%s\", \"note\": \"%s\"}")
                            .formatted(id, id % 5000, id % 2 == 0 ? "DE" : "FR", id % 997, id % 9 + 1, id % 3 == 0 ? "PAID" : "OPEN",
                                    id % 60, id % 59, id % 20000, id % 2 == 0 ? "web" : "app", Long.toHexString(random.nextLong()) + Long.toHexString(random.nextLong()));
                })
                .toList();
    }

    private static FileStats fileStats(Table table)
            throws IOException
    {
        table.refresh();
        long files = 0;
        long bytes = 0;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            for (FileScanTask task : tasks) {
                files++;
                bytes += task.file().fileSizeInBytes();
            }
        }
        return new FileStats(files, bytes);
    }

    private record FileStats(long files, long bytes) {}
}
