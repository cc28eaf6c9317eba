package io.freshet.trino.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.server.TrinoServerProcess.NodeRole;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.freshet.trino.testing.TestingPostgres.jdbcCatalogProperties;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * A real cluster from the stock Trino 476 tarball, as production runs it: a coordinator that schedules no data
 * work ({@code node-scheduler.include-coordinator=false}) and two workers, separate processes started at the same
 * time, sharing a PostgreSQL JDBC catalog and a warehouse directory. The workers own the topic's partitions,
 * ingest them and serve their hot rows; one worker is killed with SIGKILL during a load, the other takes its
 * partitions over, and the table holds every record exactly once.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 12, unit = TimeUnit.MINUTES)
class TestRealTrinoCluster
{
    private static final int PARTITIONS = 8;
    private static final int FIRST_LOAD = 8_000;
    private static final int SECOND_LOAD = 16_000;
    private static final int TOTAL = FIRST_LOAD + SECOND_LOAD;
    private static final String TABLE = "freshet.shop.events";

    private final Path javaHome = Path.of(System.getProperty("java.home"));
    private TestingKafka kafka;
    private EmbeddedPostgres postgres;
    private TrinoServerProcess coordinator;
    private final List<TrinoServerProcess> workers = new ArrayList<>();

    @BeforeAll
    void setUp()
            throws Exception
    {
        kafka = new TestingKafka();
        postgres = EmbeddedPostgres.builder().start();
        Path clusterDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "real-trino-cluster");
        Map<String, String> catalog = new LinkedHashMap<>();
        catalog.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        catalog.putAll(jdbcCatalogProperties(postgres));
        // one directory every node reads and writes, as a shared file system or an object store would be
        catalog.put("iceberg.jdbc-catalog.default-warehouse-dir", clusterDir.resolve("warehouse").toString());
        // commits every few seconds: queries run across commits, and a killed owner leaves little to re-read
        catalog.put("freshet.flush.interval", "5s");
        catalog.put("freshet.upkeep.enabled", "false");

        Path serverHome = Path.of(System.getProperty("freshet.trino.server"));
        Path pluginZip = Path.of(System.getProperty("freshet.plugin.zip"));
        Map<String, String> coordinatorConfig = new HashMap<>(ClusterTiming.COORDINATOR);
        coordinator = TrinoServerProcess.launch(serverHome, pluginZip, clusterDir.resolve("coordinator"), javaHome, catalog,
                clusterDir.resolve("coordinator-console.log"), NodeRole.coordinatorOnly("1G", coordinatorConfig));
        String discovery = "http://127.0.0.1:" + coordinator.port();
        // all nodes start at once, each opening the same catalog
        for (int worker = 1; worker <= 2; worker++) {
            workers.add(TrinoServerProcess.launch(serverHome, pluginZip, clusterDir.resolve("worker-" + worker), javaHome, catalog,
                    clusterDir.resolve("worker-" + worker + "-console.log"), NodeRole.worker(discovery, "1G", ClusterTiming.WORKER)));
        }
        for (TrinoServerProcess worker : workers) {
            worker.awaitStarted(Duration.ofMinutes(4));
        }
        coordinator.awaitStarted(Duration.ofMinutes(4));
        awaitRows("SELECT count(*) FROM system.runtime.nodes WHERE coordinator = false AND state = 'active'", List.of("2"), Duration.ofMinutes(2));
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        for (TrinoServerProcess worker : workers) {
            worker.close();
        }
        if (coordinator != null) {
            coordinator.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void workersIngestAndServeTheirPartitionsAndSurviveAKilledWorker()
            throws Exception
    {
        try {
            kafka.createTopic("events", PARTITIONS);
            sql("CREATE SCHEMA freshet.shop");
            sql("CREATE TABLE " + TABLE + " (id bigint, payload varchar) WITH (kafka_topic = 'events')");

            kafka.sendAll("events", PARTITIONS, values(0, FIRST_LOAD));
            awaitRows("SELECT count(*), count(DISTINCT id) FROM " + TABLE, List.of(Integer.toString(FIRST_LOAD), Integer.toString(FIRST_LOAD)), Duration.ofMinutes(2));

            // every partition is owned by exactly one worker, and both workers own some
            Map<String, Long> owned = partitionsPerNode();
            assertThat(owned.keySet()).as("owners of the partitions").containsExactlyInAnyOrderElementsOf(workers.stream().map(TrinoServerProcess::nodeId).toList());
            assertThat(owned.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(PARTITIONS);

            // hot rows are read on their owners: no task of the query runs on the coordinator
            String scan = "SELECT count(*), count(DISTINCT CAST(_partition_id AS varchar) || ':' || CAST(_partition_offset AS varchar)) FROM " + TABLE + " WHERE id >= 0";
            assertThat(cells(scan)).containsExactly(Integer.toString(FIRST_LOAD), Integer.toString(FIRST_LOAD));
            Map<String, Long> splitsPerNode = splitsPerNode(scan);
            assertThat(splitsPerNode).as("completed splits per node").doesNotContainKey(coordinator.nodeId());
            assertThat(splitsPerNode.keySet()).containsExactlyInAnyOrderElementsOf(workers.stream().map(TrinoServerProcess::nodeId).toList());

            // a flush called on the coordinator, which ingests nothing, reaches both owners through the catalog
            sql("CALL freshet.system.flush('shop', 'events')");
            awaitRows("SELECT sum(record_count) FROM freshet.shop.\"events$files\"", List.of(Integer.toString(FIRST_LOAD)), Duration.ofSeconds(10));

            // the second load runs while one worker is killed
            CompletableFuture<Void> load = CompletableFuture.runAsync(() -> {
                for (int start = FIRST_LOAD; start < TOTAL; start += 1_000) {
                    kafka.sendAll("events", PARTITIONS, values(start, Math.min(start + 1_000, TOTAL)));
                    sleep(Duration.ofMillis(500));
                }
            });
            sleep(Duration.ofSeconds(3));
            TrinoServerProcess killed = workers.get(1);
            TrinoServerProcess survivor = workers.get(0);
            long killedAt = System.nanoTime();
            killed.kill();
            awaitRows("SELECT count(*) FROM freshet.system.ingest_status WHERE table_name = 'events' AND state = 'RUNNING' AND partition IS NOT NULL AND node = '%s'"
                    .formatted(survivor.nodeId()), List.of(Integer.toString(PARTITIONS)), Duration.ofMinutes(2));
            long failoverMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - killedAt);
            System.out.printf("failover: all %d partitions ingest on %s %d ms after %s was killed%n", PARTITIONS, survivor.nodeId(), failoverMillis, killed.nodeId());
            load.get(3, TimeUnit.MINUTES);

            // every record exactly once: through queries, per partition, and by the verifier against Kafka
            awaitRows(scan, List.of(Integer.toString(TOTAL), Integer.toString(TOTAL)), Duration.ofMinutes(2));
            Map<Integer, Long> endOffsets = kafka.endOffsets("events");
            for (List<String> partition : rows("SELECT _partition_id, count(*), count(DISTINCT _partition_offset), min(_partition_offset), max(_partition_offset) FROM " + TABLE + " GROUP BY 1")) {
                long end = endOffsets.get(Integer.parseInt(partition.get(0)));
                assertThat(partition.subList(1, 5)).as("partition %s", partition.get(0)).containsExactly(Long.toString(end), Long.toString(end), "0", Long.toString(end - 1));
            }
            awaitRows("SELECT sum(offset_watermark) FROM freshet.system.ingest_status WHERE table_name = 'events'", List.of(Integer.toString(TOTAL)), Duration.ofMinutes(1));
            List<String> verified = cells("SELECT sum(kafka_records), sum(table_rows), sum(missing), sum(duplicated), sum(extra), sum(not_yet_ingested) "
                    + "FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'events'))");
            System.out.printf("verify: kafka_records, table_rows, missing, duplicated, extra, not_yet_ingested = %s%n", verified);
            assertThat(verified).containsExactly(Integer.toString(TOTAL), Integer.toString(TOTAL), "0", "0", "0", "0");
            assertThat(failoverMillis).as("failover time").isLessThan(Duration.ofSeconds(ClusterTiming.FAILOVER_TARGET_SECONDS).toMillis());
        }
        catch (Throwable e) {
            System.err.println("--- coordinator log tail ---\n" + coordinator.logTail(100));
            for (TrinoServerProcess worker : workers) {
                System.err.println("--- worker " + worker.nodeId() + " log tail ---\n" + worker.logTail(100));
            }
            throw e;
        }
    }

    private Map<String, Long> partitionsPerNode()
            throws IOException, InterruptedException
    {
        Map<String, Long> owned = new HashMap<>();
        for (List<String> row : rows("SELECT node, count(*) FROM freshet.system.ingest_status WHERE table_name = 'events' AND partition IS NOT NULL GROUP BY node")) {
            owned.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return owned;
    }

    /** Completed splits per node of the last run of a query, from {@code system.runtime.tasks}. */
    private Map<String, Long> splitsPerNode(String query)
            throws IOException, InterruptedException
    {
        String queryId = cells("SELECT query_id FROM system.runtime.queries WHERE query = '%s' ORDER BY created DESC LIMIT 1".formatted(query.replace("'", "''"))).getFirst();
        Map<String, Long> splits = new HashMap<>();
        for (List<String> row : rows("SELECT node_id, sum(completed_splits) FROM system.runtime.tasks WHERE query_id = '%s' GROUP BY node_id HAVING sum(completed_splits) > 0".formatted(queryId))) {
            splits.put(row.get(0), Long.parseLong(row.get(1)));
        }
        return splits;
    }

    private static List<String> values(int start, int end)
    {
        return IntStream.range(start, end).mapToObj(id -> "{\"id\":%d,\"payload\":\"p%d\"}".formatted(id, id % 100)).toList();
    }

    private void sql(String statement)
            throws IOException, InterruptedException
    {
        TrinoStatements.query(coordinator.serverAddress(), statement);
    }

    private List<List<String>> rows(String query)
            throws IOException, InterruptedException
    {
        List<List<String>> rows = new ArrayList<>();
        for (List<JsonNode> row : TrinoStatements.query(coordinator.serverAddress(), query)) {
            rows.add(row.stream().map(JsonNode::asText).toList());
        }
        return rows;
    }

    private List<String> cells(String query)
            throws IOException, InterruptedException
    {
        List<List<String>> rows = rows(query);
        assertThat(rows).as(query).hasSize(1);
        return rows.getFirst();
    }

    /** Polls until the query's single row is as expected; errors while nodes come and go count as not yet. */
    private void awaitRows(String query, List<String> expected, Duration timeout)
            throws InterruptedException
    {
        long start = System.nanoTime();
        long deadline = start + timeout.toNanos();
        Object last = "nothing";
        while (System.nanoTime() < deadline) {
            Object current;
            try {
                List<List<String>> rows = rows(query);
                if (rows.size() == 1 && rows.getFirst().equals(expected)) {
                    return;
                }
                current = rows;
            }
            catch (IOException e) {
                current = e.getMessage();
            }
            if (!current.equals(last)) {
                // what the cluster answered on the way, for the log of a slow or failed wait
                System.out.printf("after %d ms: %s%n", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start), current);
                last = current;
            }
            Thread.sleep(500);
        }
        Object nodes;
        try {
            nodes = rows("SELECT node_id, coordinator, state FROM system.runtime.nodes");
        }
        catch (IOException e) {
            nodes = e.getMessage();
        }
        fail("%s returned %s, not %s, within %s; nodes: %s", query, last, expected, timeout, nodes);
    }

    private static void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
