package io.freshet.trino;

import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.freshet.trino.testing.TestingIcebergRestServer;
import io.freshet.trino.testing.TestingS3Server;
import io.freshet.trino.testing.TestingTrinoPlugins;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static io.freshet.trino.testing.TestingTrinoPlugins.ICEBERG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Partitioned Freshet tables and schema evolution, with Freshet and Trino's Iceberg connector on one Iceberg REST
 * catalog: both read the same rows before and after every change, whichever engine made it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestPartitioningAndSchemaEvolution
{
    private static final String BUCKET = "lake";
    private static final Instant FIRST_DAY = Instant.parse("2026-11-01T00:00:00Z");

    private TestingKafka kafka;
    private TestingS3Server s3;
    private TestingIcebergRestServer rest;
    private DistributedQueryRunner queryRunner;

    @BeforeAll
    void setUp()
            throws Exception
    {
        kafka = new TestingKafka();
        s3 = new TestingS3Server(BUCKET);
        rest = new TestingIcebergRestServer(s3, "s3://%s/rest".formatted(BUCKET));
        Map<String, String> properties = new HashMap<>(s3.trinoProperties());
        properties.put("iceberg.catalog.type", "REST");
        properties.put("iceberg.rest-catalog.uri", rest.uri());
        properties.put("iceberg.rest-catalog.warehouse", "s3://%s/rest".formatted(BUCKET));
        properties.put("freshet.flush.interval", "1h");
        properties.put("freshet.maintenance.enabled", "false");
        queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), Path.of("unused"), properties);
        queryRunner.execute("CREATE SCHEMA freshet.shop");
        TestingTrinoPlugins.installPlugin(queryRunner, ICEBERG);
        Map<String, String> iceberg = new HashMap<>(s3.trinoProperties());
        iceberg.put("iceberg.catalog.type", "rest");
        iceberg.put("iceberg.rest-catalog.uri", rest.uri());
        queryRunner.createCatalog("iceberg", "iceberg", iceberg);
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        if (queryRunner != null) {
            queryRunner.close();
        }
        if (rest != null) {
            rest.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    @Test
    void partitionedTableKeepsBothLayoutsThroughSpecAndSchemaEvolution()
    {
        kafka.createTopic("sales", 2);
        queryRunner.execute("""
                CREATE TABLE sales (id bigint, ts timestamp(6) with time zone, country varchar, amount integer, price real, address row(city varchar))
                WITH (kafka_topic = 'sales', partitioning = ARRAY['day(ts)', 'bucket(id, 4)'])""");
        assertThat((String) scalar("SHOW CREATE TABLE sales")).contains("partitioning = ARRAY['day(ts)','bucket(id, 4)']");
        send("sales", 0, 300, "country", "");
        waitForCount("sales", 300);
        // hot: the predicate on the partition source column prunes by batch statistics and still answers exactly
        assertThat(scalar("SELECT count(*) FROM sales WHERE ts >= TIMESTAMP '2026-11-02 00:00:00 UTC' AND ts < TIMESTAMP '2026-11-03 00:00:00 UTC'")).isEqualTo(100L);

        queryRunner.execute("CALL freshet.system.flush('shop', 'sales')");
        assertThat(scalar("SELECT count(*) FROM sales WHERE ts >= TIMESTAMP '2026-11-02 00:00:00 UTC' AND ts < TIMESTAMP '2026-11-03 00:00:00 UTC'")).isEqualTo(100L);
        // one file per Iceberg partition and Kafka partition: 3 days x 4 buckets x 2 Kafka partitions at most, each with one Kafka partition
        List<MaterializedRow> partitions = queryRunner.execute("SELECT partition, kafka_partition, record_count, file_count, min_offset, max_offset FROM \"sales$partitions\"").getMaterializedRows();
        assertThat(partitions).allSatisfy(row -> {
            assertThat((String) row.getField(0)).matches("ts_day=2026-11-0[123]/id_bucket=[0-3]");
            assertThat(row.getField(1)).isNotNull();
            assertThat(row.getField(3)).isEqualTo(1L);
        });
        assertThat(partitions.stream().mapToLong(row -> (Long) row.getField(2)).sum()).isEqualTo(300L);
        assertThat(partitions.size()).isGreaterThan(12);
        assertThat(scalar("SELECT count(*) FROM iceberg.shop.\"sales$files\" WHERE partition.ts_day = DATE '2026-11-02'")).isEqualTo(
                scalar("SELECT count(*) FROM \"sales$partitions\" WHERE partition LIKE 'ts_day=2026-11-02/%'"));
        assertSameRows("sales");
        assertVerified("sales");

        // schema evolution through Freshet: old files and hot batches read by field id
        send("sales", 300, 60, "country", "");
        waitForCount("sales", 360);
        queryRunner.execute("ALTER TABLE sales ADD COLUMN note varchar");
        queryRunner.execute("ALTER TABLE sales RENAME COLUMN country TO region");
        queryRunner.execute("ALTER TABLE sales ALTER COLUMN amount SET DATA TYPE bigint");
        queryRunner.execute("ALTER TABLE sales ALTER COLUMN price SET DATA TYPE double");
        queryRunner.execute("ALTER TABLE sales DROP COLUMN note");
        queryRunner.execute("ALTER TABLE sales ADD COLUMN note varchar");
        queryRunner.execute("ALTER TABLE sales ADD COLUMN address.zip varchar");
        send("sales", 360, 40, "country", ", \"note\": \"n%s\"");
        waitUntil("new rows carry the added column", Duration.ofSeconds(60), () -> scalar("SELECT count(note) FROM sales").equals(40L));
        assertThat(scalar("SELECT count(address.zip) FROM sales")).as("the added field is filled from the first record after the change only").isEqualTo(40L);
        assertThat(scalar("SELECT address.city || address.zip FROM sales WHERE id = 399")).isEqualTo("city4z399");
        assertThat(scalar("SELECT address.city FROM sales WHERE id = 1")).isEqualTo("city1");
        assertThat(scalar("SELECT count(*) FROM sales")).isEqualTo(400L);
        assertThat(scalar("SELECT count(region) FROM sales")).as("a renamed column keeps its data and its JSON field").isEqualTo(400L);
        assertThat(scalar("SELECT sum(amount) FROM sales")).isEqualTo(IntStream.range(0, 400).mapToLong(id -> id % 7).sum());
        assertThat(scalar("SELECT region FROM sales WHERE id = 10")).isEqualTo("c10");
        assertThat(scalar("SELECT region || '/' || note FROM sales WHERE id = 390")).isEqualTo("c390/n390");
        assertThat(scalar("SELECT note FROM sales WHERE id = 350")).isNull();
        assertThat(scalar("SELECT typeof(amount) || ' ' || typeof(price) FROM sales WHERE id = 1")).isEqualTo("bigint double");
        assertThat(scalar("SELECT price FROM sales WHERE id = 301")).isEqualTo(301.5);
        queryRunner.execute("CALL freshet.system.flush('shop', 'sales')");
        assertSameRows("sales");
        assertVerified("sales");

        queryRunner.execute("ALTER TABLE sales DROP COLUMN address.zip");
        assertThat(scalar("SELECT count(*) FROM sales WHERE address.city = 'city4'")).isEqualTo(80L);

        // the spec evolves for new data; old files keep theirs, compaction never merges across partitions
        queryRunner.execute("ALTER TABLE sales SET PROPERTIES partitioning = ARRAY['month(ts)', 'region']");
        assertThat((String) scalar("SHOW CREATE TABLE sales")).contains("partitioning = ARRAY['month(ts)','region']");
        send("sales", 400, 60, "country", "");
        waitForCount("sales", 460);
        queryRunner.execute("CALL freshet.system.flush('shop', 'sales')");
        assertThat(queryRunner.execute("SELECT DISTINCT spec_id FROM \"sales$partitions\"").getOnlyColumnAsSet()).hasSize(2);
        assertThat(scalar("SELECT count(*) FROM \"sales$partitions\" WHERE partition LIKE 'ts_month=2026-11/region=c4%'")).isEqualTo(
                scalar("SELECT count(DISTINCT (region, _partition_id)) FROM sales WHERE id >= 400 AND region LIKE 'c4%'"));
        assertSameRows("sales");
        queryRunner.execute("CALL freshet.system.compact(schema_name => 'shop', table_name => 'sales')");
        assertThat(queryRunner.execute("SELECT file_count FROM \"sales$partitions\"").getOnlyColumnAsSet()).containsOnly(1L);
        assertSameRows("sales");
        assertVerified("sales");
        assertThat(scalar("SELECT count(*) FROM sales WHERE ts >= TIMESTAMP '2026-11-02 00:00:00 UTC' AND ts < TIMESTAMP '2026-11-03 00:00:00 UTC'"))
                .isEqualTo(IntStream.range(0, 460).filter(id -> id % 3 == 1).count());
    }

    @Test
    void changesByTrinoIcebergConnectorAreAdoptedOrStopTheTable()
            throws InterruptedException
    {
        kafka.createTopic("visits", 2);
        queryRunner.execute("CREATE TABLE visits (id bigint, ts timestamp(6) with time zone, page varchar, amount integer, price real) WITH (kafka_topic = 'visits')");
        send("visits", 0, 100, "page", "");
        waitForCount("visits", 100);
        queryRunner.execute("CALL freshet.system.flush('shop', 'visits')");
        send("visits", 100, 20, "page", "");
        waitForCount("visits", 120);

        // another engine adds and renames columns and partitions the table: ingestion adopts it between two polls
        queryRunner.execute("ALTER TABLE iceberg.shop.visits ADD COLUMN referrer varchar");
        queryRunner.execute("ALTER TABLE iceberg.shop.visits RENAME COLUMN page TO path");
        queryRunner.execute("ALTER TABLE iceberg.shop.visits SET PROPERTIES partitioning = ARRAY['bucket(id, 2)']");
        queryRunner.execute("CALL freshet.system.flush('shop', 'visits')");
        // another engine's change is found at the next commit or check (every 5 s): records polled before that keep the old columns
        Thread.sleep(6_000);
        send("visits", 120, 30, "page", ", \"referrer\": \"r%s\"");
        waitForCount("visits", 150);
        waitUntil("the added column is ingested", Duration.ofSeconds(60), () -> (Long) scalar("SELECT count(referrer) FROM visits") > 0);
        long adopted = (Long) scalar("SELECT count(referrer) FROM visits");
        send("visits", 150, 10, "page", ", \"referrer\": \"r%s\"");
        waitForCount("visits", 160);
        assertThat(scalar("SELECT count(referrer) FROM visits")).as("every record after the adoption fills the added column").isEqualTo(adopted + 10);
        assertThat(scalar("SELECT count(*) FROM visits WHERE referrer <> 'r' || CAST(id AS varchar)")).isEqualTo(0L);
        assertThat(scalar("SELECT count(path) FROM visits")).as("the renamed column still decodes from its JSON field").isEqualTo(160L);
        assertThat(scalar("SELECT path FROM visits WHERE id = 140")).isEqualTo("c140");
        queryRunner.execute("CALL freshet.system.flush('shop', 'visits')");
        assertThat((Long) scalar("SELECT count(*) FROM iceberg.shop.\"visits$files\" WHERE partition.id_bucket IS NOT NULL")).isPositive();
        assertSameRows("visits");
        assertVerified("visits");

        // a change Freshet cannot write stops the table with the reason; nothing is written in the wrong place
        queryRunner.execute("ALTER TABLE iceberg.shop.visits DROP COLUMN _key");
        send("visits", 160, 10, "page", "");
        String status = "SELECT state, failure FROM freshet.system.ingest_status WHERE table_name = 'visits'";
        waitUntil("visits failed", Duration.ofSeconds(60), () -> queryRunner.execute(status).getMaterializedRows().stream().anyMatch(row -> "FAILED".equals(row.getField(0))));
        assertThat((String) queryRunner.execute(status).getMaterializedRows().getFirst().getField(1)).contains("_key", "dropped, renamed or retyped by another engine");
        assertThat(scalar("SELECT count(*) FROM iceberg.shop.visits")).isEqualTo(160L);
    }

    @Test
    void badPartitioningAndSchemaChangesAreClearErrorsThatChangeNothing()
    {
        kafka.createTopic("orders", 1);
        String create = "CREATE TABLE orders (id bigint, ts timestamp(6) with time zone, name varchar, tags array(varchar)) WITH (kafka_topic = 'orders', partitioning = ARRAY[%s])";
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'week(ts)'"))).hasMessageContaining("Invalid partitioning 'week(ts)': use column, year(column)");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'day(missing)'"))).hasMessageContaining("column missing does not exist");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'day(name)'"))).hasMessageContaining("day cannot be applied to column name of type string");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'bucket(id, 0)'"))).hasMessageContaining("the bucket width must be a positive integer");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'tags'"))).hasMessageContaining("column tags of type list<string> is not a primitive column");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'_key'"))).hasMessageContaining("Kafka metadata column _key cannot be partitioned");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'_partition_offset'"))).hasMessageContaining("Kafka metadata column _partition_offset cannot be partitioned");
        assertThatThrownBy(() -> queryRunner.execute(create.formatted("'_timestamp'"))).hasMessageContaining("column _timestamp can be partitioned by year, month, day or hour only");
        assertThat(queryRunner.execute("SHOW TABLES").getOnlyColumnAsSet()).doesNotContain("orders");

        queryRunner.execute(create.formatted("'hour(_timestamp)', '_partition_id'"));
        assertThat((String) scalar("SHOW CREATE TABLE orders")).contains("partitioning = ARRAY['hour(_timestamp)','_partition_id']");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders SET PROPERTIES partitioning = ARRAY['truncate(ts, 4)']"))
                .hasMessageContaining("truncate cannot be applied to column ts");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders ALTER COLUMN name SET DATA TYPE bigint"))
                .hasMessageContaining("Cannot change the type of column name from string to long");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders ALTER COLUMN id SET DATA TYPE integer"))
                .hasMessageContaining("Cannot change the type of column id from long to int");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders RENAME COLUMN _key TO k")).hasMessageContaining("Kafka metadata columns");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders RENAME COLUMN name TO _key")).hasMessageContaining("Column '_key' already exists");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders DROP COLUMN _partition_offset")).hasMessageContaining("Kafka metadata columns");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders ADD COLUMN _headers varchar")).hasMessageContaining("Column '_headers' already exists");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders ADD COLUMN required bigint NOT NULL")).hasMessageContaining("does not support NOT NULL for column 'required'");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders ADD COLUMN name varchar")).hasMessageContaining("Column 'name' already exists");
        queryRunner.execute("ALTER TABLE orders SET PROPERTIES partitioning = ARRAY['day(ts)']");
        assertThatThrownBy(() -> queryRunner.execute("ALTER TABLE orders DROP COLUMN ts")).hasMessageContaining("the table is partitioned by it");
        assertThat((String) scalar("SHOW CREATE TABLE orders")).contains("partitioning = ARRAY['day(ts)']");
        assertThat(queryRunner.execute("SELECT column_name FROM information_schema.columns WHERE table_schema = 'shop' AND table_name = 'orders'").getOnlyColumnAsSet()).containsExactlyInAnyOrder("id", "ts", "name", "tags", "_partition_id", "_partition_offset", "_timestamp", "_key", "_headers");
    }

    /**
     * Records {@code id} in [first, first + count): day by {@code id % 3}, the text column {@code c<id>}, amount {@code id % 7}, price
     * {@code id + 0.5}, address {@code {city: city<id % 5>, zip: z<id>}}.
     */
    private void send(String topic, int first, int count, String textField, String extraFormat)
    {
        for (int id = first; id < first + count; id++) {
            String ts = FIRST_DAY.plus(Duration.ofDays(id % 3)).plusSeconds(id).toString();
            String extra = extraFormat.isEmpty() ? "" : extraFormat.formatted(id);
            kafka.send(topic, id % 2, Integer.toString(id), "{\"id\": %s, \"ts\": \"%s\", \"%s\": \"c%s\", \"amount\": %s, \"price\": %s.5, \"address\": {\"city\": \"city%s\", \"zip\": \"z%s\"}%s}"
                    .formatted(id, ts, textField, id, id % 7, id, id % 5, id, extra));
        }
    }

    private void assertSameRows(String table)
    {
        String columns = String.join(", ", queryRunner.execute("SELECT column_name FROM iceberg.information_schema.columns WHERE table_schema = 'shop' AND table_name = '%s'".formatted(table)).getOnlyColumnAsSet().stream().map(String.class::cast).toList());
        List<MaterializedRow> throughIceberg = queryRunner.execute("SELECT %s FROM iceberg.shop.%s".formatted(columns, table)).getMaterializedRows();
        List<MaterializedRow> throughFreshet = queryRunner.execute("SELECT %s FROM freshet.shop.%s".formatted(columns, table)).getMaterializedRows();
        assertThat(throughIceberg).isNotEmpty();
        assertThat(throughFreshet).containsExactlyInAnyOrderElementsOf(throughIceberg);
    }

    private void assertVerified(String table)
    {
        List<MaterializedRow> verified = queryRunner.execute("SELECT missing, duplicated, extra FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => '%s'))".formatted(table)).getMaterializedRows();
        assertThat(verified).isNotEmpty().allSatisfy(row -> assertThat(row.getFields()).containsOnly(0L));
    }

    private void waitForCount(String table, long count)
    {
        waitUntil(table + " has " + count + " rows", Duration.ofSeconds(60), () -> scalar("SELECT count(*) FROM " + table).equals(count));
    }

    private Object scalar(String sql)
    {
        return queryRunner.execute(sql).getOnlyValue();
    }
}
