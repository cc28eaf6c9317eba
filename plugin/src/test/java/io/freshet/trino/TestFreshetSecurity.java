package io.freshet.trino;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.trino.testing.FreshetExtension;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.regex.Matcher;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static io.trino.testing.TestingAccessControlManager.TestingPrivilegeType.SELECT_COLUMN;
import static io.trino.testing.TestingAccessControlManager.privilege;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What a user may do through Freshet with the connector's own Kafka and catalog rights: verify only tables
 * they may read, see only the ingestion of tables they may see, bind only allowed topics, drop only tables
 * Freshet owns; and record content stays out of status text and logs.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestFreshetSecurity
{
    @RegisterExtension
    static final FreshetExtension freshet = new FreshetExtension(Map.of(
            "freshet.flush.interval", "1h",
            "freshet.allowed-topics", "(?!forbidden).*"));

    @AfterEach
    void resetAccessControl()
    {
        freshet.queryRunner().getAccessControl().reset();
    }

    /** system.verify reads the whole topic with the connector's credentials: it needs SELECT on the table. */
    @Test
    void verifyRequiresSelectOnTheTable()
    {
        freshet.kafka().createTopic("ledger", 1);
        freshet.queryRunner().execute("CREATE TABLE ledger (id bigint) WITH (kafka_topic = 'ledger')");
        freshet.kafka().send("ledger", 0, "1", "{\"id\": 1}");
        waitUntil("ledger has a row", Duration.ofSeconds(60), () -> (Long) freshet.queryRunner().execute("SELECT count(*) FROM ledger").getOnlyValue() == 1);
        String verify = "SELECT table_rows FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'ledger'))";

        freshet.queryRunner().getAccessControl().deny(privilege("ledger", SELECT_COLUMN));
        assertThatThrownBy(() -> freshet.queryRunner().execute(verify))
                .hasMessageContaining("Access Denied")
                .hasMessageContaining("ledger");
        freshet.queryRunner().getAccessControl().reset();
        assertThat(freshet.queryRunner().execute(verify).getOnlyValue()).isEqualTo(1L);
    }

    /** ingest_status and upkeep show only tables the user may see; a failure names the record's position, never its content. */
    @Test
    void systemTablesShowOnlyVisibleTablesAndNoRecordContent()
    {
        freshet.kafka().createTopic("visible", 1);
        freshet.kafka().createTopic("hidden", 1);
        freshet.queryRunner().execute("CREATE TABLE visible (id bigint) WITH (kafka_topic = 'visible', bad_record_policy = 'FAIL')");
        freshet.queryRunner().execute("CREATE TABLE hidden (id bigint) WITH (kafka_topic = 'hidden')");
        freshet.kafka().send("visible", 0, "1", "{\"id\": \"card-4111-1111-1111-1111\"}");
        String status = "SELECT table_name, state, failure FROM freshet.system.ingest_status WHERE table_name IN ('visible', 'hidden')";
        waitUntil("visible fails", Duration.ofSeconds(60),
                () -> freshet.queryRunner().execute(status).getMaterializedRows().stream().anyMatch(row -> "FAILED".equals(row.getField(1))), () -> freshet.queryRunner().execute(status));
        assertThat(freshet.queryRunner().execute("SELECT DISTINCT table_name FROM freshet.system.ingest_status WHERE table_name IN ('visible', 'hidden')").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("visible", "hidden");
        assertThat(freshet.queryRunner().execute("SELECT table_name FROM freshet.system.upkeep WHERE table_name IN ('visible', 'hidden')").getOnlyColumnAsSet())
                .containsExactlyInAnyOrder("visible", "hidden");

        freshet.queryRunner().getAccessControl().denyTables(table -> !table.getTableName().equals("hidden"));
        assertThat(freshet.queryRunner().execute("SELECT DISTINCT table_name FROM freshet.system.ingest_status WHERE table_name IN ('visible', 'hidden')").getOnlyColumnAsSet())
                .containsExactly("visible");
        assertThat(freshet.queryRunner().execute("SELECT table_name FROM freshet.system.upkeep WHERE table_name IN ('visible', 'hidden')").getOnlyColumnAsSet())
                .containsExactly("visible");

        String failure = (String) freshet.queryRunner().execute("SELECT failure FROM freshet.system.ingest_status WHERE table_name = 'visible'").getMaterializedRows().getFirst().getField(0);
        assertThat(failure).contains("partition 0 offset 0", "field id: expected an integer").doesNotContain("4111");
    }

    /** Bad records are logged at WARN with their position, a few lines for many records, without their content. */
    @Test
    void badRecordsAreLoggedRateLimitedWithoutContent()
    {
        List<String> warnings = new ArrayList<>();
        Handler handler = new Handler()
        {
            @Override
            public void publish(LogRecord record)
            {
                // the ingest worker logs through SLF4J: lines reach JUL directly or as redirected standard error
                String message = String.valueOf(record.getMessage());
                if (record.getParameters() != null) {
                    for (Object parameter : record.getParameters()) {
                        message = message.replaceFirst("\\{}", Matcher.quoteReplacement(String.valueOf(parameter)));
                    }
                }
                synchronized (warnings) {
                    warnings.add(record.getLevel() + " " + message);
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        // SLF4J's simple binding, when it is the one bound, writes to whatever standard error is at the time
        PrintStream originalErr = System.err;
        ByteArrayOutputStream standardError = new ByteArrayOutputStream();
        System.setErr(new PrintStream(new OutputStream()
        {
            @Override
            public void write(int b)
            {
                originalErr.write(b);
                synchronized (standardError) {
                    standardError.write(b);
                }
            }

            @Override
            public void write(byte[] bytes, int offset, int length)
            {
                originalErr.write(bytes, offset, length);
                synchronized (standardError) {
                    standardError.write(bytes, offset, length);
                }
            }
        }, true, StandardCharsets.UTF_8));
        try {
            freshet.kafka().createTopic("noisy", 1);
            freshet.queryRunner().execute("CREATE TABLE noisy (id bigint) WITH (kafka_topic = 'noisy', bad_record_policy = 'SKIP')");
            List<String> records = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                records.add(i % 2 == 0 ? "{\"id\": \"ssn-078-05-1120\"}" : "not json ssn-078-05-1120");
            }
            records.add("{\"id\": 1}");
            freshet.kafka().sendAll("noisy", 1, records);
            waitUntil("noisy has its good row", Duration.ofSeconds(60), () -> (Long) freshet.queryRunner().execute("SELECT count(*) FROM noisy").getOnlyValue() == 1);
        }
        finally {
            root.removeHandler(handler);
            System.setErr(originalErr);
        }
        List<String> badRecordWarnings;
        synchronized (warnings) {
            synchronized (standardError) {
                warnings.addAll(standardError.toString(StandardCharsets.UTF_8).lines().toList());
            }
            badRecordWarnings = warnings.stream().filter(line -> line.contains("Bad record skipped at topic noisy")).toList();
            assertThat(warnings).noneMatch(line -> line.contains("078-05"));
        }
        // 500 bad records within seconds: one line, with the count of the rest in the next one
        assertThat(badRecordWarnings).isNotEmpty().hasSizeLessThanOrEqualTo(10).allMatch(line -> line.contains("WARN"));
        assertThat(badRecordWarnings.getFirst()).contains("topic noisy partition 0 offset 0", "field id: expected an integer");
    }

    /** Tables and dead-letter topics are limited to freshet.allowed-topics, at CREATE TABLE and at ALTER TABLE. */
    @Test
    void onlyAllowedTopicsCanBeBound()
    {
        freshet.kafka().createTopic("forbidden_salaries", 1);
        freshet.kafka().createTopic("forbidden_inbox", 1);
        freshet.kafka().createTopic("shipments", 1);
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE salaries (id bigint) WITH (kafka_topic = 'forbidden_salaries')"))
                .hasMessageContaining("Kafka topic 'forbidden_salaries' (kafka_topic) is not allowed")
                .hasMessageContaining("freshet.allowed-topics");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CREATE TABLE shipments (id bigint) WITH (kafka_topic = 'shipments', bad_record_policy = 'DEAD_LETTER', dead_letter_topic = 'forbidden_inbox')"))
                .hasMessageContaining("Kafka topic 'forbidden_inbox' (dead_letter_topic) is not allowed");
        assertThat(freshet.queryRunner().execute("SHOW TABLES").getOnlyColumnAsSet()).doesNotContain("salaries", "shipments");

        freshet.queryRunner().execute("CREATE TABLE shipments (id bigint) WITH (kafka_topic = 'shipments')");
        assertThatThrownBy(() -> freshet.queryRunner().execute("ALTER TABLE shipments SET PROPERTIES bad_record_policy = 'DEAD_LETTER', dead_letter_topic = 'forbidden_inbox'"))
                .hasMessageContaining("Kafka topic 'forbidden_inbox' (dead_letter_topic) is not allowed");
        assertThat((String) freshet.queryRunner().execute("SHOW CREATE TABLE shipments").getOnlyValue()).doesNotContain("forbidden_inbox");
    }

    /** DROP TABLE and DROP SCHEMA ... CASCADE leave tables of the shared catalog that Freshet did not create. */
    @Test
    void dropsOnlyTablesFreshetOwns()
            throws Exception
    {
        freshet.queryRunner().execute("CREATE SCHEMA freshet.shared");
        freshet.kafka().createTopic("owned", 1);
        freshet.queryRunner().execute("CREATE TABLE freshet.shared.owned (id bigint) WITH (kafka_topic = 'owned')");
        TableIdentifier foreign = TableIdentifier.of("shared", "foreign_sales");
        Catalog catalog = IcebergCatalogFactory.create(CatalogSettings.embedded(freshet.warehouse()));
        try {
            // a table another engine created in the same catalog
            catalog.createTable(foreign, new Schema(Types.NestedField.optional(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned());

            assertThatThrownBy(() -> freshet.queryRunner().execute("DROP TABLE freshet.shared.foreign_sales"))
                    .hasMessageContaining("shared.foreign_sales is not a Freshet table");
            assertThatThrownBy(() -> freshet.queryRunner().execute("DROP SCHEMA freshet.shared CASCADE"))
                    .hasMessageContaining("shared.foreign_sales is not a Freshet table");
            // every other statement that needs the table's topic refuses it the same way
            for (String statement : List.of(
                    "ALTER TABLE freshet.shared.foreign_sales SET PROPERTIES bad_record_policy = 'SKIP'",
                    "ALTER TABLE freshet.shared.foreign_sales EXECUTE optimize",
                    "CALL freshet.system.compact(schema_name => 'shared', table_name => 'foreign_sales')",
                    "SELECT * FROM TABLE(freshet.system.verify(schema_name => 'shared', table_name => 'foreign_sales'))")) {
                assertThatThrownBy(() -> freshet.queryRunner().execute(statement))
                        .as(statement)
                        .hasMessageContaining("Table shared.foreign_sales is not a Freshet table: it is bound to no Kafka topic");
            }
            assertThat(catalog.tableExists(foreign)).isTrue();
            // refused as a whole: the Freshet table of the schema is still there too
            assertThat(freshet.queryRunner().execute("SHOW TABLES FROM freshet.shared").getOnlyColumnAsSet()).containsExactlyInAnyOrder("owned", "foreign_sales");

            catalog.dropTable(foreign, true);
            freshet.queryRunner().execute("DROP SCHEMA freshet.shared CASCADE");
            assertThat(freshet.queryRunner().execute("SHOW SCHEMAS FROM freshet").getOnlyColumnAsSet()).doesNotContain("shared");
        }
        finally {
            if (catalog instanceof Closeable closeable) {
                closeable.close();
            }
        }
    }
}
