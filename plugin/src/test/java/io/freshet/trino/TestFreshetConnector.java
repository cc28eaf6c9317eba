package io.freshet.trino;

import io.freshet.trino.testing.FreshetExtension;
import io.freshet.trino.testing.TestingTrinoPlugins;
import io.trino.Session;
import io.trino.testing.MaterializedResult;
import io.trino.testing.MaterializedRow;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static io.freshet.trino.testing.TestingTrinoPlugins.ICEBERG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestFreshetConnector
{
    private static final String COLUMNS = """
            id bigint,
            customer varchar,
            amount decimal(10, 2),
            quantity integer,
            price double,
            paid boolean,
            created timestamp(6) with time zone,
            placed timestamp(6),
            day date,
            tags array(varchar),
            address row(city varchar, zip varchar),
            attributes map(varchar, bigint),
            payload varbinary,
            small decimal(5, 1),
            large decimal(38, 9),
            ratio real""";

    @RegisterExtension
    static final FreshetExtension freshet = new FreshetExtension(Map.of("freshet.flush.interval", "1h"));

    @Test
    void hotThenColdThenMixedExactlyOnce()
    {
        freshet.kafka().createTopic("orders", 3);
        freshet.queryRunner().execute("CREATE TABLE orders (" + COLUMNS + ") WITH (kafka_topic = 'orders')");
        freshet.kafka().sendAll("orders", 3, orders(0, 300));

        // all hot
        waitForCount("orders", 300);
        assertExactOffsets("orders");
        assertThat(scalar("SELECT sum(id) FROM orders")).isEqualTo(299L * 300 / 2);
        assertThat(scalar("SELECT count(*) FROM \"orders\" WHERE _partition_id = 1")).isEqualTo(100L);
        assertThat(scalar("SELECT count(*) FROM orders WHERE _partition_offset >= 90")).isEqualTo(30L);

        // all cold
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'orders')");
        assertThat(hotRows("orders")).isZero();
        assertExactOffsets("orders");
        assertThat(scalar("SELECT sum(id) FROM orders")).isEqualTo(299L * 300 / 2);
        assertThat(scalar("SELECT count(*) FROM orders WHERE _partition_id = 1")).isEqualTo(100L);
        assertThat(scalar("SELECT count(*) FROM orders WHERE _partition_offset >= 90")).isEqualTo(30L);

        // hot and cold together
        freshet.kafka().sendAll("orders", 3, orders(300, 150));
        waitForCount("orders", 450);
        assertExactOffsets("orders");
        assertThat(scalar("SELECT sum(id) FROM orders")).isEqualTo(449L * 450 / 2);

        // every type comes back the same from the hot buffer and from Parquet
        String row = "SELECT id, customer, amount, quantity, price, paid, created, placed, day, tags, address, attributes, payload, _key, _timestamp IS NOT NULL FROM orders WHERE id IN (7, 301) ORDER BY id";
        MaterializedResult mixed = freshet.queryRunner().execute(row);
        assertThat(mixed.getMaterializedRows()).hasSize(2);
        MaterializedRow first = mixed.getMaterializedRows().get(0);
        assertThat(first.getField(1)).isEqualTo("customer-7");
        assertThat(first.getField(2).toString()).isEqualTo("7.50");
        assertThat(first.getField(3)).isEqualTo(7);
        assertThat(first.getField(5)).isEqualTo(false);
        assertThat(first.getField(9)).isEqualTo(List.of("a", "b"));
        assertThat(first.getField(11)).isEqualTo(Map.of("x", 7L));
        assertThat(first.getField(13)).isEqualTo("7");
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'orders')");
        assertThat(freshet.queryRunner().execute(row).getMaterializedRows()).isEqualTo(mixed.getMaterializedRows());

        assertThat((String) freshet.queryRunner().execute("SHOW CREATE TABLE orders").getOnlyValue()).contains("kafka_topic = 'orders'");
        assertThat(freshet.queryRunner().execute("SHOW TABLES").getOnlyColumnAsSet()).contains("orders");
        assertThat(freshet.queryRunner().execute("DESCRIBE orders").getMaterializedRows().stream().map(described -> described.getField(0)).toList()).contains("id", "_partition_id", "_partition_offset", "_timestamp", "_key", "_headers");
    }

    @Test
    void trinoIcebergConnectorReadsTheSameCommittedRows()
            throws Exception
    {
        freshet.kafka().createTopic("clicks", 2);
        freshet.queryRunner().execute("CREATE TABLE clicks (" + COLUMNS + ") WITH (kafka_topic = 'clicks')");
        freshet.kafka().sendAll("clicks", 2, orders(0, 200));
        freshet.kafka().sendAll("clicks", 2, sparseOrders(200, 30));
        waitForCount("clicks", 230);
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'clicks')");

        TestingTrinoPlugins.installPlugin(freshet.queryRunner(), ICEBERG);
        Path metastore = Files.createTempDirectory("trino-metastore");
        freshet.queryRunner().createCatalog("iceberg", "iceberg", Map.of(
                "iceberg.catalog.type", "TESTING_FILE_METASTORE",
                "hive.metastore.catalog.dir", metastore.toUri().toString(),
                "fs.native-local.enabled", "true",
                "local.location", "/",
                "iceberg.register-table-procedure.enabled", "true"));
        freshet.queryRunner().execute("CREATE SCHEMA iceberg.shop");
        Table table = loadTable("clicks");
        freshet.queryRunner().execute("CALL iceberg.system.register_table(schema_name => 'shop', table_name => 'clicks', table_location => '%s')".formatted(table.location()));

        String query = "SELECT id, customer, amount, quantity, price, paid, created, placed, day, tags, address, attributes, payload, small, large, ratio, _partition_id, _partition_offset, _timestamp, _key FROM %s.shop.clicks";
        MaterializedResult throughIceberg = freshet.queryRunner().execute(query.formatted("iceberg"));
        MaterializedResult throughFreshet = freshet.queryRunner().execute(query.formatted("freshet"));
        assertThat(throughIceberg.getRowCount()).isEqualTo(230);
        assertThat(throughFreshet.getMaterializedRows()).containsExactlyInAnyOrderElementsOf(throughIceberg.getMaterializedRows());
    }

    @Test
    void queriesDuringIngestionAndCommitsSeeGapFreePrefixes()
            throws Exception
    {
        freshet.kafka().createTopic("events", 3);
        freshet.queryRunner().execute("CREATE TABLE events (id bigint, customer varchar) WITH (kafka_topic = 'events')");
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService executor = Executors.newFixedThreadPool(2);
        try {
            Future<?> producer = executor.submit(() -> {
                int next = 0;
                while (producing.get() && next < 30_000) {
                    freshet.kafka().sendAll("events", 3, orders(next, 300));
                    next += 300;
                }
            });
            Future<?> flusher = executor.submit(() -> {
                while (producing.get()) {
                    freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'events')");
                }
            });
            long lastTotal = 0;
            for (int query = 0; query < 25; query++) {
                MaterializedResult result = freshet.queryRunner().execute("""
                        SELECT _partition_id, count(*), count(DISTINCT _partition_offset), min(_partition_offset), max(_partition_offset)
                        FROM events GROUP BY _partition_id""");
                long total = 0;
                for (MaterializedRow row : result.getMaterializedRows()) {
                    long count = (Long) row.getField(1);
                    assertThat(row.getField(2)).as("duplicate offsets in partition %s", row.getField(0)).isEqualTo(count);
                    assertThat(row.getField(3)).as("first offset of partition %s", row.getField(0)).isEqualTo(0L);
                    assertThat(row.getField(4)).as("gap in partition %s", row.getField(0)).isEqualTo(count - 1);
                    total += count;
                }
                assertThat(total).isGreaterThanOrEqualTo(lastTotal);
                lastTotal = total;
            }
            producing.set(false);
            producer.get();
            flusher.get();
            assertThat(lastTotal).isPositive();
            long produced = freshet.kafka().endOffsets("events").values().stream().mapToLong(Long::longValue).sum();
            waitForCount("events", produced);
            assertExactOffsets("events");
        }
        finally {
            producing.set(false);
            executor.shutdownNow();
        }
    }

    @Test
    void badRecordsAreDeadLetteredAndCountedInIngestStatus()
    {
        freshet.kafka().createTopic("payments", 1);
        freshet.kafka().createTopic("payments.dlq", 1);
        freshet.queryRunner().execute("CREATE TABLE payments (id bigint, amount double) WITH (kafka_topic = 'payments', bad_record_policy = 'DEAD_LETTER')");
        freshet.kafka().send("payments", 0, "1", "{\"id\": 1, \"amount\": 2.5}");
        freshet.kafka().send("payments", 0, "2", "oops");
        freshet.kafka().send("payments", 0, "3", "{\"id\": \"three\"}");
        freshet.kafka().send("payments", 0, "4", "{\"id\": 4, \"amount\": 1}");

        waitForCount("payments", 2);
        assertThat(freshet.queryRunner().execute("SELECT id FROM payments").getOnlyColumnAsSet()).containsExactlyInAnyOrder(1L, 4L);
        String status = "SELECT state, high_water_mark, offset_watermark, hot_rows, bad_records, dead_lettered_records FROM freshet.system.ingest_status WHERE table_name = 'payments'";
        assertThat(freshet.queryRunner().execute(status).getMaterializedRows().getFirst().getFields()).containsExactly("RUNNING", 4L, 0L, 2L, 2L, 2L);
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'payments')");
        assertThat(freshet.queryRunner().execute(status).getMaterializedRows().getFirst().getFields()).containsExactly("RUNNING", 4L, 4L, 0L, 2L, 2L);
        assertThat(freshet.kafka().readAll("payments.dlq")).hasSize(2);
        assertThat((String) freshet.queryRunner().execute("SHOW CREATE TABLE payments").getOnlyValue()).contains("bad_record_policy = 'DEAD_LETTER'");
    }

    /** system.verify checks what a SELECT sees, hot and committed, against the topic; bad records are counted apart from lost ones. */
    @Test
    void verifyTableFunctionChecksHotAndCommittedRowsAgainstTheTopic()
    {
        freshet.kafka().createTopic("audited", 2);
        freshet.queryRunner().execute("CREATE TABLE audited (id bigint, customer varchar) WITH (kafka_topic = 'audited')");
        freshet.kafka().sendAll("audited", 2, orders(0, 100));
        freshet.kafka().send("audited", 1, "bad", "not json");
        waitForCount("audited", 100);
        String verify = """
                SELECT partition, kafka_records, table_rows, missing, duplicated, extra, bad_records, checked_until_offset = kafka_end_offset
                FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'audited')) ORDER BY partition""";
        List<List<Object>> expected = List.of(List.of(0L, 50L, 50L, 0L, 0L, 0L, 0L, true), List.of(1L, 51L, 50L, 0L, 0L, 0L, 1L, true));
        // all hot
        waitUntil("the bad record is consumed", Duration.ofSeconds(60), () -> rows(verify).equals(expected), () -> rows(verify));
        // all committed
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'audited')");
        assertThat(rows(verify)).isEqualTo(expected);
        // hot and committed
        freshet.kafka().sendAll("audited", 2, orders(100, 100));
        waitForCount("audited", 200);
        assertThat(rows(verify)).isEqualTo(List.of(List.of(0L, 100L, 100L, 0L, 0L, 0L, 0L, true), List.of(1L, 101L, 100L, 0L, 0L, 0L, 1L, true)));

        assertThatThrownBy(() -> freshet.queryRunner().execute("SELECT * FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'no_such_table'))"))
                .hasMessageContaining("no_such_table");
    }

    private List<List<Object>> rows(String sql)
    {
        return freshet.queryRunner().execute(sql).getMaterializedRows().stream().map(MaterializedRow::getFields).toList();
    }

    @Test
    void failPolicyStopsTheTableUntilThePolicyIsChanged()
    {
        freshet.kafka().createTopic("refunds", 1);
        freshet.queryRunner().execute("CREATE TABLE refunds (id bigint) WITH (kafka_topic = 'refunds', bad_record_policy = 'FAIL')");
        freshet.kafka().send("refunds", 0, "1", "{\"id\": 1}");
        freshet.kafka().send("refunds", 0, "2", "{\"id\": \"two\"}");
        freshet.kafka().send("refunds", 0, "3", "{\"id\": 3}");
        String status = "SELECT state, failure FROM freshet.system.ingest_status WHERE table_name = 'refunds'";
        waitUntil("refunds failed", Duration.ofSeconds(60), () -> freshet.queryRunner().execute(status).getMaterializedRows().stream().anyMatch(row -> "FAILED".equals(row.getField(0))));
        assertThat((String) freshet.queryRunner().execute(status).getMaterializedRows().getFirst().getField(1))
                .contains("partition 0 offset 1", "field id: expected an integer", "set bad_record_policy to SKIP or DEAD_LETTER");
        // the hot buffer of a failed table is frozen: no stale answer, unless the session asks for committed rows
        assertThatThrownBy(() -> freshet.queryRunner().execute("SELECT count(*) FROM refunds"))
                .hasMessageContaining("Ingestion of shop.refunds failed")
                .hasMessageContaining("committed_only");
        Session committedOnly = Session.builder(freshet.queryRunner().getDefaultSession()).setCatalogSessionProperty("freshet", "committed_only", "true").build();
        assertThat(freshet.queryRunner().execute(committedOnly, "SELECT count(*) FROM refunds").getOnlyValue()).isEqualTo(0L);

        freshet.queryRunner().execute("ALTER TABLE refunds SET PROPERTIES bad_record_policy = 'SKIP'");
        waitForCount("refunds", 2);
        assertThat(freshet.queryRunner().execute("SELECT id FROM refunds").getOnlyColumnAsSet()).containsExactlyInAnyOrder(1L, 3L);
        assertThat((String) freshet.queryRunner().execute("SHOW CREATE TABLE refunds").getOnlyValue()).contains("bad_record_policy = 'SKIP'");
        assertThatThrownBy(() -> freshet.queryRunner().execute("ALTER TABLE refunds SET PROPERTIES kafka_topic = 'orders'"))
                .hasMessageContaining("kafka_topic cannot be changed");
    }

    @Test
    void unknownTopicIsAClearError()
    {
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE nothing (id bigint) WITH (kafka_topic = 'no_such_topic')"))
                .hasMessageContaining("Kafka topic 'no_such_topic' does not exist");
        assertThat(freshet.queryRunner().execute("SHOW TABLES").getOnlyColumnAsSet()).doesNotContain("nothing");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE nothing (id bigint)"))
                .hasMessageContaining("kafka_topic is required");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE nothing (_partition_id bigint) WITH (kafka_topic = 'orders')"))
                .hasMessageContaining("reserved for Kafka metadata");
    }

    @Test
    void namesThatWouldEscapeTheTableLocationAreRefused()
    {
        // quoted identifiers may hold any character; as directories these would climb out of or into another table
        for (String schema : List.of("\"..\"", "\"a/b\"", "\"a\\b\"", "\"up..\"")) {
            assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE SCHEMA freshet." + schema))
                    .hasMessageContaining("Invalid schema name");
        }
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE SCHEMA freshet.\"tab" + (char) 9 + "bed\""))
                .hasMessageContaining("Invalid schema name 'tab\\u0009bed': it contains a control character");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE \"../../shop/orders\" (id bigint) WITH (kafka_topic = 'orders')"))
                .hasMessageContaining("Invalid table name '../../shop/orders': it contains '..'");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE \"orders/data\" (id bigint) WITH (kafka_topic = 'orders')"))
                .hasMessageContaining("Invalid table name 'orders/data': it contains '/'");
        assertThat(freshet.queryRunner().execute("SHOW SCHEMAS FROM freshet").getOnlyColumnAsSet()).doesNotContain("..", "a/b");
    }

    private Table loadTable(String table)
    {
        io.freshet.ingest.catalog.CatalogSettings settings = io.freshet.ingest.catalog.CatalogSettings.embedded(freshet.warehouse());
        return io.freshet.ingest.catalog.IcebergCatalogFactory.create(settings).loadTable(org.apache.iceberg.catalog.TableIdentifier.of("shop", table));
    }

    private void waitForCount(String table, long count)
    {
        waitUntil(table + " has " + count + " rows", Duration.ofSeconds(60), () -> (Long) scalar("SELECT count(*) FROM " + table) == count);
    }

    private long hotRows(String table)
    {
        return (Long) scalar("SELECT count(*) FROM " + table) - committedRows(table);
    }

    private long committedRows(String table)
    {
        Table loaded = loadTable(table);
        return loaded.currentSnapshot() == null ? 0 : Long.parseLong(loaded.currentSnapshot().summary().getOrDefault("total-records", "0"));
    }

    /** Asserts that the table holds every offset of its topic exactly once: per partition, offsets 0 to end - 1 without duplicates. */
    private void assertExactOffsets(String table)
    {
        Map<Long, List<Object>> actual = new HashMap<>();
        for (MaterializedRow row : freshet.queryRunner().execute("""
                SELECT _partition_id, count(*), count(DISTINCT _partition_offset), min(_partition_offset), max(_partition_offset)
                FROM %s GROUP BY _partition_id""".formatted(table)).getMaterializedRows()) {
            actual.put((Long) row.getField(0), List.of(row.getField(1), row.getField(2), row.getField(3), row.getField(4)));
        }
        Map<Long, List<Object>> expected = new HashMap<>();
        freshet.kafka().endOffsets(table).forEach((partition, end) -> {
            if (end > 0) {
                expected.put((long) partition, List.of(end, end, 0L, end - 1));
            }
        });
        assertThat(actual).isEqualTo(expected);
    }

    private Object scalar(String sql)
    {
        return freshet.queryRunner().execute(sql).getOnlyValue();
    }

    /** Rows with nulls at every level: null columns, empty and null-holding collections, null row fields, NaN and infinities. */
    static List<String> sparseOrders(int first, int count)
    {
        return IntStream.range(first, first + count)
                .mapToObj(id -> switch (id % 3) {
                    case 0 -> "{\"id\": %d}".formatted(id);
                    case 1 -> """
                            {"id": %d, "customer": null, "tags": [], "address": {"city": null, "zip": null}, "attributes": {}, "price": NaN,
                             "ratio": -Infinity, "small": "-0.5", "large": "0", "payload": ""}""".formatted(id);
                    default -> """
                            {"id": %d, "tags": [null, "x"], "address": {"city": "Bergen"}, "attributes": {"k": null}, "price": Infinity,
                             "ratio": NaN, "amount": "-99999999.99", "created": "1969-12-31T23:59:59.999999Z", "placed": "0001-01-01 00:00:00",
                             "day": "1900-01-01"}""".formatted(id);
                })
                .toList();
    }

    static List<String> orders(int first, int count)
    {
        return IntStream.range(first, first + count)
                .mapToObj(id -> """
                        {"id": %d, "customer": "customer-%d", "amount": "%d.5", "quantity": %d, "price": %d.25, "paid": %s,
                         "created": "2026-11-28T10:00:00.%06dZ", "placed": "2026-11-28 10:00:00", "day": "2026-11-28",
                         "tags": ["a", "b"], "address": {"city": "Oslo", "zip": "0%d"}, "attributes": {"x": %d}, "payload": "AAEC",
                         "small": "%d.5", "large": "%s12345678901234567890123456789.%09d", "ratio": %d.25}"""
                        .formatted(id, id, id, id % 1000, id, id % 2 == 1 ? "false" : "true", id % 1_000_000, id, id,
                                id % 9999, id % 2 == 0 ? "-" : "", id, id - 100))
                .toList();
    }
}
