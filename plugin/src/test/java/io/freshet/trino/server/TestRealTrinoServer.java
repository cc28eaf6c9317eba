package io.freshet.trino.server;

import io.freshet.ingest.testing.TestingKafka;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.management.MBeanServerConnection;
import javax.management.ObjectName;
import javax.management.remote.JMXConnector;
import javax.management.remote.JMXConnectorFactory;
import javax.management.remote.JMXServiceURL;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * The only proof that the plugin works the way users install it: the built zip unpacked into plugin/freshet/ of a stock
 * Trino 476 server (bin/launcher, its own plugin class loader), a real Kafka broker, and SQL through the Trino CLI.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class TestRealTrinoServer
{
    private static final int PARTITIONS = 2;
    private static final int RECORDS = 500;

    private final Path javaHome = Path.of(System.getProperty("java.home"));
    private final Path cliJar = Path.of(System.getProperty("freshet.trino.cli"));
    private TestingKafka kafka;
    private TrinoServerProcess server;
    private Path warehouse;

    @BeforeAll
    void setUp()
            throws Exception
    {
        kafka = new TestingKafka();
        Path stateDir = Files.createTempDirectory(Path.of(System.getProperty("java.io.tmpdir")), "real-trino-server");
        warehouse = stateDir.resolve("warehouse");
        server = TrinoServerProcess.start(
                Path.of(System.getProperty("freshet.trino.server")),
                Path.of(System.getProperty("freshet.plugin.zip")),
                stateDir,
                javaHome,
                Map.of(
                        "kafka.bootstrap.servers", kafka.bootstrapServers(),
                        "iceberg.jdbc-catalog.default-warehouse-dir", warehouse.toString(),
                        "freshet.flush.interval", "1h"),
                Duration.ofSeconds(90));
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        if (server != null) {
            server.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void hotThenColdThroughTheCli()
            throws Exception
    {
        try {
            kafka.createTopic("orders", PARTITIONS);
            sql("CREATE SCHEMA freshet.shop");
            sql("CREATE TABLE freshet.shop.orders (id bigint, customer varchar, amount double, created timestamp(6) with time zone) WITH (kafka_topic = 'orders')");
            assertThat(sql("SHOW TABLES FROM freshet.shop")).containsExactly("\"orders\"");

            Instant created = Instant.parse("2026-11-28T10:00:00Z");
            List<String> values = IntStream.range(0, RECORDS)
                    .mapToObj(i -> "{\"id\":%d,\"customer\":\"c%d\",\"amount\":%d.5,\"created\":\"%s\"}".formatted(i, i % 17, i, created.plusSeconds(i)))
                    .toList();
            kafka.sendAll("orders", PARTITIONS, values);
            assertThat(kafka.endOffsets("orders").values().stream().mapToLong(Long::longValue).sum()).isEqualTo(RECORDS);

            String check = "SELECT count(*), count(DISTINCT CAST(_partition_id AS varchar) || ':' || CAST(_partition_offset AS varchar)), count(DISTINCT id), sum(id) FROM freshet.shop.orders";
            String expected = "\"%d\",\"%d\",\"%d\",\"%d\"".formatted(RECORDS, RECORDS, RECORDS, (long) RECORDS * (RECORDS - 1) / 2);

            // hot: visible from the buffer before any commit
            long start = System.nanoTime();
            awaitResult(check, expected, Duration.ofSeconds(30));
            System.out.printf("hot: %d records visible %d ms after the last acknowledgement%n", RECORDS, TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
            String status = "SELECT sum(hot_rows), sum(offset_watermark) FROM freshet.system.ingest_status WHERE table_name = 'orders'";
            assertThat(sql(status)).as("every row still in the hot buffer, nothing committed").containsExactly("\"%d\",\"0\"".formatted(RECORDS));

            // cold: committed to Iceberg, still exactly once
            assertMetrics(RECORDS, 0);
            assertOpenMetrics(RECORDS, 0);
            sql("CALL freshet.system.flush('shop', 'orders')");
            assertThat(sql(status)).as("every row committed").containsExactly("\"0\",\"%d\"".formatted(RECORDS));
            assertMetrics(0, 1);
            assertOpenMetrics(0, 1);
            assertThat(sql(check)).containsExactly(expected);
            assertThat(metadataFiles()).as("Iceberg metadata under %s", warehouse).isNotEmpty();
            assertThat(sql("SELECT customer, amount FROM freshet.shop.orders WHERE id = 42")).containsExactly("\"c8\",\"42.5\"");

            // upkeep inside the plugin's class loader: a second commit, then compaction back to one file per partition
            kafka.sendAll("orders", PARTITIONS, List.of("{\"id\":%d}".formatted(RECORDS), "{\"id\":%d}".formatted(RECORDS + 1)));
            awaitResult("SELECT count(*) FROM freshet.shop.orders", "\"%d\"".formatted(RECORDS + 2), Duration.ofSeconds(30));
            sql("CALL freshet.system.flush('shop', 'orders')");
            String files = "SELECT count(*) FROM freshet.shop.\"orders$files\"";
            assertThat(sql(files)).containsExactly("\"%d\"".formatted(2 * PARTITIONS));
            sql("ALTER TABLE freshet.shop.orders EXECUTE optimize");
            assertThat(sql(files)).containsExactly("\"%d\"".formatted(PARTITIONS));
            sql("CALL freshet.system.expire_snapshots('shop', 'orders', '0s', 1)");
            assertThat(sql("SELECT count(*), sum(id) FROM freshet.shop.orders"))
                    .containsExactly("\"%d\",\"%d\"".formatted(RECORDS + 2, (long) (RECORDS + 2) * (RECORDS + 1) / 2));
            assertThat(sql("SELECT operation FROM freshet.shop.\"orders$commits\"")).contains("\"replace\"");
        }
        catch (Throwable e) {
            System.err.println("--- Trino server log tail ---\n" + server.logTail(150));
            throw e;
        }
    }

    /**
     * The table's metrics as Trino's MBean server holds them, under the catalog-scoped name Trino's connectors use:
     * what {@code SELECT * FROM jmx.current."trino.plugin.freshet.metrics:catalog=freshet,table=shop.orders,type=tablemetrics"} reads.
     */
    private void assertMetrics(long hotRows, long commits)
            throws Exception
    {
        ObjectName name = new ObjectName("trino.plugin.freshet.metrics:type=TableMetrics,catalog=freshet,table=shop.orders");
        try (JMXConnector connector = JMXConnectorFactory.connect(new JMXServiceURL(server.jmxServiceUrl()))) {
            MBeanServerConnection mbeans = connector.getMBeanServerConnection();
            assertThat(mbeans.queryNames(new ObjectName("trino.plugin.freshet.metrics:*"), null)).containsExactly(name);
            assertThat(mbeans.getAttribute(name, "State")).isEqualTo("RUNNING");
            assertThat(mbeans.getAttribute(name, "Paused")).isEqualTo(false);
            assertThat(mbeans.getAttribute(name, "HotRows")).isEqualTo(hotRows);
            assertThat(mbeans.getAttribute(name, "UncommittedOffsets")).isEqualTo(hotRows);
            assertThat(mbeans.getAttribute(name, "ConsumedRecords")).isEqualTo((long) RECORDS);
            assertThat(mbeans.getAttribute(name, "BadRecords")).isEqualTo(0L);
            assertThat(mbeans.getAttribute(name, "Commits")).isEqualTo(commits);
            assertThat(mbeans.getAttribute(name, "Flushes")).isEqualTo(commits);
            if (commits > 0) {
                assertThat((long) mbeans.getAttribute(name, "FlushedBytes")).isPositive();
                assertThat((long) mbeans.getAttribute(name, "LastCommitNanos")).isPositive();
                assertThat((long) mbeans.getAttribute(name, "ParquetCpuNanos")).isPositive();
            }
            else {
                assertThat((long) mbeans.getAttribute(name, "HotBytes")).isPositive();
            }
        }
    }

    /** The same figures on Trino's OpenMetrics endpoint, where a Prometheus scrape finds them. */
    private void assertOpenMetrics(long hotRows, long commits)
            throws IOException, InterruptedException
    {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + server.serverAddress() + "/metrics"))
                .header("X-Trino-User", "monitoring")
                .GET()
                .build();
        HttpResponse<String> response;
        try (HttpClient client = HttpClient.newHttpClient()) {
            response = client.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
        assertThat(openMetric(response.body(), "ConsumedRecords")).isEqualTo(RECORDS);
        assertThat(openMetric(response.body(), "HotRows")).isEqualTo(hotRows);
        assertThat(openMetric(response.body(), "Commits")).isEqualTo(commits);
    }

    private static double openMetric(String exposition, String attribute)
    {
        // a sample line is "<sanitized object name and attribute> <value>"
        List<String> samples = exposition.lines()
                .filter(line -> !line.startsWith("#") && line.contains("freshet_metrics"))
                .filter(line -> line.substring(0, line.indexOf(' ')).endsWith("_" + attribute))
                .toList();
        assertThat(samples).as("%s in %s", attribute, exposition.lines().filter(line -> line.contains("freshet")).toList()).hasSize(1);
        return Double.parseDouble(samples.getFirst().substring(samples.getFirst().lastIndexOf(' ') + 1));
    }

    private List<String> sql(String statement)
            throws IOException, InterruptedException
    {
        return TrinoStatements.cli(javaHome, cliJar, server.serverAddress(), statement);
    }

    private void awaitResult(String query, String expected, Duration timeout)
            throws IOException, InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> last = List.of();
        while (System.nanoTime() < deadline) {
            try {
                last = sql(query);
            }
            catch (IllegalStateException e) {
                if (!e.getMessage().contains("No nodes available")) {
                    throw e;
                }
                // right after startup Trino may not list itself as an active node yet
                last = List.of(e.getMessage());
            }
            if (last.equals(List.of(expected))) {
                return;
            }
            Thread.sleep(100);
        }
        fail("%s returned %s, not %s, within %s", query, last, expected, timeout);
    }

    private List<Path> metadataFiles()
            throws IOException
    {
        try (Stream<Path> files = Files.walk(warehouse)) {
            return files.filter(file -> file.getFileName().toString().endsWith(".metadata.json")).toList();
        }
    }
}
