package io.freshet.ingest;

import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.FaultInjectingFileIO;
import io.freshet.ingest.testing.FaultInjectingFileIO.FileKind;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.verify.PartitionVerification;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;

import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.verify;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/** Faults a real broker and real Iceberg files meet: bad input of every shape, failing and conflicting commits, and the verifier that judges them. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestIngestFaults
{
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "customer", Types.StringType.get()),
            NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(4, "created", Types.TimestampType.withZone()),
            NestedField.optional(5, "tags", Types.ListType.ofOptional(6, Types.StringType.get())),
            NestedField.optional(7, "address", Types.StructType.of(NestedField.optional(8, "city", Types.StringType.get()))),
            NestedField.optional(9, "attributes", Types.MapType.ofOptional(10, 11, Types.StringType.get(), Types.LongType.get())),
            NestedField.optional(12, "paid", Types.BooleanType.get()));

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @TempDir
    Path warehouse;

    @AfterEach
    void resetFaults()
    {
        FaultInjectingFileIO.reset();
    }

    /** Every shape of bad input is counted and left out, good records of odd shapes are kept, and the partition never stalls. */
    @Test
    void badInputOfEveryShapeIsCountedAndNeverStallsThePartition()
    {
        String topic = "bad_input";
        environment.kafka().createTopic(topic, 1);
        environment.kafka().createTopic(topic + ".dlq", 1);
        List<byte[]> bad = List.of(
                "not json at all".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 1,".getBytes(StandardCharsets.UTF_8),
                "{\"id\": \"seven\"}".getBytes(StandardCharsets.UTF_8),
                "{\"amount\": \"a lot\"}".getBytes(StandardCharsets.UTF_8),
                "{\"created\": \"yesterday\"}".getBytes(StandardCharsets.UTF_8),
                "{\"tags\": {\"not\": \"a list\"}}".getBytes(StandardCharsets.UTF_8),
                "{\"paid\": \"maybe\"}".getBytes(StandardCharsets.UTF_8),
                "[1, 2, 3]".getBytes(StandardCharsets.UTF_8),
                "42".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 1} {\"id\": 2}".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 1, \"id\": 2}".getBytes(StandardCharsets.UTF_8),
                new byte[0],
                new byte[] {'{', '"', 'c', 'u', 's', 't', 'o', 'm', 'e', 'r', '"', ':', '"', (byte) 0xC3, (byte) 0x28, '"', '}'},
                new byte[] {(byte) 0xFF, (byte) 0xFE, 0, 1},
                ("{\"customer\": \"" + "x".repeat(20_000) + "\"}").getBytes(StandardCharsets.UTF_8));
        List<byte[]> good = List.of(
                "{}".getBytes(StandardCharsets.UTF_8),
                "{\"id\": null, \"customer\": null, \"amount\": null, \"created\": null, \"tags\": null, \"address\": null, \"attributes\": null, \"paid\": null}".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 3, \"tags\": [null, \"a\"], \"address\": {\"city\": null}, \"attributes\": {\"k\": null}}".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 4, \"unknown\": {\"deeply\": [1, {\"nested\": true}]}, \"CUSTOMER\": \"upper\"}".getBytes(StandardCharsets.UTF_8),
                "{\"id\": 5, \"customer\": \"z\u00fcrich \u2603 \uD83D\uDE00\"}".getBytes(StandardCharsets.UTF_8));

        Map<String, byte[]> everyHeader = new HashMap<>();
        everyHeader.put("", new byte[0]);
        everyHeader.put("null-value", null);
        everyHeader.put("binary", new byte[] {(byte) 0xFF, 0, (byte) 0x80});
        everyHeader.put("text", "value".getBytes(StandardCharsets.UTF_8));
        everyHeader.put("large", new byte[10_000]);
        int offset = 0;
        List<Integer> badOffsets = new ArrayList<>();
        for (int i = 0; i < Math.max(bad.size(), good.size()); i++) {
            if (i < good.size()) {
                environment.kafka().send(topic, 0, i % 2 == 0 ? null : new byte[] {(byte) 0xC3, (byte) 0x28}, good.get(i), i == 0 ? everyHeader : Map.of());
                offset++;
            }
            if (i < bad.size()) {
                environment.kafka().send(topic, 0, null, bad.get(i), i == 1 ? everyHeader : Map.of());
                badOffsets.add(offset++);
            }
        }
        // a tombstone, and the same header key many times
        environment.kafka().send(topic, 0, "gone".getBytes(StandardCharsets.UTF_8), null, Map.of());
        badOffsets.add(offset++);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.kafka().bootstrapServers(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            RecordHeaders repeated = new RecordHeaders();
            for (int i = 0; i < 100; i++) {
                repeated.add("trace", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
            }
            producer.send(new ProducerRecord<>(topic, 0, (byte[]) null, "{\"id\": 6}".getBytes(StandardCharsets.UTF_8), repeated)).get();
            offset++;
        }
        catch (Exception e) {
            throw new AssertionError(e);
        }
        long end = offset;
        int goodCount = good.size() + 1;

        for (BadRecordPolicy policy : List.of(BadRecordPolicy.SKIP, BadRecordPolicy.DEAD_LETTER)) {
            IngestSettings settings = settings(environment.kafka().bootstrapServers(), warehouse.resolve(policy.name()), Duration.ofHours(1), policy, 16 * 1024);
            try (IngestWorker worker = new IngestWorker(settings)) {
                ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
                TableIdentifier identifier = TableIdentifier.of("shop", "bad_input");
                worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
                TableIngester ingester = worker.ingester(identifier).orElseThrow();
                waitUntil(policy + ": the partition reaches the end of the topic", Duration.ofSeconds(60),
                        () -> ingester.status().partitions().stream().anyMatch(partition -> partition.highWaterMark() == end), ingester::status);

                IngestionStatus status = ingester.status();
                assertThat(status.state()).isEqualTo(IngestionStatus.State.RUNNING);
                assertThat(status.badRecords()).as(policy + " bad records").isEqualTo(badOffsets.size());
                assertThat(status.deadLetteredRecords()).isEqualTo(policy == BadRecordPolicy.DEAD_LETTER ? badOffsets.size() : 0);

                // hot: the verifier tells bad records apart from lost ones
                TableVerification hot = verify(worker, identifier);
                assertThat(hot.exactlyOnce()).as(hot.report()).isTrue();
                assertThat(hot.badRecords()).isEqualTo(badOffsets.size());
                assertThat(hot.tableRows()).isEqualTo(goodCount);

                ingester.flush().join();
                assertThat(new TransactionLog(ingester.table()).current().watermark().nextOffsets()).isEqualTo(Map.of(0, end));
                TableVerification cold = verify(worker, identifier);
                assertThat(cold.exactlyOnce()).as(cold.report()).isTrue();
                assertThat(cold.badRecords()).isEqualTo(badOffsets.size());
                assertThat(cold.tableRows()).isEqualTo(goodCount);
            }
        }
        List<ConsumerRecord<byte[], byte[]>> deadLetters = environment.kafka().readAll(topic + ".dlq");
        assertThat(deadLetters).extracting(record -> Integer.parseInt(new String(record.headers().lastHeader("freshet.source.offset").value(), StandardCharsets.UTF_8)))
                .containsExactlyElementsOf(badOffsets);
        assertThat(deadLetters).allSatisfy(record -> assertThat(record.headers().lastHeader("freshet.error")).isNotNull());
        // the record keeps its own headers, the empty, null and binary ones included
        ConsumerRecord<byte[], byte[]> withHeaders = deadLetters.get(1);
        assertThat(withHeaders.headers().lastHeader("null-value").value()).isNull();
        assertThat(withHeaders.headers().lastHeader("binary").value()).containsExactly((byte) 0xFF, 0, (byte) 0x80);
        assertThat(withHeaders.headers().lastHeader("").value()).isEmpty();

        // FAIL stops at the first bad record with everything before it kept, and the verifier does not count what lies beyond as lost
        IngestSettings failing = settings(environment.kafka().bootstrapServers(), warehouse.resolve("FAIL"), Duration.ofHours(1), BadRecordPolicy.FAIL, 16 * 1024);
        try (IngestWorker worker = new IngestWorker(failing)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "bad_input");
            worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            waitUntil("the table fails", Duration.ofSeconds(60), () -> ingester.status().state() == IngestionStatus.State.FAILED);
            assertThat(ingester.status().failure().orElseThrow()).contains("partition 0 offset " + badOffsets.getFirst(), "set bad_record_policy to SKIP or DEAD_LETTER");
        }
    }

    /** A commit whose metadata or manifest write fails is retried: no append twice, no row lost, the watermark in step with the rows. */
    @Test
    void failedCommitsAreRetriedWithoutDuplicateAppends()
    {
        String topic = "commit_failures";
        environment.kafka().createTopic(topic, 2);
        IngestSettings settings = FaultInjectingFileIO.withFaults(settings(environment.kafka().bootstrapServers(), warehouse.resolve("commits"), Duration.ofHours(1), BadRecordPolicy.SKIP));
        try (IngestWorker worker = new IngestWorker(settings)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "commit_failures");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            int sent = 0;
            for (FileKind kind : FileKind.values()) {
                environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(sent, 200));
                sent += 200;
                int expected = sent;
                waitUntil("records are hot", Duration.ofSeconds(60), () -> ingester.status().partitions().stream().mapToLong(partition -> partition.highWaterMark()).sum() == expected);
                FaultInjectingFileIO.failNth(kind, 1);
                // the first attempt fails inside the write; the flush is retried until it commits
                ingester.flush().join();
                assertThat(FaultInjectingFileIO.fired()).as(kind + " fault fired").isTrue();
                FaultInjectingFileIO.reset();
                TableVerification verification = verify(worker, identifier);
                assertThat(verification.exactlyOnce()).as(kind + ": " + verification.report()).isTrue();
                assertThat(verification.tableRows()).isEqualTo(sent);
            }
            assertThat(liveDataFiles(table)).as("every committed file is live once").doesNotHaveDuplicates();
            table.refresh();
            assertThat(Long.parseLong(table.currentSnapshot().summary().get("total-records"))).isEqualTo(sent);
            assertThat(new TransactionLog(table).history()).filteredOn(entry -> !entry.claim()).hasSize(FileKind.values().length);
        }
    }

    /**
     * A storage outage fails every commit for a while: each retry commits the files the flush already wrote
     * instead of writing the hot buffer again, retries back off, and once storage is back the same files land.
     */
    @Test
    void commitRetriesDuringAnOutageReuseTheWrittenFiles()
            throws Exception
    {
        String topic = "storage_outage";
        environment.kafka().createTopic(topic, 2);
        IngestSettings settings = FaultInjectingFileIO.withFaults(settings(environment.kafka().bootstrapServers(), warehouse.resolve("outage"), Duration.ofHours(1), BadRecordPolicy.SKIP));
        try (IngestWorker worker = new IngestWorker(settings)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "storage_outage");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(0, 400));
            waitUntil("records are hot", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().equals(environment.kafka().endOffsets(topic)), ingester::status);

            FaultInjectingFileIO.failAll(FileKind.MANIFEST);
            CompletableFuture<?> flushed = ingester.flush();
            // three attempts: the first one and two retries, one and two seconds apart
            waitUntil("three commit attempts failed", Duration.ofSeconds(60), () -> FaultInjectingFileIO.failures() >= 3, ingester::status);
            assertThat(flushed).isNotDone();
            assertThat(FaultInjectingFileIO.written(FileKind.DATA_FILE)).as("data files written: one per Kafka partition, not one per attempt").isEqualTo(2);
            assertThat(ingester.status().state()).isEqualTo(IngestionStatus.State.RUNNING);

            FaultInjectingFileIO.reset();
            flushed.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ingester.status().state()).isEqualTo(IngestionStatus.State.RUNNING);
            TableVerification verification = verify(worker, identifier);
            assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
            assertThat(verification.tableRows()).isEqualTo(400);
            assertThat(liveDataFiles(table)).hasSize(2);
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(Path.of(java.net.URI.create(table.location()).getPath()))) {
                assertThat(files.filter(file -> file.toString().endsWith(".parquet")).count()).as("no data file left behind by the retries").isEqualTo(2);
            }
        }
    }

    /**
     * A commit lands but its outcome cannot be read (the catalog answers, storage does not), and more
     * records arrive meanwhile: the retry recognises its own snapshot instead of taking it for a second writer.
     */
    @Test
    void retryRecognisesItsOwnLandedCommit()
            throws Exception
    {
        String topic = "landed_commit";
        environment.kafka().createTopic(topic, 2);
        IngestSettings settings = FaultInjectingFileIO.withFaults(settings(environment.kafka().bootstrapServers(), warehouse.resolve("landed"), Duration.ofHours(1), BadRecordPolicy.SKIP));
        try (IngestWorker worker = new IngestWorker(settings)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "landed_commit");
            worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(0, 200));
            waitUntil("records are hot", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().equals(environment.kafka().endOffsets(topic)), ingester::status);

            FaultInjectingFileIO.failReadsAfterNextWrite(FileKind.TABLE_METADATA);
            CompletableFuture<?> flushed = ingester.flush();
            waitUntil("the landed commit and a retry cannot read the table", Duration.ofSeconds(60), () -> FaultInjectingFileIO.failures() >= 3, ingester::status);
            environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(200, 100));
            waitUntil("more records are hot", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().equals(environment.kafka().endOffsets(topic)), ingester::status);

            FaultInjectingFileIO.reset();
            flushed.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(ingester.status().state()).as(String.valueOf(ingester.status().failure())).isEqualTo(IngestionStatus.State.RUNNING);
            ingester.flush().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(new TransactionLog(ingester.table()).current().watermark().nextOffsets()).isEqualTo(environment.kafka().endOffsets(topic));
            TableVerification verification = verify(worker, identifier);
            assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
            assertThat(verification.tableRows()).isEqualTo(300);
        }
    }

    /**
     * A restart, as ALTER TABLE ... SET PROPERTIES makes one, while a flush is still committing waits for that
     * commit, however long it takes: two ingesters never commit to one table.
     */
    @Test
    void restartWaitsForTheCommitInFlight()
            throws Exception
    {
        String topic = "restart_overlap";
        environment.kafka().createTopic(topic, 2);
        IngestSettings settings = FaultInjectingFileIO.withFaults(settings(environment.kafka().bootstrapServers(), warehouse.resolve("restart"), Duration.ofHours(1), BadRecordPolicy.SKIP));
        try (IngestWorker worker = new IngestWorker(settings)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "restart_overlap");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(0, 200));
            waitUntil("records are hot", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().equals(environment.kafka().endOffsets(topic)), ingester::status);

            FaultInjectingFileIO.holdNext(FileKind.TABLE_METADATA);
            CompletableFuture<?> flushed = ingester.flush();
            waitUntil("the commit is held", Duration.ofSeconds(60), FaultInjectingFileIO::fired, ingester::status);
            CompletableFuture<TableIngester> restarted = CompletableFuture.supplyAsync(() -> {
                worker.stop(identifier);
                return worker.start(identifier);
            });
            // longer than a stop ever waited before: the restart must still wait for the commit
            Thread.sleep(Duration.ofSeconds(65));
            assertThat(restarted).as("the restarted ingester waits for the commit in flight").isNotDone();

            FaultInjectingFileIO.release();
            TableIngester next = restarted.get(60, java.util.concurrent.TimeUnit.SECONDS);
            flushed.get(60, java.util.concurrent.TimeUnit.SECONDS);
            environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(200, 100));
            waitUntil("the restarted ingester has the new records", Duration.ofSeconds(60), () -> next.buffer().highWaterMarks().equals(environment.kafka().endOffsets(topic)), next::status);
            next.flush().get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertThat(next.status().state()).isEqualTo(IngestionStatus.State.RUNNING);
            TableVerification verification = verify(worker, identifier);
            assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
            assertThat(verification.tableRows()).isEqualTo(300);
            assertThat(new TransactionLog(table).history()).filteredOn(entry -> !entry.claim()).hasSize(2);
        }
    }

    /** Commits of another writer that do not move the watermark (upkeep, property changes) make ours retry, never append twice. */
    @Test
    void concurrentCommitsAreRetriedWithoutDuplicateAppends()
            throws Exception
    {
        String topic = "commit_conflicts";
        environment.kafka().createTopic(topic, 2);
        IngestSettings settings = settings(environment.kafka().bootstrapServers(), warehouse.resolve("conflicts"), Duration.ofMillis(50), BadRecordPolicy.SKIP);
        try (IngestWorker worker = new IngestWorker(settings);
                IngestWorker upkeep = new IngestWorker(settings)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "commit_conflicts");
            worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            Catalog other = upkeep.catalog();
            AtomicBoolean running = new AtomicBoolean(true);
            CompletableFuture<Integer> conflicting = CompletableFuture.supplyAsync(() -> {
                int commits = 0;
                while (running.get()) {
                    Table table = other.loadTable(identifier);
                    if (commits % 2 == 0) {
                        table.updateProperties().set("upkeep.run", Integer.toString(commits)).commit();
                    }
                    else {
                        // a commit with no watermark of its own, as another engine's would be
                        table.newFastAppend().set("upkeep.note", "empty").commit();
                    }
                    commits++;
                    // a few commits a second, as busy upkeep makes: a writer committing back to back without pause
                    // wins every race against an ingest commit, which writes more files per attempt
                    sleepMillis(50);
                }
                return commits;
            });
            // records keep arriving for about two seconds, so that ingest commits and the other writer's interleave
            // however fast either side is
            for (int sent = 0; sent < 6000; sent += 300) {
                environment.kafka().sendAll(topic, 2, TestIngestWorker.orders(sent, 300));
                Thread.sleep(100);
            }
            waitUntil("everything is committed", Duration.ofSeconds(60),
                    () -> new TransactionLog(ingester.table()).current().watermark().nextOffsets().equals(environment.kafka().endOffsets(topic)), ingester::status);
            running.set(false);
            assertThat(conflicting.get()).isGreaterThan(10);
            assertThat(ingester.status().state()).isEqualTo(IngestionStatus.State.RUNNING);
            TableVerification verification = verify(worker, identifier);
            assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
            assertThat(verification.tableRows()).isEqualTo(6000);
        }
    }

    /** The verifier finds what a broken table holds twice or lacks, and does not take the gaps of transactional topics for losses. */
    @Test
    void verifierFindsDuplicatesAndLossesAndSkipsTransactionMarkers()
            throws Exception
    {
        String topic = "verified";
        environment.kafka().createTopic(topic, 2);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, environment.kafka().bootstrapServers(),
                ProducerConfig.TRANSACTIONAL_ID_CONFIG, "verified-producer",
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            producer.initTransactions();
            for (int transaction = 0; transaction < 10; transaction++) {
                producer.beginTransaction();
                for (int i = 0; i < 20; i++) {
                    producer.send(new ProducerRecord<>(topic, i % 2, null, "{\"id\": %d}".formatted(transaction * 20 + i).getBytes(StandardCharsets.UTF_8)));
                }
                if (transaction % 3 == 2) {
                    producer.abortTransaction();
                }
                else {
                    producer.commitTransaction();
                }
            }
        }
        // 7 committed transactions of 10 records per partition; markers and aborted records take offsets too
        int committedRecords = 7 * 20;
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("verified"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "verified");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            Map<Integer, Long> endOffsets = environment.kafka().endOffsets(topic);
            waitUntil("the topic is consumed", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().equals(endOffsets), ingester::status);

            TableVerification hot = verify(worker, identifier);
            assertThat(hot.exactlyOnce()).as(hot.report()).isTrue();
            assertThat(hot.kafkaRecords()).isEqualTo(committedRecords);
            assertThat(hot.tableRows()).isEqualTo(committedRecords);
            assertThat(hot.partitions()).extracting(PartitionVerification::checkedUntilOffset).containsExactly(endOffsets.get(0), endOffsets.get(1));

            ingester.flush().join();
            // break the table on purpose: the first data file appended a second time, as a duplicate commit would
            table.refresh();
            DataFile first = liveDataFiles(table).getFirst();
            long duplicatedRows = first.recordCount();
            int duplicatedPartition = partitionOf(table, first);
            table.newFastAppend().appendFile(first).commit();
            TableVerification broken = verifyCommitted(worker, table);
            assertThat(broken.exactlyOnce()).isFalse();
            assertThat(broken.duplicated()).isEqualTo(duplicatedRows);
            assertThat(broken.missing()).isZero();
            assertThat(broken.partitions().get(duplicatedPartition).examples()).first().asString().startsWith("duplicated ");

            // and a data file dropped: its offsets are missing, not merely absent
            table.newDelete().deleteFile(first.location()).commit();
            TableVerification lost = verifyCommitted(worker, table);
            assertThat(lost.missing()).isEqualTo(duplicatedRows);
            assertThat(lost.duplicated()).isZero();
            assertThat(lost.report()).contains("FAILED: " + duplicatedRows + " missing");
        }
    }

    /** The table's current snapshot, with commits of other writers, against its topic. */
    private static TableVerification verifyCommitted(IngestWorker worker, Table table)
    {
        table.refresh();
        return new TableVerifier(worker.settings()).verify(table.name(), table.schema(), TableBinding.fromTableProperties(table.properties()).orElseThrow(), TableContents.committed(table));
    }

    private static List<DataFile> liveDataFiles(Table table)
    {
        table.refresh();
        List<DataFile> files = new ArrayList<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> files.add(task.file()));
        }
        catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return files;
    }

    private static int partitionOf(Table table, DataFile file)
    {
        String name = file.location().substring(file.location().lastIndexOf('/') + 1);
        return Integer.parseInt(name.substring(0, 5));
    }

    private static void sleepMillis(long millis)
    {
        try {
            Thread.sleep(millis);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new RuntimeException(e);
        }
    }
}
