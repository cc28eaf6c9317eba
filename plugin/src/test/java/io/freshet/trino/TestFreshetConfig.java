package io.freshet.trino;

import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.freshet.ingest.settings.IngestDefaults;
import io.freshet.ingest.settings.IngestProperties;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.catalog.FileIoFactory;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.trino.catalog.RestCatalogConfig;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.ingestion.KafkaClientProperties;
import io.freshet.trino.upkeep.TestUpkeepConfig;
import io.freshet.trino.upkeep.UpkeepConfig;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.units.DataSize.Unit.KILOBYTE;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static io.freshet.trino.testing.ConfigurationDocumentation.assertDocumentsProperties;
import static org.assertj.core.api.Assertions.assertThat;

class TestFreshetConfig
{
    private static final Map<String, String> EXPLICIT = Map.ofEntries(
            Map.entry("iceberg.catalog.type", "REST"),
            Map.entry("iceberg.jdbc-catalog.catalog-name", "lake"),
            Map.entry("iceberg.jdbc-catalog.default-warehouse-dir", "/data/warehouse"),
            Map.entry("iceberg.jdbc-catalog.connection-url", "jdbc:postgresql://localhost/iceberg"),
            Map.entry("iceberg.jdbc-catalog.connection-user", "iceberg"),
            Map.entry("iceberg.jdbc-catalog.connection-password", "secret"),
            Map.entry("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver"),
            Map.entry("iceberg.rest-catalog.uri", "http://localhost:8181"),
            Map.entry("freshet.hot-buffer.max-size", "2GB"),
            Map.entry("freshet.flush.max-size", "256MB"),
            Map.entry("freshet.flush.interval", "30s"),
            Map.entry("freshet.bad-record-policy", "DEAD_LETTER"),
            Map.entry("freshet.max-record-size", "512kB"),
            Map.entry("freshet.query-lease-timeout", "10m"),
            Map.entry("freshet.ingestion.enabled", "false"),
            Map.entry("freshet.allowed-topics", "shop\\..*"));

    private static final Map<String, String> REST_EXPLICIT = Map.of(
            "iceberg.rest-catalog.warehouse", "s3://lake/warehouse",
            "iceberg.rest-catalog.security", "OAUTH2",
            "iceberg.rest-catalog.oauth2.credential", "client:secret",
            "iceberg.rest-catalog.oauth2.token", "token",
            "iceberg.rest-catalog.oauth2.scope", "catalog",
            "iceberg.rest-catalog.oauth2.server-uri", "http://localhost:8181/v1/oauth/tokens");
    // Trino's file-system properties (FileSystemConfig, S3FileSystemConfig, LocalFileSystemConfig) that the examples use
    private static final java.util.Set<String> FILE_SYSTEM_PROPERTIES = java.util.Set.of(
            "fs.native-s3.enabled", "fs.native-local.enabled", "local.location",
            "s3.endpoint", "s3.region", "s3.path-style-access", "s3.aws-access-key", "s3.aws-secret-key");
    private static final FileIoFactory SAME_FILE_IO = _ -> {
        throw new UnsupportedOperationException();
    };

    @Test
    void defaults()
    {
        assertRecordedDefaults(recordDefaults(FreshetConfig.class)
                .setCatalogType(CatalogType.JDBC)
                .setCatalogName("freshet")
                .setWarehouse("freshet-data")
                .setJdbcConnectionUrl(null)
                .setJdbcUser(null)
                .setJdbcPassword(null)
                .setJdbcDriverClass(null)
                .setRestUri(null)
                .setHotBufferMaxSize(DataSize.of(1024, MEGABYTE))
                .setFlushMaxSize(DataSize.of(128, MEGABYTE))
                .setFlushInterval(new Duration(5, TimeUnit.MINUTES))
                .setBadRecordPolicy(BadRecordPolicy.SKIP)
                .setMaxRecordSize(DataSize.of(8, MEGABYTE))
                .setQueryLeaseTimeout(new Duration(1, TimeUnit.HOURS))
                .setIngestionEnabled(true)
                .setAllowedTopics(".*"));
    }

    @Test
    void explicitProperties()
    {
        assertFullMapping(EXPLICIT, explicitConfig());
    }

    /** docs/configuration.md names every property with its default, and no property that does not exist. */
    @Test
    void documentationMatchesConfiguration()
            throws Exception
    {
        String documentation = assertDocumentsProperties(EXPLICIT.keySet());
        // each default is written once (IngestDefaults), and the documentation shows that value
        IngestDefaults.byProperty().forEach((property, value) -> assertThat(documentation)
                .as("docs/configuration.md gives %s the default %s", property, value)
                .contains("| `%s` | `%s` |".formatted(property, value)));
        Matcher documented = Pattern.compile("^\\| `((?:iceberg|freshet)\\.[a-z.-]+)`", Pattern.MULTILINE).matcher(documentation);
        while (documented.find()) {
            assertThat(allProperties()).as("documented property %s exists", documented.group(1)).contains(documented.group(1));
        }
    }

    /** The example catalog files (etc/ and docker/) and the standalone worker's file pass the same validation. */
    @Test
    void exampleCatalogFilesAreValid()
            throws Exception
    {
        List<Path> files = new ArrayList<>();
        try (var examples = Files.list(Path.of("..", "etc", "catalog"))) {
            examples.forEach(files::add);
        }
        files.add(Path.of("..", "etc", "ingest-worker.properties"));
        files.add(Path.of("..", "docker", "etc", "catalog", "freshet.properties"));
        assertThat(files).hasSizeGreaterThanOrEqualTo(5);
        for (Path file : files) {
            Properties properties = new Properties();
            try (var reader = Files.newBufferedReader(file)) {
                properties.load(reader);
            }
            Map<String, String> values = new HashMap<>();
            properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name)));
            assertThat(values.getOrDefault("connector.name", "freshet")).as(file.toString()).isEqualTo("freshet");
            values.keySet().stream()
                    .filter(name -> !name.startsWith("kafka.") && !name.equals("connector.name"))
                    .forEach(name -> assertThat(allProperties()).as("%s uses property %s", file, name).contains(name));
            assertThat(IngestProperties.parse(values).kafkaProperties()).as(file.toString()).containsKey("bootstrap.servers");
        }
    }

    /** The standalone worker reads the catalog file's names with the same defaults and meanings as the connector. */
    @Test
    void standaloneWorkerReadsPropertiesLikeTheConnector()
    {
        Map<String, String> kafka = Map.of("kafka.bootstrap.servers", "localhost:9092", "kafka.security.protocol", "SASL_SSL");
        assertThat(sameFileIo(IngestProperties.parse(kafka)))
                .isEqualTo(IngestionManager.settings(new FreshetConfig(), new RestCatalogConfig(), new UpkeepConfig(), KafkaClientProperties.fromCatalogProperties(kafka), SAME_FILE_IO));

        Map<String, String> explicit = new HashMap<>(EXPLICIT);
        explicit.putAll(kafka);
        FreshetConfig config = explicitConfig();
        assertThat(sameFileIo(IngestProperties.parse(explicit))).isEqualTo(IngestionManager.settings(config, new RestCatalogConfig(), new UpkeepConfig(), KafkaClientProperties.fromCatalogProperties(kafka), SAME_FILE_IO));
    }

    @Test
    void restCatalogDefaults()
    {
        assertRecordedDefaults(recordDefaults(RestCatalogConfig.class)
                .setWarehouse(null)
                .setSecurity(RestCatalogConfig.Security.NONE)
                .setCredential(null)
                .setToken(null)
                .setScope(null)
                .setServerUri(null));
    }

    @Test
    void restCatalogExplicitProperties()
    {
        assertFullMapping(REST_EXPLICIT, new RestCatalogConfig()
                .setWarehouse("s3://lake/warehouse")
                .setSecurity(RestCatalogConfig.Security.OAUTH2)
                .setCredential("client:secret")
                .setToken("token")
                .setScope("catalog")
                .setServerUri("http://localhost:8181/v1/oauth/tokens"));
    }

    /** The FileIO differs between Trino (its file systems) and the standalone worker (S3FileIO or local files): compare the rest. */
    private static IngestSettings sameFileIo(IngestSettings settings)
    {
        return settings.withCatalog(settings.catalog().withFileIoFactory(SAME_FILE_IO));
    }

    /** Every catalog property of every {@code @Config} class of the connector. */
    private static java.util.Set<String> allProperties()
    {
        java.util.Set<String> names = new java.util.HashSet<>(EXPLICIT.keySet());
        names.addAll(TestUpkeepConfig.EXPLICIT.keySet());
        names.addAll(io.freshet.trino.cluster.TestClusterReadConfig.EXPLICIT.keySet());
        names.addAll(io.freshet.trino.cluster.TestClusterConfig.EXPLICIT.keySet());
        names.addAll(REST_EXPLICIT.keySet());
        names.addAll(FILE_SYSTEM_PROPERTIES);
        return names;
    }

    private static FreshetConfig explicitConfig()
    {
        return new FreshetConfig()
                .setCatalogType(CatalogType.REST)
                .setCatalogName("lake")
                .setWarehouse("/data/warehouse")
                .setJdbcConnectionUrl("jdbc:postgresql://localhost/iceberg")
                .setJdbcUser("iceberg")
                .setJdbcPassword("secret")
                .setJdbcDriverClass("org.postgresql.Driver")
                .setRestUri("http://localhost:8181")
                .setHotBufferMaxSize(DataSize.of(2, DataSize.Unit.GIGABYTE))
                .setFlushMaxSize(DataSize.of(256, MEGABYTE))
                .setFlushInterval(new Duration(30, TimeUnit.SECONDS))
                .setBadRecordPolicy(BadRecordPolicy.DEAD_LETTER)
                .setMaxRecordSize(DataSize.of(512, KILOBYTE))
                .setQueryLeaseTimeout(new Duration(10, TimeUnit.MINUTES))
                .setIngestionEnabled(false)
                .setAllowedTopics("shop\\..*");
    }
}
