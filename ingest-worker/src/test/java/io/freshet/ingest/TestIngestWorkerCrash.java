package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.catalog.LocalFileIO;
import io.freshet.ingest.commit.LogEntry;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.settings.UpkeepSettings;
import io.freshet.ingest.testing.FaultInjectingFileIO;
import io.freshet.ingest.testing.FaultInjectingFileIO.FileKind;
import io.freshet.ingest.testing.FaultInjectingWorkerMain;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.ingest.upkeep.OrphanFileCleaner.OrphanResult;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
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
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs the standalone ingest worker in a child JVM under steady production and crashes it again and again:
 * with SIGKILL at a random moment, or by halting it from inside the write of a Parquet data file, a
 * manifest, a manifest list or the table metadata of a commit. After the last restart the verifier must find
 * every offset of the topic in the table exactly once, and the transaction log a watermark that never
 * moves back.
 */
class TestIngestWorkerCrash
{
    // longer runs: -Dfreshet.test.kills=200; replay one: -Dfreshet.test.seed=<printed seed>
    private static final int KILLS = Integer.getInteger("freshet.test.kills", 20);
    private static final long SEED = Long.getLong("freshet.test.seed", System.nanoTime());
    private static final int PARTITIONS = 3;
    // the crash of each round, taken in turn so that every kind lands in a run of 20
    private static final List<Optional<FileKind>> CRASHES = List.of(
            Optional.empty(), Optional.of(FileKind.DATA_FILE), Optional.of(FileKind.MANIFEST), Optional.of(FileKind.TABLE_METADATA),
            Optional.empty(), Optional.of(FileKind.MANIFEST_LIST));

    @TempDir
    Path directory;

    @Test
    void crashedWorkerResumesFromTheWatermarkExactlyOnce()
            throws Exception
    {
        System.out.println("TestIngestWorkerCrash seed: " + SEED + " (replay with -Dfreshet.test.seed=" + SEED + ")");
        long started = System.nanoTime();
        Random random = new Random(SEED);
        Path warehouse = directory.resolve("warehouse");
        TableIdentifier identifier = TableIdentifier.of("shop", "crash");
        try (TestingKafka kafka = new TestingKafka()) {
            kafka.createTopic("crash", PARTITIONS);
            IngestSettings settings = settings(kafka.bootstrapServers(), warehouse, Duration.ofMillis(200), BadRecordPolicy.SKIP);
            try (IngestWorker worker = new IngestWorker(settings)) {
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

            AtomicBoolean producing = new AtomicBoolean(true);
            AtomicLong produced = new AtomicLong();
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                // production goes on through every crash and restart
                for (int sent = 0; producing.get(); sent += 100) {
                    List<String> values = new ArrayList<>();
                    for (int id = sent; id < sent + 100; id++) {
                        values.add("{\"id\": %d, \"note\": \"record %d\"}".formatted(id, id));
                    }
                    kafka.sendAll("crash", PARTITIONS, values);
                    produced.addAndGet(values.size());
                    sleep(50);
                }
            });
            Map<FileKind, Integer> landed = new EnumMap<>(FileKind.class);
            int signalled = 0;
            for (int kill = 0; kill < KILLS; kill++) {
                Optional<FileKind> crash = CRASHES.get(kill % CRASHES.size());
                List<String> options = crash
                        .map(kind -> List.of("-D" + FaultInjectingFileIO.CRASH_POINT_PROPERTY + "=" + kind, "-D" + FaultInjectingFileIO.CRASH_AFTER_PROPERTY + "=" + (1 + random.nextInt(6))))
                        .orElse(List.of());
                Path log = logs.resolve("worker-" + kill + ".log");
                try (ChildWorker child = new ChildWorker(properties, log, options)) {
                    if (crash.isPresent()) {
                        // the child halts itself inside the chosen write; a SIGKILL follows if it never gets there
                        if (child.awaitExit(Duration.ofSeconds(20)) && Files.readString(log).contains(FaultInjectingFileIO.CRASH_MARKER + " " + crash.get())) {
                            landed.merge(crash.get(), 1, Integer::sum);
                        }
                    }
                    else {
                        sleep(1000 + random.nextInt(4000));
                        signalled++;
                    }
                    child.kill();
                }
            }
            producing.set(false);
            producer.join();

            Map<Integer, Long> endOffsets = kafka.endOffsets("crash");
            try (ChildWorker _ = new ChildWorker(properties, logs.resolve("worker-last.log"), List.of())) {
                waitUntil("everything is committed (end offsets " + endOffsets + ")", Duration.ofSeconds(120),
                        () -> committedWatermark(warehouse, identifier).nextOffsets().equals(endOffsets), () -> committedWatermark(warehouse, identifier));
            }
            Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
            try {
                Table table = catalog.loadTable(identifier);
                TableVerification verification = new TableVerifier(settings)
                        .verify(identifier.toString(), table.schema(), new TableBinding("crash", "json", Optional.empty(), Optional.empty()), TableContents.committed(table));
                assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
                assertThat(verification.kafkaRecords()).isEqualTo(produced.get());
                assertThat(verification.tableRows()).isEqualTo(produced.get());
                assertThat(verification.notYetIngested()).isZero();

                List<OffsetWatermark> watermarks = new TransactionLog(table).history().stream().map(LogEntry::watermark).toList();
                assertThat(watermarks).isNotEmpty();
                for (int i = 1; i < watermarks.size(); i++) {
                    assertThat(watermarks.get(i).covers(watermarks.get(i - 1))).as("watermark moves forward at commit %s", i).isTrue();
                }
                // the command line verifier agrees
                Path report = logs.resolve("verify.log");
                Process verifier = new ProcessBuilder(javaCommand(List.of(), IngestWorkerMain.class.getName(), "verify", properties.toString(), identifier.toString()))
                        .redirectErrorStream(true).redirectOutput(report.toFile()).start();
                assertThat(verifier.waitFor(60, TimeUnit.SECONDS)).isTrue();
                assertThat(verifier.exitValue()).as(Files.readString(report)).isZero();
                assertThat(Files.readString(report)).contains("OK: every record Kafka retains");

                // crashes leave half-written files behind: once old enough, orphan cleanup deletes them and nothing the table needs
                Instant aged = Instant.now().minus(Duration.ofHours(2));
                try (Stream<Path> files = Files.walk(LocalFileIO.toPath(table.location()))) {
                    for (Path file : files.filter(Files::isRegularFile).toList()) {
                        Files.setLastModifiedTime(file, FileTime.from(aged));
                    }
                }
                TableUpkeepTasks upkeep = new TableUpkeepTasks(identifier, table, Optional.empty(), UpkeepSettings.DEFAULT);
                OrphanResult orphans = upkeep.removeOrphanFiles(Duration.ofHours(1));
                if (KILLS >= CRASHES.size()) {
                    assertThat(orphans.deletedFiles()).as("files left by crashes inside writes").isPositive();
                }
                TableVerification afterCleanup = new TableVerifier(settings)
                        .verify(identifier.toString(), table.schema(), new TableBinding("crash", "json", Optional.empty(), Optional.empty()), TableContents.committed(catalog.loadTable(identifier)));
                assertThat(afterCleanup.exactlyOnce()).as(afterCleanup.report()).isTrue();
                assertThat(upkeep.removeOrphanFiles(Duration.ofHours(1)).deletedFiles()).isZero();

                // every crash point was reached inside its write at least once, not merely scheduled
                if (KILLS >= CRASHES.size()) {
                    assertThat(landed.keySet()).as("crash points that landed").containsExactlyInAnyOrder(FileKind.values());
                }
                System.out.printf("TestIngestWorkerCrash: seed %s, %s crashes (%s SIGKILL at random moments, inside writes: %s), %s records produced, %s commits, %s missing, %s duplicated, %s extra, %s orphan files removed, %s s%n",
                        SEED, KILLS, signalled, landed, produced.get(), watermarks.size(), verification.missing(), verification.duplicated(), verification.extra(), orphans.deletedFiles(),
                        TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - started));
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
                throw new UncheckedIOException(e);
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

    /** A JVM running a main class on this test's class path. */
    private static List<String> javaCommand(List<String> options, String mainClass, String... arguments)
    {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("--add-opens=java.base/java.nio=ALL-UNNAMED");
        command.add("--sun-misc-unsafe-memory-access=allow");
        command.add("--enable-native-access=ALL-UNNAMED");
        command.add("-Xmx512m");
        command.add("-XX:TieredStopAtLevel=1");
        command.addAll(options);
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add(mainClass);
        command.addAll(List.of(arguments));
        return command;
    }

    /** The standalone worker in its own JVM, on this test's class path. */
    private static final class ChildWorker
            implements AutoCloseable
    {
        private final Process process;

        ChildWorker(Path properties, Path log, List<String> options)
                throws IOException
        {
            process = new ProcessBuilder(javaCommand(options, FaultInjectingWorkerMain.class.getName(), properties.toString())).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        }

        boolean awaitExit(Duration timeout)
                throws InterruptedException
        {
            return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
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
            kill();
        }
    }
}
