package io.freshet.trino;

import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A quick measurement, not a test: ingest rate of pre-loaded events and produce-to-SELECT visibility.
 * Not part of the suite (its name matches no test pattern); run it with
 * {@code bin/test -pl plugin -am -Dtest=FreshetQuickBenchmark -Dsurefire.failIfNoSpecifiedTests=false}.
 */
class FreshetQuickBenchmark
{
    private static final int EVENTS = Integer.getInteger("freshet.benchmark.events", 300_000);

    @Test
    void measure()
            throws Exception
    {
        Path warehouse = Files.createTempDirectory("freshet-benchmark");
        try (TestingKafka kafka = new TestingKafka();
                DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of("freshet.flush.interval", "1h", "freshet.flush.max-size", "1GB", "freshet.hot-buffer.max-size", "4GB"))) {
            kafka.createTopic("events", 3);
            List<String> batch = new ArrayList<>();
            for (int id = 0; id < EVENTS; id++) {
                batch.add(("{\"id\": %d, \"user_id\": %d, \"session\": \"s-%08d\", \"page\": \"/products/%d\", \"referrer\": \"https://example.com/search?q=item%d\", " +
                        "\"price\": %d.99, \"quantity\": %d, \"country\": \"NO\", \"device\": \"mobile\", \"ts\": \"2026-11-28T10:00:00.%06dZ\"}")
                        .formatted(id, id % 5000, id, id % 977, id % 31, id % 500, id % 7, id % 1_000_000));
                if (batch.size() == 20_000) {
                    kafka.sendAll("events", 3, batch);
                    batch.clear();
                }
            }
            kafka.sendAll("events", 3, batch);

            queryRunner.execute("CREATE SCHEMA freshet.shop");
            long start = System.nanoTime();
            queryRunner.execute("""
                    CREATE TABLE events (id bigint, user_id bigint, session varchar, page varchar, referrer varchar,
                        price decimal(10, 2), quantity integer, country varchar, device varchar, ts timestamp(6) with time zone)
                    WITH (kafka_topic = 'events')""");
            while ((Long) queryRunner.execute("SELECT count(*) FROM events").getOnlyValue() < EVENTS) {
                Thread.sleep(100);
            }
            double hotSeconds = (System.nanoTime() - start) / 1e9;
            long flushStart = System.nanoTime();
            queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
            double flushSeconds = (System.nanoTime() - flushStart) / 1e9;
            System.out.println(String.format("INGEST: %,d events hot in %.2f s = %,.0f events/s; flush+commit of all of them %.2f s = %,.0f events/s; end to end %,.0f events/s",
                    EVENTS, hotSeconds, EVENTS / hotSeconds, flushSeconds, EVENTS / flushSeconds, EVENTS / (hotSeconds + flushSeconds)));

            long scanStart = System.nanoTime();
            queryRunner.execute("SELECT count(*), sum(price), count(DISTINCT user_id) FROM events");
            System.out.println(String.format("COLD SCAN: %.3f s", (System.nanoTime() - scanStart) / 1e9));

            List<Double> latencies = new ArrayList<>();
            for (int i = 0; i < 100; i++) {
                int partition = i % 3;
                long offset = kafka.send("events", partition, "k", "{\"id\": -1, \"user_id\": 1}");
                long produced = System.nanoTime();
                String probe = "SELECT count(*) FROM events WHERE _partition_id = %d AND _partition_offset = %d".formatted(partition, offset);
                while ((Long) queryRunner.execute(probe).getOnlyValue() == 0) {
                    Thread.onSpinWait();
                }
                latencies.add((System.nanoTime() - produced) / 1e6);
            }
            Collections.sort(latencies);
            System.out.println(String.format("VISIBILITY (producer ack -> row returned by SELECT, 100 probes): p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms",
                    latencies.get(49), latencies.get(94), latencies.get(98), latencies.get(99)));
        }
    }
}
