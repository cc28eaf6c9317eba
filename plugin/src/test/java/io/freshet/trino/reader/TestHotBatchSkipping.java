package io.freshet.trino.reader;

import io.freshet.trino.testing.FreshetExtension;
import io.trino.Session;
import io.trino.execution.QueryStats;
import io.trino.testing.QueryRunner.MaterializedResultWithPlan;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.IntFunction;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Hot batches skipped by their column statistics must change nothing but the work done: random predicates
 * over every primitive type, nulls included, return exactly the rows of a full scan, on an all-hot cut and on
 * a cut that mixes committed files with hot batches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestHotBatchSkipping
{
    private static final int PARTITIONS = 2;
    private static final int WAVES = 12;
    private static final int WAVE_RECORDS = 200;
    private static final int ROWS = WAVES * WAVE_RECORDS;

    @RegisterExtension
    static final FreshetExtension freshet = new FreshetExtension(Map.of("freshet.flush.interval", "1h"));

    @Test
    void randomPredicatesReturnTheRowsOfAFullScan()
    {
        freshet.kafka().createTopic("events", PARTITIONS);
        freshet.queryRunner().execute("""
                CREATE TABLE events (
                    id bigint, quantity integer, price double, ratio real, paid boolean, amount decimal(10, 2), total decimal(30, 4),
                    customer varchar, payload varbinary, day date, placed timestamp(6), created timestamp(6) with time zone)
                WITH (kafka_topic = 'events')""");
        // waves ingested one after another become batches of their own, each with narrow value ranges
        for (int wave = 0; wave < WAVES; wave++) {
            int first = wave * WAVE_RECORDS;
            freshet.kafka().sendAll("events", PARTITIONS, java.util.stream.IntStream.range(first, first + WAVE_RECORDS).mapToObj(TestHotBatchSkipping::event).toList());
            long expected = first + WAVE_RECORDS;
            waitUntil("wave " + wave + " ingested", Duration.ofSeconds(60), () -> (Long) freshet.queryRunner().execute("SELECT count(*) FROM events").getOnlyValue() == expected);
        }

        Random random = new Random(20261130);
        List<String> predicates = new ArrayList<>();
        for (int i = 0; i < 60; i++) {
            predicates.add(randomPredicate(random));
        }
        assertSameAsFullScan(predicates);

        // a tail query reads only the newest batches
        long newest = ROWS - WAVE_RECORDS;
        MaterializedResultWithPlan tail = freshet.queryRunner().executeWithPlan(freshet.queryRunner().getDefaultSession(), "SELECT count(*) FROM events WHERE id >= " + newest);
        assertThat(tail.result().getOnlyValue()).isEqualTo((long) WAVE_RECORDS);
        assertThat(queryStats(tail).getPhysicalInputPositions()).isLessThanOrEqualTo(2L * WAVE_RECORDS);

        // half committed, half hot
        freshet.queryRunner().execute("CALL freshet.system.flush('shop', 'events')");
        freshet.kafka().sendAll("events", PARTITIONS, java.util.stream.IntStream.range(ROWS, ROWS + WAVE_RECORDS).mapToObj(TestHotBatchSkipping::event).toList());
        waitUntil("last wave ingested", Duration.ofSeconds(60), () -> (Long) freshet.queryRunner().execute("SELECT count(*) FROM events").getOnlyValue() == ROWS + WAVE_RECORDS);
        assertThat((Long) freshet.queryRunner().execute("SELECT count(*) FROM \"events$files\"").getOnlyValue()).isPositive();
        assertSameAsFullScan(predicates);
    }

    @Test
    void everyReferenceToATableInOneQueryReadsTheSameCut()
            throws Exception
    {
        freshet.kafka().createTopic("clicks", PARTITIONS);
        freshet.queryRunner().execute("CREATE TABLE clicks (id bigint) WITH (kafka_topic = 'clicks')");
        AtomicBoolean producing = new AtomicBoolean(true);
        ExecutorService producer = Executors.newSingleThreadExecutor();
        try {
            Future<?> sent = producer.submit(() -> {
                int next = 0;
                while (producing.get()) {
                    int first = next;
                    freshet.kafka().sendAll("clicks", PARTITIONS, java.util.stream.IntStream.range(first, first + 50).mapToObj(id -> "{\"id\": " + id + "}").toList());
                    next += 50;
                }
            });
            waitUntil("clicks arrive", Duration.ofSeconds(60), () -> (Long) freshet.queryRunner().execute("SELECT count(*) FROM clicks").getOnlyValue() > 0);
            for (int i = 0; i < 30; i++) {
                MaterializedRow row = freshet.queryRunner().execute("""
                        SELECT (SELECT count(*) FROM clicks), (SELECT count(*) FROM clicks a JOIN clicks b ON a.id = b.id AND a._partition_id = b._partition_id AND a._partition_offset = b._partition_offset)""")
                        .getMaterializedRows().getFirst();
                assertThat(row.getField(1)).as("self-join of one cut").isEqualTo(row.getField(0));
            }
            producing.set(false);
            sent.get();
        }
        finally {
            producing.set(false);
            producer.shutdownNow();
        }
    }

    private void assertSameAsFullScan(List<String> predicates)
    {
        Session session = freshet.queryRunner().getDefaultSession();
        long pruned = 0;
        for (String predicate : predicates) {
            // the LIMIT keeps the predicate above the scan: the reference reads every row of its cut
            List<Object> fullScan = ids("SELECT id FROM (SELECT * FROM events LIMIT 1000000000) WHERE " + predicate);
            MaterializedResultWithPlan skipping = freshet.queryRunner().executeWithPlan(session, "SELECT id FROM events WHERE " + predicate);
            List<Object> skipped = skipping.result().getOnlyColumn().sorted().toList();
            assertThat(skipped).as(predicate).isEqualTo(fullScan);
            long total = (Long) freshet.queryRunner().execute("SELECT count(*) FROM events").getOnlyValue();
            if (queryStats(skipping).getPhysicalInputPositions() < total) {
                pruned++;
            }
        }
        assertThat(pruned).as("predicates that skipped batches or files").isGreaterThan(predicates.size() / 4);
    }

    private List<Object> ids(String sql)
    {
        return freshet.queryRunner().execute(sql).getOnlyColumn().sorted().toList();
    }

    private QueryStats queryStats(MaterializedResultWithPlan result)
    {
        return freshet.queryRunner().getCoordinator().getQueryManager().getFullQueryInfo(result.queryId()).getQueryStats();
    }

    /** Record {@code id}: values grow with the id, so batches cover narrow ranges; some columns are null. */
    private static String event(int id)
    {
        int wave = id / WAVE_RECORDS;
        int index = id % WAVE_RECORDS;
        return """
                {"id": %d, "quantity": %s, "price": %s, "ratio": %s, "paid": %s, "amount": "%d.%02d", "total": "%d%06d.1234",
                 "customer": %s, "payload": "%s", "day": "2026-11-%02d", "placed": "2026-11-28 %02d:%02d:00", "created": "2026-11-28T%02d:00:%02d.%06dZ"}"""
                .formatted(
                        id,
                        index % 17 == 0 ? "null" : String.valueOf(wave * 100 + index % 100),
                        index % 19 == 0 ? "null" : index % 50 == 1 ? "-0.0" : String.valueOf(wave + index / 1000.0),
                        index % 13 == 0 ? "null" : String.valueOf(wave * 2.5f),
                        index % 23 == 0 ? "null" : wave % 3 == 0 ? "true" : String.valueOf(index % 2 == 0),
                        wave, index % 100,
                        wave, index,
                        wave == 5 || index % 29 == 0 ? "null" : "\"c-%02d-%03d\"".formatted(wave, index),
                        java.util.Base64.getEncoder().encodeToString(new byte[] {(byte) wave, (byte) index}),
                        wave + 1,
                        wave, index % 60,
                        wave, index % 60, index);
    }

    private static String randomPredicate(Random random)
    {
        List<IntFunction<String>> columns = List.of(
                wave -> pick(random, "id", String.valueOf(wave * WAVE_RECORDS + random.nextInt(WAVE_RECORDS))),
                wave -> pick(random, "quantity", String.valueOf(wave * 100 + random.nextInt(100))),
                wave -> pick(random, "price", random.nextBoolean() ? "0.0" : "%d.%03d".formatted(wave, random.nextInt(200))),
                wave -> pick(random, "ratio", "REAL '%s'".formatted(wave * 2.5f)),
                wave -> random.nextBoolean() ? "paid" : random.nextBoolean() ? "NOT paid" : "paid IS NULL",
                wave -> pick(random, "amount", "%d.%02d".formatted(wave, random.nextInt(100))),
                wave -> pick(random, "total", "DECIMAL '%d%06d.1234'".formatted(wave, random.nextInt(WAVE_RECORDS))),
                wave -> pick(random, "customer", "'c-%02d-%03d'".formatted(wave, random.nextInt(WAVE_RECORDS))),
                wave -> pick(random, "payload", "X'%02x%02x'".formatted(wave, random.nextInt(WAVE_RECORDS) & 0xff)),
                wave -> pick(random, "day", "DATE '2026-11-%02d'".formatted(wave + 1)),
                wave -> pick(random, "placed", "TIMESTAMP '2026-11-28 %02d:%02d:00'".formatted(wave, random.nextInt(60))),
                wave -> pick(random, "created", "TIMESTAMP '2026-11-28 %02d:00:%02d UTC'".formatted(wave, random.nextInt(60))),
                wave -> pick(random, "_partition_offset", String.valueOf(wave * WAVE_RECORDS / PARTITIONS + random.nextInt(WAVE_RECORDS / PARTITIONS))),
                wave -> pick(random, "_partition_id", String.valueOf(random.nextInt(PARTITIONS))));
        String first = columns.get(random.nextInt(columns.size())).apply(random.nextInt(WAVES));
        return switch (random.nextInt(4)) {
            case 0 -> first + " AND " + columns.get(random.nextInt(columns.size())).apply(random.nextInt(WAVES));
            case 1 -> "(" + first + " OR " + columns.get(random.nextInt(columns.size())).apply(random.nextInt(WAVES)) + ")";
            default -> first;
        };
    }

    private static String pick(Random random, String column, String value)
    {
        return switch (random.nextInt(8)) {
            case 0 -> column + " = " + value;
            case 1 -> column + " > " + value;
            case 2 -> column + " <= " + value;
            case 3 -> column + " BETWEEN " + value + " AND " + value;
            case 4 -> column + " IN (" + value + ")";
            case 5 -> column + " IS NULL";
            case 6 -> "NOT (" + column + " >= " + value + ")";
            default -> column + " <> " + value;
        };
    }
}
