package io.freshet.trino;

import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/** Stops the whole connector mid-stream, with rows hot and rows committed, and starts it again on the same warehouse. */
class TestFreshetRestart
{
    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @Test
    void connectorRestartKeepsEveryRecordExactlyOnce()
            throws Exception
    {
        TestingKafka kafka = environment.kafka();
        Path warehouse = environment.warehouse();
        kafka.createTopic("orders", 2);
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of("freshet.flush.interval", "1h"))) {
            queryRunner.execute("CREATE SCHEMA freshet.shop");
            queryRunner.execute("CREATE TABLE orders (id bigint, customer varchar) WITH (kafka_topic = 'orders')");
            kafka.sendAll("orders", 2, TestFreshetConnector.orders(0, 400));
            waitForCount(queryRunner, 400);
            queryRunner.execute("CALL freshet.system.flush('shop', 'orders')");
            kafka.sendAll("orders", 2, TestFreshetConnector.orders(400, 250));
            // 250 rows only in the hot buffer when the connector stops
            waitForCount(queryRunner, 650);
        }
        kafka.sendAll("orders", 2, TestFreshetConnector.orders(650, 100));
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of("freshet.flush.interval", "1h"))) {
            waitForCount(queryRunner, 750);
            assertExactlyOnce(queryRunner, kafka.endOffsets("orders"));
            queryRunner.execute("CALL freshet.system.flush('shop', 'orders')");
            assertExactlyOnce(queryRunner, kafka.endOffsets("orders"));
            assertThat(queryRunner.execute("SELECT sum(id) FROM orders").getOnlyValue()).isEqualTo(749L * 750 / 2);
        }
    }

    private static void waitForCount(DistributedQueryRunner queryRunner, long count)
    {
        waitUntil("orders has " + count + " rows", Duration.ofSeconds(60), () -> (Long) queryRunner.execute("SELECT count(*) FROM orders").getOnlyValue() == count);
    }

    private static void assertExactlyOnce(DistributedQueryRunner queryRunner, Map<Integer, Long> endOffsets)
    {
        List<MaterializedRow> rows = queryRunner.execute("""
                SELECT _partition_id, count(*), count(DISTINCT _partition_offset), min(_partition_offset), max(_partition_offset)
                FROM orders GROUP BY _partition_id ORDER BY _partition_id""").getMaterializedRows();
        assertThat(rows).hasSize(endOffsets.size());
        for (MaterializedRow row : rows) {
            long end = endOffsets.get(((Long) row.getField(0)).intValue());
            assertThat(row.getFields()).containsExactly(row.getField(0), end, end, 0L, end - 1);
        }
    }
}
