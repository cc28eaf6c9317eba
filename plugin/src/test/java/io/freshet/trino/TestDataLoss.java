package io.freshet.trino;

import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.RecordsToDelete;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Kafka's retention deletes records before they are ingested (here while the connector is down): the table
 * stops and names the lost range, the verifier names it, and data_loss_policy = 'CONTINUE' lets ingestion go
 * on past it with the range on record.
 */
class TestDataLoss
{
    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @Test
    void recordsDeletedByRetentionBeforeIngestionAreReported()
            throws Exception
    {
        TestingKafka kafka = environment.kafka();
        Path warehouse = environment.warehouse();
        kafka.createTopic("events", 2);
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of("freshet.flush.interval", "1h"))) {
            queryRunner.execute("CREATE SCHEMA freshet.shop");
            queryRunner.execute("CREATE TABLE events (id bigint) WITH (kafka_topic = 'events')");
            kafka.sendAll("events", 2, TestFreshetConnector.orders(0, 200));
            waitForCount(queryRunner, 200);
            queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
        }
        // while the connector is down: 100 more records per partition, and retention deletes the first 50 of them in partition 1
        kafka.sendAll("events", 2, TestFreshetConnector.orders(200, 200));
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            admin.deleteRecords(Map.of(new TopicPartition("events", 1), RecordsToDelete.beforeOffset(150))).all().get();
        }

        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of("freshet.flush.interval", "1h"))) {
            String status = "SELECT partition, state, failure, lost_offsets FROM freshet.system.ingest_status WHERE table_name = 'events' ORDER BY partition";
            waitUntil("events stops", Duration.ofSeconds(60),
                    () -> queryRunner.execute(status).getMaterializedRows().stream().anyMatch(row -> "FAILED".equals(row.getField(1))), () -> queryRunner.execute(status));
            String failure = (String) queryRunner.execute(status).getMaterializedRows().getFirst().getField(2);
            assertThat(failure).contains("topic events partition 1 offsets 100 to 149 (50 offsets) were deleted by Kafka retention", "data_loss_policy = 'CONTINUE'");

            String verify = """
                    SELECT partition, missing, lost_to_retention, examples
                    FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => 'events')) ORDER BY partition""";
            List<MaterializedRow> failed = queryRunner.execute(verify).getMaterializedRows();
            assertThat(failed.get(1).getFields()).containsExactly(1L, 0L, 50L, "lost to retention 100-149");
            assertThat(failed.get(0).getField(2)).isEqualTo(0L);

            queryRunner.execute("ALTER TABLE events SET PROPERTIES data_loss_policy = 'CONTINUE'");
            waitForCount(queryRunner, 350);
            List<MaterializedRow> running = queryRunner.execute(status).getMaterializedRows();
            assertThat(running).extracting(row -> row.getField(1)).containsOnly("RUNNING");
            assertThat(running.get(1).getField(3)).isEqualTo("100-149");
            assertThat(running.get(0).getField(3)).isNull();
            assertThat((String) queryRunner.execute("SHOW CREATE TABLE events").getOnlyValue()).contains("data_loss_policy = 'CONTINUE'");

            // the commit that moves past the range keeps it on record
            queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
            List<MaterializedRow> committed = queryRunner.execute(verify).getMaterializedRows();
            assertThat(committed.get(1).getFields()).containsExactly(1L, 0L, 50L, "lost to retention 100-149");
            assertThat(committed.get(0).getFields()).containsExactly(0L, 0L, 0L, null);
        }
    }

    private static void waitForCount(DistributedQueryRunner queryRunner, long count)
    {
        waitUntil("events has " + count + " rows", Duration.ofSeconds(60), () -> (Long) queryRunner.execute("SELECT count(*) FROM events").getOnlyValue() == count);
    }
}
