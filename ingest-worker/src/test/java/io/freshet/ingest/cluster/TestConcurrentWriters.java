package io.freshet.ingest.cluster;

import io.freshet.ingest.IngestSettings;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two writers of one table in one JVM, on one catalog, while records arrive: nodes that disagree on the node set
 * (each sees only itself, as two clusters would), then agree and split the partitions; and a second standalone worker
 * started beside a running one. Every record is committed exactly once and no partition's watermark ever moves back.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestConcurrentWriters
{
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "customer", Types.StringType.get()));
    private static final int PARTITIONS = 4;
    private static final ClusterSettings FAST = new ClusterSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1));

    private TestingKafka kafka;

    @TempDir
    Path warehouse;

    @BeforeAll
    void startKafka()
    {
        kafka = new TestingKafka();
    }

    @AfterAll
    void stopKafka()
            throws Exception
    {
        kafka.close();
    }

    @Test
    void nodesThatDisagreeOnTheNodeSetFenceEachOtherAndCommitEveryRecordOnce()
    {
        String topic = "orders_two_nodes";
        kafka.createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("shop", "orders");
        IngestSettings settings = settings(kafka.bootstrapServers(), warehouse.resolve("disagree"), Duration.ofMillis(200), BadRecordPolicy.SKIP);
        // each node first sees only itself: both own every partition
        TestingMembership first = new TestingMembership("node-a", Set.of("node-a"));
        TestingMembership second = new TestingMembership("node-b", Set.of("node-b"));
        Set<Integer> fencedSeen = new TreeSet<>();
        int sent = 0;
        try (IngestWorker nodeA = new IngestWorker(settings, first, FAST, () -> {});
                IngestWorker nodeB = new IngestWorker(settings, second, FAST, () -> {})) {
            ((SupportsNamespaces) nodeA.catalog()).createNamespace(Namespace.of("shop"));
            nodeA.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            nodeB.start(identifier);
            long deadline = System.nanoTime() + Duration.ofSeconds(12).toNanos();
            while (System.nanoTime() < deadline) {
                kafka.sendAll(topic, PARTITIONS, orders(sent, 40));
                sent += 40;
                for (IngestWorker node : List.of(nodeA, nodeB)) {
                    IngestionStatus status = node.ingester(identifier).orElseThrow().status();
                    assertThat(status.state()).isNotEqualTo(IngestionStatus.State.FAILED);
                    fencedSeen.addAll(status.fencedPartitions().keySet());
                }
                sleep(Duration.ofMillis(100));
            }
            assertThat(fencedSeen).as("the nodes took partitions from each other").isNotEmpty();

            // the nodes agree now: each holds its own partitions, and the fences end
            first.nodes.set(Set.of("node-a", "node-b"));
            second.nodes.set(Set.of("node-a", "node-b"));
            kafka.sendAll(topic, PARTITIONS, orders(sent, 40));
            sent += 40;
            Map<Integer, Long> end = kafka.endOffsets(topic);
            Table table = nodeA.catalog().loadTable(identifier);
            waitUntil("every record is committed", Duration.ofSeconds(60), () -> new TransactionLog(table).current().watermark().nextOffsets().equals(end),
                    () -> List.of(nodeA.ingester(identifier).orElseThrow().status(), nodeB.ingester(identifier).orElseThrow().status()));
            TableIngester a = nodeA.ingester(identifier).orElseThrow();
            TableIngester b = nodeB.ingester(identifier).orElseThrow();
            waitUntil("each node holds its own partitions", Duration.ofSeconds(30),
                    () -> a.heldPartitions().size() + b.heldPartitions().size() == PARTITIONS && a.status().fencedPartitions().isEmpty() && b.status().fencedPartitions().isEmpty());
            PartitionOwnership ownership = new PartitionOwnership(Set.of("node-a", "node-b"));
            assertThat(a.heldPartitions().keySet()).allSatisfy(partition -> assertThat(ownership.owns("node-a", identifier.toString(), partition)).isTrue());
            assertThat(b.heldPartitions().keySet()).allSatisfy(partition -> assertThat(ownership.owns("node-b", identifier.toString(), partition)).isTrue());

            assertExactlyOnce(settings, table, topic, sent);
        }
    }

    @Test
    void secondStandaloneWorkerFencesTheFirstWhichStopsItsPartitions()
    {
        String topic = "orders_two_workers";
        kafka.createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("shop", "payments");
        IngestSettings settings = settings(kafka.bootstrapServers(), warehouse.resolve("standalone"), Duration.ofMillis(200), BadRecordPolicy.SKIP);
        int sent = 0;
        try (IngestWorker old = new IngestWorker(settings)) {
            ((SupportsNamespaces) old.catalog()).createNamespace(Namespace.of("shop"));
            old.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
            TableIngester oldIngester = old.ingester(identifier).orElseThrow();
            kafka.sendAll(topic, PARTITIONS, orders(sent, 200));
            sent += 200;
            waitUntil("the first worker holds every partition", Duration.ofSeconds(30), () -> oldIngester.heldPartitions().size() == PARTITIONS);

            try (IngestWorker newer = new IngestWorker(settings)) {
                newer.startAll();
                TableIngester newIngester = newer.ingester(identifier).orElseThrow();
                for (int round = 0; round < 20; round++) {
                    kafka.sendAll(topic, PARTITIONS, orders(sent, 40));
                    sent += 40;
                    sleep(Duration.ofMillis(100));
                }
                // the first worker's next commit finds every partition claimed by the second one: it stops them all, for good
                waitUntil("the first worker is fenced from every partition", Duration.ofSeconds(30),
                        () -> oldIngester.status().fencedPartitions().size() == PARTITIONS, oldIngester::status);
                assertThat(oldIngester.heldPartitions()).isEmpty();
                assertThat(oldIngester.status().fencedPartitions().values())
                        .allSatisfy(reason -> assertThat(reason).contains("was claimed by node " + newIngester.status().node()));
                assertThat(oldIngester.buffer().status()).as("its uncommitted rows are dropped").isEmpty();
                assertThat(newIngester.heldPartitions()).hasSize(PARTITIONS);

                Map<Integer, Long> end = kafka.endOffsets(topic);
                Table table = newer.catalog().loadTable(identifier);
                waitUntil("every record is committed", Duration.ofSeconds(60), () -> new TransactionLog(table).current().watermark().nextOffsets().equals(end), newIngester::status);
                sleep(Duration.ofSeconds(2));
                assertThat(oldIngester.status().fencedPartitions()).as("a standalone worker never claims back").hasSize(PARTITIONS);
                assertExactlyOnce(settings, table, topic, sent);
            }
        }
    }

    private static void assertExactlyOnce(IngestSettings settings, Table table, String topic, int sent)
    {
        table.refresh();
        TableVerification verification = new TableVerifier(settings)
                .verify("shop." + table.name(), table.schema(), new TableBinding(topic, "json", Optional.empty(), Optional.empty()), TableContents.committed(table));
        assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
        assertThat(verification.tableRows()).isEqualTo(sent);
        assertThat(committedOffsets(table)).hasSize(sent).doesNotHaveDuplicates();
        // along the whole log, no partition's watermark ever moves back
        Map<Integer, Long> highest = new HashMap<>();
        List<String> regressions = new ArrayList<>();
        for (TransactionLog.LogEntry entry : new TransactionLog(table).history()) {
            OffsetWatermark watermark = entry.watermark();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                long offset = watermark.nextOffset(partition);
                long before = highest.getOrDefault(partition, 0L);
                if (offset < before) {
                    regressions.add("snapshot %s: partition %s from %s to %s".formatted(entry.snapshotId(), partition, before, offset));
                }
                highest.put(partition, Math.max(before, offset));
            }
        }
        assertThat(regressions).isEmpty();
    }

    private static List<String> orders(int first, int count)
    {
        List<String> orders = new ArrayList<>();
        for (int id = first; id < first + count; id++) {
            orders.add("{\"id\": %s, \"customer\": \"customer-%s\"}".formatted(id, id));
        }
        return orders;
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static final class TestingMembership
            implements ClusterMembership
    {
        private final String node;
        private final AtomicReference<Set<String>> nodes;

        TestingMembership(String node, Set<String> nodes)
        {
            this.node = node;
            this.nodes = new AtomicReference<>(nodes);
        }

        @Override
        public String currentNode()
        {
            return node;
        }

        @Override
        public Set<String> ingestingNodes()
        {
            return nodes.get();
        }
    }
}
