package io.freshet.ingest.cluster;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.FlushRequestProperty;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import static io.freshet.ingest.cluster.TestingClusterNodes.COLUMNS;
import static io.freshet.ingest.cluster.TestingClusterNodes.FAST;
import static io.freshet.ingest.cluster.TestingClusterNodes.assertExactlyOnce;
import static io.freshet.ingest.cluster.TestingClusterNodes.createOrdersTable;
import static io.freshet.ingest.cluster.TestingClusterNodes.membership;
import static io.freshet.ingest.cluster.TestingClusterNodes.orders;
import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Three nodes of a cluster in one JVM on one embedded catalog: they start at the same instant, find a table created on
 * one of them, split its partitions, and when one node leaves the node set (while it still runs with its old view, as a
 * paused node does) the others claim its partitions, it is fenced, and every record is committed exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestClusterIngest
{
    private static final int PARTITIONS = 8;

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    private TestingKafka kafka;

    @TempDir
    Path directory;

    @BeforeAll
    void setUp()
    {
        kafka = environment.kafka();
    }

    @Test
    void nodesStartTogetherSplitPartitionsAndTakeOverFromANodeThatLeft()
            throws Exception
    {
        String topic = "orders_cluster";
        kafka.createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("shop", "orders");
        IngestSettings settings = settings(kafka.bootstrapServers(), directory.resolve("cluster"), Duration.ofMillis(300), BadRecordPolicy.SKIP);
        AtomicReference<Set<String>> nodeSet = new AtomicReference<>(Set.of("node-a", "node-b", "node-c"));
        // node c keeps its own view: when the others drop it, it goes on as a paused node would, until fenced
        AtomicReference<Set<String>> viewOfC = new AtomicReference<>(Set.of("node-a", "node-b", "node-c"));
        List<IngestWorker> nodes = List.of(
                new IngestWorker(settings, membership("node-a", nodeSet), FAST, () -> {}),
                new IngestWorker(settings, membership("node-b", nodeSet), FAST, () -> {}),
                new IngestWorker(settings, membership("node-c", viewOfC), FAST, () -> {}));
        try {
            // all nodes open the fresh embedded catalog at the same instant: whoever loses the race to create its tables waits and tries again
            CountDownLatch start = new CountDownLatch(1);
            List<Thread> starters = new ArrayList<>();
            for (IngestWorker node : nodes) {
                starters.add(Thread.ofPlatform().start(() -> {
                    try {
                        start.await();
                    }
                    catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    node.startInBackground();
                }));
            }
            start.countDown();
            for (Thread starter : starters) {
                starter.join();
            }
            waitUntil("every node opened the catalog", Duration.ofSeconds(60), () -> nodes.stream().allMatch(node -> node.catalogStatus().open()),
                    () -> nodes.stream().map(IngestWorker::catalogStatus).toList());

            IngestWorker nodeA = nodes.get(0);
            createOrdersTable(nodeA, identifier, topic);
            int sent = 0;
            kafka.sendAll(topic, PARTITIONS, orders(sent, 800));
            sent += 800;

            // the other nodes find the table in the catalog, and each node holds exactly the partitions it owns
            PartitionOwnership threeNodes = new PartitionOwnership(Set.of("node-a", "node-b", "node-c"));
            waitUntil("each node holds its own partitions", Duration.ofSeconds(60), () -> holdsOwnPartitions(nodes, List.of("node-a", "node-b", "node-c"), threeNodes, identifier),
                    () -> heldPartitions(nodes, identifier));
            Map<Integer, Long> end = kafka.endOffsets(topic);
            Table table = nodeA.catalog().loadTable(identifier);
            waitUntil("every record is committed", Duration.ofSeconds(60), () -> new TransactionLog(table).current().watermark().nextOffsets().equals(end), () -> heldPartitions(nodes, identifier));

            // node c leaves the node set of a and b; it keeps ingesting with its old view until its next commit is refused
            IngestWorker nodeC = nodes.get(2);
            TableIngester ingesterC = nodeC.ingester(identifier).orElseThrow();
            Set<Integer> partitionsOfC = Set.copyOf(ingesterC.heldPartitions().keySet());
            assertThat(partitionsOfC).isNotEmpty();
            long left = System.nanoTime();
            nodeSet.set(Set.of("node-a", "node-b"));
            PartitionOwnership twoNodes = new PartitionOwnership(Set.of("node-a", "node-b"));
            waitUntil("the remaining nodes claim the partitions of node c", Duration.ofSeconds(30),
                    () -> holdsOwnPartitions(nodes.subList(0, 2), List.of("node-a", "node-b"), twoNodes, identifier), () -> heldPartitions(nodes, identifier));
            long claimedMillis = Duration.ofNanos(System.nanoTime() - left).toMillis();
            kafka.sendAll(topic, PARTITIONS, orders(sent, 800));
            sent += 800;
            waitUntil("node c is fenced from every partition it held", Duration.ofSeconds(30),
                    () -> ingesterC.status().fencedPartitions().keySet().equals(partitionsOfC), ingesterC::status);
            assertThat(ingesterC.heldPartitions()).isEmpty();
            assertThat(ingesterC.status().fencedPartitions().values()).allSatisfy(reason -> assertThat(reason).contains("was claimed by node node-"));
            Map<Integer, Long> endAfter = kafka.endOffsets(topic);
            waitUntil("every record is committed after the takeover", Duration.ofSeconds(60), () -> new TransactionLog(table).current().watermark().nextOffsets().equals(endAfter),
                    () -> heldPartitions(nodes, identifier));
            System.out.printf("takeover: the partitions %s of the node that left were claimed %s ms after the node set changed%n", partitionsOfC, claimedMillis);

            assertExactlyOnce(settings, table, topic, sent);
        }
        finally {
            nodes.parallelStream().forEach(IngestWorker::close);
        }
    }

    @Test
    void aFlushRequestInTheCatalogMakesEveryOwnerCommitWithoutRestarting()
            throws Exception
    {
        String topic = "orders_flush_request";
        kafka.createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("shop", "flushed");
        // nothing is committed on its own within the test: only the request makes the owners commit
        IngestSettings settings = settings(kafka.bootstrapServers(), directory.resolve("flush-request"), Duration.ofHours(1), BadRecordPolicy.SKIP);
        AtomicReference<Set<String>> nodeSet = new AtomicReference<>(Set.of("node-a", "node-b"));
        List<IngestWorker> nodes = List.of(
                new IngestWorker(settings, membership("node-a", nodeSet), FAST, () -> {}),
                new IngestWorker(settings, membership("node-b", nodeSet), FAST, () -> {}));
        try {
            nodes.forEach(IngestWorker::startInBackground);
            waitUntil("every node opened the catalog", Duration.ofSeconds(60), () -> nodes.stream().allMatch(node -> node.catalogStatus().open()));
            createOrdersTable(nodes.get(0), identifier, topic);
            PartitionOwnership ownership = new PartitionOwnership(Set.of("node-a", "node-b"));
            waitUntil("each node holds its own partitions", Duration.ofSeconds(60), () -> holdsOwnPartitions(nodes, List.of("node-a", "node-b"), ownership, identifier),
                    () -> heldPartitions(nodes, identifier));
            kafka.sendAll(topic, PARTITIONS, orders(0, 800));
            List<TableIngester> ingesters = nodes.stream().map(node -> node.ingester(identifier).orElseThrow()).toList();
            waitUntil("every record is in a hot buffer", Duration.ofSeconds(60), () -> ingesters.stream().mapToLong(ingester -> ingester.status().consumedRecords()).sum() == 800,
                    () -> heldPartitions(nodes, identifier));
            Table table = nodes.get(0).catalog().loadTable(identifier);
            assertThat(committedOffsets(table)).isEmpty();

            table.updateProperties().set(FlushRequestProperty.NAME, FlushRequestProperty.newRequest()).commit();
            Map<Integer, Long> end = kafka.endOffsets(topic);
            waitUntil("both owners committed everything they held", Duration.ofSeconds(30), () -> {
                table.refresh();
                return new TransactionLog(table).current().watermark().nextOffsets().equals(end);
            }, () -> heldPartitions(nodes, identifier));
            // the same ingesters, not restarted by table discovery, and no record consumed twice
            assertThat(nodes.stream().map(node -> node.ingester(identifier).orElseThrow()).toList()).containsExactlyElementsOf(ingesters);
            assertThat(ingesters.stream().mapToLong(ingester -> ingester.status().consumedRecords()).sum()).isEqualTo(800);
            // each owner moved its own partitions' watermarks: both committed (a counter follows its commit a moment later)
            waitUntil("each owner counted its commit", Duration.ofSeconds(10), () -> ingesters.stream().allMatch(ingester -> ingester.status().commits() > 0));
            assertExactlyOnce(settings, table, topic, 800);
        }
        finally {
            nodes.parallelStream().forEach(IngestWorker::close);
        }
    }

    @Test
    void catalogThatIsDownAtStartIsWaitedForInTheBackground()
            throws Exception
    {
        Path missing = directory.resolve("not-yet");
        IngestSettings base = settings(kafka.bootstrapServers(), directory.resolve("down"), Duration.ofSeconds(1), BadRecordPolicy.SKIP);
        IngestSettings settings = base.withCatalog(base.catalog().withJdbcConnection("jdbc:sqlite:" + missing.resolve("catalog.db"), Optional.empty(), Optional.empty()));
        try (IngestWorker worker = new IngestWorker(settings, membership("node-a", new AtomicReference<>(Set.of("node-a"))), FAST, () -> {})) {
            // the constructor opened nothing and starting returns at once, whatever the catalog does
            assertThat(worker.catalogStatus()).isEqualTo(new CatalogConnection.Status(false, Optional.empty(), 0));
            worker.startInBackground();
            waitUntil("the worker reports the catalog it waits for", Duration.ofSeconds(30), () -> worker.catalogStatus().failedAttempts() >= 2, worker::catalogStatus);
            assertThat(worker.catalogStatus().open()).isFalse();
            assertThat(worker.catalogStatus().failure().orElseThrow()).contains("Cannot open the Iceberg JDBC catalog", "iceberg.jdbc-catalog.connection-url");

            // the database comes up: the worker opens it on its next attempt and follows its tables
            Files.createDirectories(missing);
            waitUntil("the worker opened the catalog", Duration.ofSeconds(30), () -> worker.catalogStatus().open(), worker::catalogStatus);
            assertThat(worker.catalogStatus().failure()).isEmpty();
            String topic = "orders_late_catalog";
            kafka.createTopic(topic, 2);
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "late");
            worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of(), false);
            kafka.sendAll(topic, 2, orders(0, 100));
            waitUntil("table discovery starts the table", Duration.ofSeconds(30), () -> worker.ingester(identifier).isPresent());
            Table table = worker.catalog().loadTable(identifier);
            Map<Integer, Long> end = kafka.endOffsets(topic);
            waitUntil("every record is committed", Duration.ofSeconds(60), () -> new TransactionLog(table).current().watermark().nextOffsets().equals(end));
            assertThat(committedOffsets(table)).hasSize(100);
        }
    }

    private static boolean holdsOwnPartitions(List<IngestWorker> nodes, List<String> names, PartitionOwnership ownership, TableIdentifier identifier)
    {
        Set<Integer> all = new HashSet<>();
        for (int index = 0; index < nodes.size(); index++) {
            Optional<TableIngester> ingester = nodes.get(index).ingester(identifier);
            if (ingester.isEmpty()) {
                return false;
            }
            Set<Integer> held = ingester.get().heldPartitions().keySet();
            Set<Integer> owned = new HashSet<>();
            for (int partition = 0; partition < PARTITIONS; partition++) {
                if (ownership.owns(names.get(index), identifier.toString(), partition)) {
                    owned.add(partition);
                }
            }
            if (!held.equals(owned)) {
                return false;
            }
            all.addAll(held);
        }
        return all.size() == PARTITIONS;
    }

    private static Map<String, Object> heldPartitions(List<IngestWorker> nodes, TableIdentifier identifier)
    {
        Map<String, Object> held = new HashMap<>();
        for (IngestWorker node : nodes) {
            held.put(node.membership().currentNode(), node.ingester(identifier).map(TableIngester::status).map(Object.class::cast).orElse("not started"));
        }
        return held;
    }
}
