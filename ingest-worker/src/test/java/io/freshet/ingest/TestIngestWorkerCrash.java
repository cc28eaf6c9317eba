package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.TableBinding;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.testing.TestingKafka;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.expectedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the standalone ingest worker in a child JVM under steady production and kills it with SIGKILL at
 * random moments: after the last restart the table must hold every offset exactly once.
 */
class TestIngestWorkerCrash
{
    // more kills for long runs: -Dfreshet.test.kills=200
    private static final int KILLS = Integer.getInteger("freshet.test.kills", 4);
    private static final long SEED = Long.getLong("freshet.test.seed", System.nanoTime());
    private static final int MAX_RECORDS = 100_000;

    @TempDir
    Path directory;

    @Test
    void killedWorkerResumesFromTheWatermarkExactlyOnce()
            throws Exception
    {
        System.out.println("TestIngestWorkerCrash seed: " + SEED + " (replay with -Dfreshet.test.seed=" + SEED + ")");
        Random random = new Random(SEED);
        Path warehouse = directory.resolve("warehouse");
        TableIdentifier identifier = TableIdentifier.of("shop", "crash");
        try (TestingKafka kafka = new TestingKafka()) {
            kafka.createTopic("crash", 3);
            try (IngestWorker worker = new IngestWorker(settings(kafka.bootstrapServers(), warehouse, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
                ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
                worker.createTable(identifier, List.of(NestedField.optional(1, "id", Types.LongType.get()), NestedField.optional(2, "note", Types.StringType.get())),
                        new TableBinding("crash", "json", Optional.empty(), Optional.empty()), Map.of(), false);
            }
            Path logs = Files.createDirectories(Path.of("target", "crash-test-logs"));
            Path properties = directory.resolve("ingest-worker.properties");
            Files.writeString(properties, """
                    kafka.bootstrap.servers=%s
                    iceberg.jdbc-catalog.default-warehouse-dir=%s
                    freshet.flush.interval=200ms
                    """.formatted(kafka.bootstrapServers(), warehouse));

            java.util.concurrent.atomic.AtomicBoolean killing = new java.util.concurrent.atomic.AtomicBoolean(true);
            java.util.concurrent.atomic.AtomicInteger produced = new java.util.concurrent.atomic.AtomicInteger();
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                // production goes on through every kill and restart
                for (int sent = 0; sent < MAX_RECORDS && killing.get(); sent += 100) {
                    List<String> values = new ArrayList<>();
                    for (int id = sent; id < sent + 100; id++) {
                        values.add("{\"id\": %d, \"note\": \"record %d\"}".formatted(id, id));
                    }
                    kafka.sendAll("crash", 3, values);
                    produced.addAndGet(values.size());
                    sleep(100);
                }
            });
            for (int kill = 0; kill < KILLS; kill++) {
                try (ChildWorker child = new ChildWorker(properties, logs.resolve("worker-" + kill + ".log"))) {
                    sleep(4000 + random.nextInt(5000));
                    child.kill();
                }
            }
            killing.set(false);
            producer.join();

            Map<Integer, Long> endOffsets = kafka.endOffsets("crash");
            try (ChildWorker child = new ChildWorker(properties, logs.resolve("worker-last.log"))) {
                waitUntil("everything is committed (end offsets " + endOffsets + ")", Duration.ofSeconds(120),
                        () -> committedWatermark(warehouse, identifier).nextOffsets().equals(endOffsets), () -> committedWatermark(warehouse, identifier));
            }
            Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
            try {
                Table table = catalog.loadTable(identifier);
                TransactionLog log = new TransactionLog(table);
                assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(endOffsets));

                List<OffsetWatermark> watermarks = log.history().stream().map(TransactionLog.LogEntry::watermark).toList();
                for (int i = 1; i < watermarks.size(); i++) {
                    assertThat(watermarks.get(i).covers(watermarks.get(i - 1))).as("watermark moves forward at commit %s", i).isTrue();
                }
                assertThat(watermarks).isNotEmpty();
                System.out.printf("TestIngestWorkerCrash: %s kills, %s records, %s commits, 0 missing, 0 duplicated%n", KILLS, produced.get(), watermarks.size());
            }
            finally {
                ((Closeable) catalog).close();
            }
        }
    }

    private static OffsetWatermark committedWatermark(Path warehouse, TableIdentifier identifier)
    {
        Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
        try {
            return new TransactionLog(catalog.loadTable(identifier)).current().watermark();
        }
        finally {
            try {
                ((Closeable) catalog).close();
            }
            catch (IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }
    }

    private static void sleep(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }

    /** The standalone worker in its own JVM, on this test's class path. */
    private static final class ChildWorker
            implements AutoCloseable
    {
        private final Process process;

        ChildWorker(Path properties, Path log)
                throws IOException
        {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
            command.add("--sun-misc-unsafe-memory-access=allow");
            command.add("--enable-native-access=ALL-UNNAMED");
            command.add("-Xmx1g");
            command.add("-cp");
            command.add(System.getProperty("java.class.path"));
            command.add(IngestWorkerMain.class.getName());
            command.add(properties.toString());
            process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        /** SIGKILL: no shutdown hook, no flush, no goodbye. */
        void kill()
                throws InterruptedException
        {
            process.destroyForcibly();
            process.waitFor();
        }

        @Override
        public void close()
                throws InterruptedException
        {
            process.destroyForcibly();
            process.waitFor();
        }
    }
}
