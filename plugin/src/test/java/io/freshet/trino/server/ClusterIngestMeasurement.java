package io.freshet.trino.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.server.TrinoServerProcess.NodeRole;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;

import static io.freshet.trino.testing.TestingPostgres.jdbcCatalogProperties;

/**
 * Ingest throughput of a single node against a coordinator with two workers on the same box: once every owner
 * has claimed the partitions of a table on a topic of 8 partitions, the time from the first record sent until
 * every record is queryable. A measurement run on
 * demand ({@code -Dit.test=ClusterIngestMeasurement}), not part of the suite: speed belongs to benchmarks.
 */
class ClusterIngestMeasurement
{
    private static final int PARTITIONS = 8;
    private static final int RECORDS = Integer.getInteger("freshet.measurement.records", 400_000);

    @Test
    void singleNodeThenTwoWorkers()
            throws Exception
    {
        double single;
        double cluster;
        try (TestingKafka kafka = new TestingKafka(); EmbeddedPostgres postgres = EmbeddedPostgres.builder().start()) {
            single = measure(kafka, postgres, 0, "single");
            cluster = measure(kafka, postgres, 2, "cluster");
        }
        System.out.printf("ingest throughput: single node %.0f records/s, coordinator + 2 workers %.0f records/s (%d records, %d partitions)%n",
                single, cluster, RECORDS, PARTITIONS);
    }

    private double measure(TestingKafka kafka, EmbeddedPostgres postgres, int workerCount, String name)
            throws Exception
    {
        Path javaHome = Path.of(System.getProperty("java.home"));
        Path serverHome = Path.of(System.getProperty("freshet.trino.server"));
        Path pluginZip = Path.of(System.getProperty("freshet.plugin.zip"));
        {
            Path dir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "cluster-measurement");
            Map<String, String> catalog = new LinkedHashMap<>();
            catalog.put("kafka.bootstrap.servers", kafka.bootstrapServers());
            catalog.putAll(jdbcCatalogProperties(postgres));
            catalog.put("iceberg.jdbc-catalog.default-warehouse-dir", dir.resolve("warehouse").toString());
            catalog.put("freshet.maintenance.enabled", "false");
            kafka.createTopic(name, PARTITIONS);
            List<TrinoServerProcess> nodes = new ArrayList<>();
            try {
                TrinoServerProcess coordinator = TrinoServerProcess.launch(serverHome, pluginZip, dir.resolve("coordinator"), javaHome, catalog, dir.resolve("coordinator.log"),
                        workerCount == 0 ? new NodeRole(true, true, java.util.Optional.empty(), "1G", Map.of()) : NodeRole.coordinatorOnly("1G", ClusterTiming.COORDINATOR));
                nodes.add(coordinator);
                for (int worker = 1; worker <= workerCount; worker++) {
                    nodes.add(TrinoServerProcess.launch(serverHome, pluginZip, dir.resolve("worker-" + worker), javaHome, catalog, dir.resolve("worker-" + worker + ".log"),
                            NodeRole.worker("http://127.0.0.1:" + coordinator.port(), "1G", ClusterTiming.WORKER)));
                }
                for (TrinoServerProcess node : nodes) {
                    node.awaitStarted(Duration.ofMinutes(4));
                }
                String address = coordinator.serverAddress();
                await(address, "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'", workerCount + 1);
                TrinoStatements.query(address, "CREATE SCHEMA freshet." + name);
                TrinoStatements.query(address, "CREATE TABLE freshet.%s.events (id bigint, payload varchar, amount double) WITH (kafka_topic = '%s')".formatted(name, name));
                // every owner has found the table and claimed its partitions (table discovery every 10 s, ownership every 2 s)
                Thread.sleep(Duration.ofSeconds(25));
                long start = System.nanoTime();
                for (int first = 0; first < RECORDS; first += 50_000) {
                    kafka.sendAll(name, PARTITIONS, IntStream.range(first, Math.min(first + 50_000, RECORDS))
                            .mapToObj(id -> "{\"id\":%d,\"payload\":\"p%d\",\"amount\":%d.5}".formatted(id, id % 100, id)).toList());
                }
                long produced = System.nanoTime();
                await(address, "SELECT count(*) FROM freshet.%s.events".formatted(name), RECORDS);
                double seconds = (System.nanoTime() - start) / 1e9;
                System.out.printf("%s: %d records produced in %.1f s, all queryable %.1f s after the first was sent: %.0f records/s%n",
                        workerCount == 0 ? "single node" : "coordinator + " + workerCount + " workers", RECORDS, (produced - start) / 1e9, seconds, RECORDS / seconds);
                return RECORDS / seconds;
            }
            finally {
                for (TrinoServerProcess node : nodes) {
                    node.close();
                }
            }
        }
    }

    private static void await(String address, String query, long expected)
            throws InterruptedException
    {
        // polled every 100 ms: the figures are seconds
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            try {
                List<List<JsonNode>> rows = TrinoStatements.query(address, query);
                JsonNode value = rows.getFirst().getFirst();
                if ((value.isBoolean() ? (value.asBoolean() ? 1 : 0) : value.asLong()) == expected) {
                    return;
                }
            }
            catch (Exception e) {
                // nodes still starting, or a table not yet ingested anywhere
            }
            Thread.sleep(100);
        }
        throw new IllegalStateException(query + " did not reach " + expected);
    }
}
