package io.freshet.ingest;

import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingIngest.PartitionOffset;
import io.freshet.ingest.verify.TableVerification;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.committedRecords;
import static io.freshet.ingest.testing.TestingIngest.expectedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestIngestWorker
{
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "customer", Types.StringType.get()),
            NestedField.optional(3, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(4, "created", Types.TimestampType.withZone()),
            NestedField.optional(5, "tags", Types.ListType.ofOptional(6, Types.StringType.get())));

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @TempDir
    Path warehouse;

    @Test
    void hotRowsThenCommittedRowsExactlyOnceAcrossRestart()
    {
        String topic = "orders_restart";
        environment.kafka().createTopic(topic, 3);
        TableIdentifier identifier = TableIdentifier.of("sales", "orders");
        environment.kafka().sendAll(topic, 3, orders(0, 300));

        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("a"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("sales"));
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(identifier).orElseThrow();

            waitUntil("all records are hot", Duration.ofSeconds(60), () -> hotRows(ingester) == 300);
            try (HotCut cut = ingester.buffer().cut("query-1")) {
                // the only snapshot is the claim of the partitions, which adds no rows
                assertThat(cut.watermark().nextOffsets()).isEmpty();
                assertThat(cut.ranges()).extracting(HotCut.HotRange::offsetCount).containsExactly(100L, 100L, 100L);
            }
            assertThat(committedOffsets(table)).isEmpty();

            ingester.flush().join();
            OffsetWatermark watermark = new TransactionLog(table).current().watermark();
            assertThat(watermark.nextOffsets()).isEqualTo(Map.of(0, 100L, 1, 100L, 2, 100L));
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            assertThat(hotRows(ingester)).isZero();
            // the figures the metrics publish: one flush and commit, its bytes those of the files the snapshot added
            table.refresh();
            long addedBytes = 0;
            for (DataFile file : table.currentSnapshot().addedDataFiles(table.io())) {
                addedBytes += file.fileSizeInBytes();
            }
            assertThat(ingester.stages().getFlushes()).isEqualTo(1);
            assertThat(ingester.stages().getCommits()).isEqualTo(1);
            assertThat(ingester.stages().getFlushedBytes()).isEqualTo(addedBytes).isPositive();
            assertThat(ingester.stages().getLastCommitNanos()).isPositive().isEqualTo(ingester.stages().getCommitNanos());
            assertThat(ingester.status().commits()).isEqualTo(1);
            assertThat(stagesMBeans("sales.orders")).hasSize(1);

            Record first = committedRecords(table).stream().filter(record -> record.getField("id").equals(7L)).findFirst().orElseThrow();
            assertThat(first.getField("customer")).isEqualTo("customer-7");
            assertThat(first.getField("amount").toString()).isEqualTo("7.50");
            assertThat(first.getField("tags")).isEqualTo(List.of("a", "b"));
            assertThat(first.getField("_key")).isEqualTo("7");

            environment.kafka().sendAll(topic, 3, orders(300, 150));
            waitUntil("new records are hot", Duration.ofSeconds(60), () -> hotRows(ingester) == 150);
        }
        assertThat(stagesMBeans("sales.orders")).as("withdrawn when ingestion stops").isEmpty();

        // restart: the 150 uncommitted records are consumed again from the watermark, nothing twice
        environment.kafka().sendAll(topic, 3, orders(450, 60));
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("a"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            worker.startAll();
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            waitUntil("uncommitted records are hot again", Duration.ofSeconds(60), () -> hotRows(ingester) == 210);
            ingester.flush().join();
            Table table = worker.catalog().loadTable(identifier);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            assertThat(new TransactionLog(table).history())
                    .filteredOn(entry -> !entry.claim())
                    .extracting(entry -> entry.watermark().nextOffsets().values().stream().mapToLong(Long::longValue).sum())
                    .containsExactly(300L, 510L);
        }
    }

    @Test
    void badRecordsAreCountedAndDeadLettered()
    {
        String topic = "payments_bad";
        environment.kafka().createTopic(topic, 1);
        environment.kafka().createTopic(topic + ".dlq", 1);
        environment.kafka().send(topic, 0, "1", "{\"id\": 1, \"customer\": \"ok\"}");
        environment.kafka().send(topic, 0, "2", "not json at all");
        environment.kafka().send(topic, 0, "3", "{\"id\": \"seven\"}");
        environment.kafka().send(topic, 0, "4", null);
        environment.kafka().send(topic, 0, "5", "{\"id\": 5, \"tags\": {\"not\": \"a list\"}}");
        environment.kafka().send(topic, 0, "6", "{\"id\": 6, \"unknown_field\": true, \"CUSTOMER\": \"upper\"}");
        environment.kafka().send(topic, 0, "7", "{\"id\": 7, \"customer\": \"%s\"}".formatted("x".repeat(5000)));

        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("b"), Duration.ofHours(1), BadRecordPolicy.DEAD_LETTER, 4096))) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("sales"));
            Table table = worker.createTable(TableIdentifier.of("sales", "payments"), COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester ingester = worker.ingester(TableIdentifier.of("sales", "payments")).orElseThrow();
            waitUntil("all records are consumed", Duration.ofSeconds(60), () -> ingester.status().partitions().stream().anyMatch(partition -> partition.highWaterMark() == 7));
            ingester.flush().join();

            IngestionStatus status = ingester.status();
            assertThat(status.badRecords()).isEqualTo(5);
            assertThat(status.deadLetteredRecords()).isEqualTo(5);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrder(new PartitionOffset(0, 0), new PartitionOffset(0, 5));
            assertThat(committedRecords(table)).extracting(record -> record.getField("customer")).containsExactlyInAnyOrder("ok", "upper");
            assertThat(new TransactionLog(table).current().watermark().nextOffsets()).isEqualTo(Map.of(0, 7L));

            List<ConsumerRecord<byte[], byte[]>> deadLetters = environment.kafka().readAll(topic + ".dlq");
            assertThat(deadLetters).hasSize(5);
            assertThat(deadLetters).extracting(record -> new String(record.headers().lastHeader("freshet.source.offset").value(), StandardCharsets.UTF_8))
                    .containsExactly("1", "2", "3", "4", "6");
            assertThat(new String(deadLetters.get(4).headers().lastHeader("freshet.error").value(), StandardCharsets.UTF_8))
                    .contains("exceeds freshet.max-record-size");
            assertThat(new String(deadLetters.get(1).headers().lastHeader("freshet.error").value(), StandardCharsets.UTF_8))
                    .isEqualTo("field id: expected an integer, found \"seven\"");
        }
    }

    /** A producer far above what the table ingests, with a small buffer cap: memory stays near the cap, lag grows and drains, nothing is lost. */
    @Test
    void fullHotBufferPausesConsumptionAndCommitsInsteadOfGrowing()
            throws Exception
    {
        String topic = "clicks_backpressure";
        environment.kafka().createTopic(topic, 2);
        int records = 100_000;
        long cap = 2L << 20;
        IngestSettings base = settings(environment.kafka().bootstrapServers(), warehouse.resolve("d"), Duration.ofHours(1), BadRecordPolicy.SKIP);
        IngestSettings small = base.withKafkaProperties(Map.of("bootstrap.servers", environment.kafka().bootstrapServers(), "max.poll.records", "500")).withHotBufferMaxBytes(cap);
        try (IngestWorker worker = new IngestWorker(small)) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("sales"));
            TableIdentifier identifier = TableIdentifier.of("sales", "clicks");
            Table table = worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TransactionLog log = new TransactionLog(table);
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            // the producer writes while the table ingests, in bursts the table cannot keep up with
            CompletableFuture<Void> producer = CompletableFuture.runAsync(() -> {
                for (int first = 0; first < records; first += 20_000) {
                    environment.kafka().sendAll(topic, 2, orders(first, 20_000));
                }
            });
            long maximumLag = 0;
            while (!producer.isDone()) {
                long produced = environment.kafka().endOffsets(topic).values().stream().mapToLong(Long::longValue).sum();
                maximumLag = Math.max(maximumLag, produced - highWaterMarks(ingester));
                Thread.sleep(100);
            }
            producer.join();
            waitUntil("everything is consumed", Duration.ofSeconds(60), () -> highWaterMarks(ingester) == records,
                    () -> ingester.status() + " allocated " + worker.hotBufferAllocatedBytes());
            // what stays below the cap waits for the size or age threshold; a flush commits it now
            ingester.flush().join();
            assertThat(log.current().watermark().nextOffsets()).isEqualTo(environment.kafka().endOffsets(topic));

            TableVerification verification = io.freshet.ingest.testing.TestingIngest.verify(worker, identifier);
            assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
            assertThat(verification.tableRows()).isEqualTo(records);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            // the lag grew while the producer ran ahead, and drained after it stopped
            assertThat(maximumLag).isGreaterThan(10_000);
            // the cap forced many commits although neither the size nor the age threshold was reached
            assertThat(log.history().size()).isGreaterThan(3);
            // the buffers hold at most the cap plus what one poll and one merge add on top
            assertThat(worker.hotBufferPeakBytes()).isLessThan(3 * cap);
            System.out.println("backpressure: cap %s bytes, peak %s bytes, maximum lag %s records, %s commits for %s records".formatted(cap, worker.hotBufferPeakBytes(), maximumLag, log.history().size(), records));
        }
    }

    private static long highWaterMarks(TableIngester ingester)
    {
        return ingester.status().partitions().stream().mapToLong(partition -> partition.highWaterMark()).sum();
    }

    @Test
    void unknownTopicFailsTableCreation()
    {
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("c"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("sales"));
            assertThatThrownBy(() -> worker.createTable(TableIdentifier.of("sales", "missing"), COLUMNS, new TableBinding("no_such_topic", "json", Optional.empty(), Optional.empty()), Map.of()))
                    .isInstanceOf(UnknownTopicException.class)
                    .hasMessageContaining("Kafka topic 'no_such_topic' does not exist")
                    .hasMessageContaining("create the topic first");
            assertThat(worker.catalog().tableExists(TableIdentifier.of("sales", "missing"))).isFalse();
        }
    }

    private static long hotRows(TableIngester ingester)
    {
        return ingester.status().partitions().stream().mapToLong(partition -> partition.hotRows()).sum();
    }

    static List<String> orders(int first, int count)
    {
        List<String> values = new ArrayList<>();
        IntStream.range(first, first + count).forEach(id -> values.add(
                "{\"id\": %d, \"customer\": \"customer-%d\", \"amount\": %d.5, \"created\": \"2026-11-28T10:00:00.%06dZ\", \"tags\": [\"a\", \"b\"]}".formatted(id, id, id, id)));
        return values;
    }

    private static Set<ObjectName> stagesMBeans(String table)
    {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("io.freshet.ingest:type=IngestStages,table=" + ObjectName.quote(table) + ",*"), null);
        }
        catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(e);
        }
    }
}
