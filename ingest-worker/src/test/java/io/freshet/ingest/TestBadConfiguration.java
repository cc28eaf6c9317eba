package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.settings.IngestProperties;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.TestingKafka;
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

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Every configuration mistake fails fast with a message that names what to fix, and leaves no thread behind. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestBadConfiguration
{
    private static final List<NestedField> COLUMNS = List.of(NestedField.optional(1, "id", Types.LongType.get()));
    private static final TableIdentifier TABLE = TableIdentifier.of("shop", "orders");

    private TestingKafka kafka;

    @TempDir
    Path directory;

    @BeforeAll
    void startKafka()
    {
        kafka = new TestingKafka();
        kafka.createTopic("orders", 1);
    }

    @AfterAll
    void stopKafka()
            throws Exception
    {
        kafka.close();
    }

    @Test
    void invalidPropertiesNameTheProperty()
    {
        Map<String, String> valid = Map.of("kafka.bootstrap.servers", "localhost:9092");
        assertThatThrownBy(() -> IngestProperties.parse(Map.of()))
                .hasMessageContaining("kafka.bootstrap.servers is not set");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "freshet.flush.maxsize", "1MB")))
                .hasMessageContaining("Unknown properties [freshet.flush.maxsize]");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "freshet.flush.max-size", "lots")))
                .hasMessageContaining("Invalid freshet.flush.max-size 'lots': use a size such as 128MB");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "freshet.flush.interval", "5 minutes")))
                .hasMessageContaining("Invalid freshet.flush.interval '5 minutes'");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "freshet.bad-record-policy", "IGNORE")))
                .hasMessageContaining("Unknown bad record policy 'IGNORE': use SKIP, DEAD_LETTER or FAIL");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "iceberg.catalog.type", "HIVE")))
                .hasMessageContaining("Invalid iceberg.catalog.type 'HIVE': use JDBC or REST");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "iceberg.catalog.type", "REST")))
                .hasMessageContaining("iceberg.rest-catalog.uri must be set");
        assertThatThrownBy(() -> IngestProperties.parse(with(valid, "freshet.hot-buffer.max-size", "0B")))
                .hasMessageContaining("must be positive");
    }

    @Test
    void wrongBootstrapServersFailTableCreationFastWithoutLeakingThreads()
    {
        Set<String> before = liveThreads();
        // a host that does not resolve, and a port nobody listens on
        for (String servers : List.of("no-such-host.invalid:9092", "localhost:1")) {
            Map<String, String> kafkaProperties = Map.of("bootstrap.servers", servers, "default.api.timeout.ms", "3000", "request.timeout.ms", "2000");
            IngestSettings base = settings(servers, directory.resolve("wrong-" + servers.length()), Duration.ofHours(1), BadRecordPolicy.SKIP);
            IngestSettings settings = base.withKafkaProperties(kafkaProperties);
            long started = System.nanoTime();
            try (IngestWorker worker = new IngestWorker(settings)) {
                ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
                assertThatThrownBy(() -> worker.createTable(TABLE, COLUMNS, new TableBinding("orders", "json", Optional.empty(), Optional.empty()), Map.of()))
                        .as(servers)
                        .isInstanceOf(KafkaUnavailableException.class)
                        .hasMessageContaining(servers)
                        .hasMessageContaining("check kafka.bootstrap.servers");
                assertThat(worker.catalog().tableExists(TABLE)).isFalse();
            }
            assertThat(Duration.ofNanos(System.nanoTime() - started)).as(servers).isLessThan(Duration.ofSeconds(20));
        }
        assertNoThreadLeft(before);
    }

    @Test
    void tableWhoseBrokersCannotBeReachedFailsClearlyAndStopsCleanly()
    {
        Path warehouse = directory.resolve("unreachable");
        try (IngestWorker worker = new IngestWorker(settings(kafka.bootstrapServers(), warehouse, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
            worker.createTable(TABLE, COLUMNS, new TableBinding("orders", "json", Optional.empty(), Optional.empty()), Map.of(), false);
        }
        Set<String> before = liveThreads();
        IngestSettings base = settings("no-such-host.invalid:9092", warehouse, Duration.ofHours(1), BadRecordPolicy.SKIP);
        try (IngestWorker worker = new IngestWorker(base)) {
            worker.startAll();
            TableIngester ingester = worker.ingester(TABLE).orElseThrow();
            waitUntil("the table fails", Duration.ofSeconds(30), () -> ingester.status().state() == IngestionStatus.State.FAILED);
            assertThat(ingester.status().failure().orElseThrow())
                    .contains("no-such-host.invalid:9092", "check kafka.bootstrap.servers");
        }
        // a broker that does not answer: the table waits for it, and stopping it leaves nothing running
        try (IngestWorker worker = new IngestWorker(settings("localhost:1", warehouse, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            worker.startAll();
            TableIngester ingester = worker.ingester(TABLE).orElseThrow();
            waitUntil("the table waits for its brokers", Duration.ofSeconds(30), () -> ingester.status().state() == IngestionStatus.State.WAITING_FOR_TOPIC, ingester::status);
        }
        assertNoThreadLeft(before);
    }

    @Test
    void badCatalogSettingsFailFast()
            throws Exception
    {
        Set<String> before = liveThreads();
        Path file = Files.writeString(directory.resolve("not-a-directory"), "x");
        IngestSettings base = settings(kafka.bootstrapServers(), file.resolve("warehouse"), Duration.ofHours(1), BadRecordPolicy.SKIP);
        // nothing opens the catalog at start: the first use fails with what to fix
        try (IngestWorker worker = new IngestWorker(base)) {
            assertThatThrownBy(worker::catalog)
                    .hasMessageContaining("Cannot create the warehouse directory");
            assertThat(worker.catalogStatus().open()).isFalse();
            assertThat(worker.catalogStatus().failure().orElseThrow()).contains("Cannot create the warehouse directory");
        }

        String secret = "hunter2-catalog";
        CatalogSettings unreachable = base.catalog().withJdbcConnection("jdbc:nosuchdatabase://localhost:1/iceberg?password=" + secret, Optional.of("iceberg"), Optional.of(secret));
        IngestSettings jdbc = base.withCatalog(unreachable);
        try (IngestWorker worker = new IngestWorker(jdbc)) {
            assertThatThrownBy(worker::catalog)
                    .hasMessageContaining("iceberg.jdbc-catalog.connection-url")
                    .satisfies(failure -> assertThat(stackTraceOf(failure)).doesNotContain(secret));
            assertThat(worker.catalogStatus().failure().orElseThrow()).doesNotContain(secret);
        }
        assertNoThreadLeft(before);
    }

    private static String stackTraceOf(Throwable throwable)
    {
        java.io.StringWriter writer = new java.io.StringWriter();
        throwable.printStackTrace(new java.io.PrintWriter(writer));
        return writer.toString();
    }

    private static Map<String, String> with(Map<String, String> properties, String name, String value)
    {
        Map<String, String> result = new HashMap<>(properties);
        result.put(name, value);
        return result;
    }

    private static Set<String> liveThreads()
    {
        Set<String> names = new TreeSet<>();
        Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                // shared threads of the JVM, not ours to stop
                .filter(thread -> !thread.getName().startsWith("ForkJoinPool.commonPool") && !thread.getName().equals("process reaper") && !thread.getName().equals("Common-Cleaner"))
                .forEach(thread -> names.add(thread.getName()));
        return names;
    }

    private static void assertNoThreadLeft(Set<String> before)
    {
        waitUntil("threads started since are gone", Duration.ofSeconds(15), () -> {
            Set<String> after = liveThreads();
            after.removeAll(before);
            return after.isEmpty();
        }, () -> {
            Set<String> after = liveThreads();
            after.removeAll(before);
            return after;
        });
    }
}
