package io.freshet.ingest.cluster;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static io.freshet.ingest.cluster.TestingClusterNodes.COLUMNS;
import static io.freshet.ingest.cluster.TestingClusterNodes.FAST;
import static io.freshet.ingest.cluster.TestingClusterNodes.assertExactlyOnce;
import static io.freshet.ingest.cluster.TestingClusterNodes.createOrdersTable;
import static io.freshet.ingest.cluster.TestingClusterNodes.membership;
import static io.freshet.ingest.cluster.TestingClusterNodes.orders;
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
    private static final int PARTITIONS = 4;

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    private TestingKafka kafka;

    @TempDir
    Path warehouse;

    @BeforeAll
    void setUp()
    {
        kafka = environment.kafka();
    }

    @Test
    void nodesThatDisagreeOnTheNodeSetFenceEachOtherAndCommitEveryRecordOnce()
    {
        String topic = "orders_two_nodes";
        kafka.createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("shop", "orders");
        IngestSettings settings = settings(kafka.bootstrapServers(), warehouse.resolve("disagree"), Duration.ofMillis(200), BadRecordPolicy.SKIP);
        // each node first sees only itself: both own every partition
        AtomicReference<Set<String>> viewOfA = new AtomicReference<>(Set.of("node-a"));
        AtomicReference<Set<String>> viewOfB = new AtomicReference<>(Set.of("node-b"));
        Set<Integer> fencedSeen = new TreeSet<>();
        int sent = 0;
        try (IngestWorker nodeA = new IngestWorker(settings, membership("node-a", viewOfA), FAST, () -> {});
                IngestWorker nodeB = new IngestWorker(settings, membership("node-b", viewOfB), FAST, () -> {})) {
            createOrdersTable(nodeA, identifier, topic);
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
            viewOfA.set(Set.of("node-a", "node-b"));
            viewOfB.set(Set.of("node-a", "node-b"));
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
            createOrdersTable(old, identifier, topic);
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
}
