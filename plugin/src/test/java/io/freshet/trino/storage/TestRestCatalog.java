package io.freshet.trino.storage;

import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.freshet.trino.testing.RestCatalogLake;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Freshet on an Iceberg REST catalog: Iceberg's own REST catalog server, tables on S3, the settings of Trino's
 * Iceberg connector; Trino's Iceberg connector reads the same table through the same REST catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestRestCatalog
{
    private static final String BUCKET = "lake";
    private static final int PARTITIONS = 2;

    private RestCatalogLake lake;
    private TestingKafka kafka;
    private DistributedQueryRunner queryRunner;

    @BeforeAll
    void setUp()
            throws Exception
    {
        lake = new RestCatalogLake(BUCKET);
        kafka = lake.kafka();
        queryRunner = lake.createQueryRunner(Map.of("freshet.flush.interval", "1h"));
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        if (queryRunner != null) {
            queryRunner.close();
        }
        if (lake != null) {
            lake.close();
        }
    }

    @Test
    void ingestAndQueryThroughTheRestCatalog()
    {
        queryRunner.execute("CREATE SCHEMA freshet.shop");
        kafka.createTopic("clicks", PARTITIONS);
        queryRunner.execute("CREATE TABLE clicks (id bigint, page varchar) WITH (kafka_topic = 'clicks')");
        kafka.sendAll("clicks", PARTITIONS, events(0, 200));
        waitForCount(200);
        queryRunner.execute("CALL freshet.system.flush('shop', 'clicks')");
        kafka.sendAll("clicks", PARTITIONS, events(200, 40));
        waitForCount(240);
        assertThat(queryRunner.execute("SELECT sum(id) FROM clicks").getOnlyValue()).isEqualTo(239L * 240 / 2);
        String file = (String) queryRunner.execute("SELECT file_path FROM \"clicks$files\" LIMIT 1").getOnlyValue();
        assertThat(file).startsWith("s3://%s/rest/".formatted(BUCKET));
        List<MaterializedRow> verified = queryRunner.execute("SELECT missing, duplicated, extra FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'clicks'))").getMaterializedRows();
        assertThat(verified).hasSize(PARTITIONS).allSatisfy(row -> assertThat(row.getFields()).containsOnly(0L));

        // Trino's Iceberg connector reads the committed rows through the same REST catalog
        lake.createIcebergCatalog(queryRunner, "iceberg_rest");
        assertThat(queryRunner.execute("SELECT count(*) FROM iceberg_rest.shop.clicks").getOnlyValue()).isEqualTo(200L);
    }

    /** An unreachable catalog never stops Trino from starting: queries fail naming the property, and ingest_status says what ingestion waits for. */
    @Test
    void unreachableRestCatalogFailsQueriesNamingTheProperty()
            throws Exception
    {
        Map<String, String> properties = lake.freshetProperties("http://127.0.0.1:1", Map.of());
        try (DistributedQueryRunner unreachable = FreshetQueryRunner.create(kafka.bootstrapServers(), Path.of("unused"), properties)) {
            assertThatThrownBy(() -> unreachable.execute("SHOW SCHEMAS FROM freshet"))
                    .hasStackTraceContaining("iceberg.rest-catalog.uri");
            waitUntil("ingest_status says ingestion waits for the catalog", Duration.ofSeconds(60), () -> unreachable.execute("SELECT state, failure FROM freshet.system.ingest_status")
                    .getMaterializedRows().stream()
                    .anyMatch(row -> row.getField(0).equals("WAITING_FOR_CATALOG") && row.getField(1).toString().contains("iceberg.rest-catalog.uri")));
        }
    }

    private void waitForCount(long count)
    {
        waitUntil("clicks has %s rows".formatted(count), Duration.ofSeconds(60), () -> queryRunner.execute("SELECT count(*) FROM clicks").getOnlyValue().equals(count));
    }

    private static List<String> events(int firstId, int count)
    {
        return IntStream.range(firstId, firstId + count)
                .mapToObj(id -> "{\"id\": %s, \"page\": \"/page/%s\"}".formatted(id, id % 7))
                .toList();
    }
}
