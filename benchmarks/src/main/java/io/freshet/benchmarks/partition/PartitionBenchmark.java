package io.freshet.benchmarks.partition;

import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.workload.Events;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.execution.QueryInfo;
import io.trino.operator.OperatorStats;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.QueryRunner.MaterializedResultWithPlan;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Future;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * Dual partitioning: a table partitioned by {@code day(ts)} over events whose timestamps span 30 days in offset
 * order, as a stream's event times do. A query of one day against a full scan, hot (batch statistics) and committed
 * (partition values of the files), by the splits and rows the table scan reads and by latency; then ingest throughput
 * of a table partitioned by {@code day(ts)} and {@code bucket(id, 16)} against an unpartitioned one on the same topic.
 */
public final class PartitionBenchmark
{
    public static final String TOPIC = "partitioned";
    // the same events with the timestamps of a live stream: 20,000 events per second, as the ingest benchmark's
    private static final String LIVE_TOPIC = "partitioned-live";
    private static final long LIVE_EVENTS_PER_SECOND = 20_000;
    private static final int DAYS = 30;
    private static final Instant FIRST_DAY = Instant.parse("2026-10-01T00:00:00Z");
    private static final String COLUMNS = "id bigint, customer_id bigint, country varchar, quantity integer, ts timestamp(6) with time zone";

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;

    public PartitionBenchmark(BenchmarkEnvironment environment, BenchmarkOptions options, Report report)
    {
        this.environment = environment;
        this.options = options;
        this.report = report;
    }

    public void run()
            throws Exception
    {
        String bootstrap = environment.kafka().bootstrapServers();
        Events.createTopic(bootstrap, TOPIC, options.partitions());
        preload(bootstrap, TOPIC, options.scanRows(), Duration.ofDays(DAYS));
        pruning(options.scanRows());
        long events = Math.min(options.events(), options.scanRows());
        Events.createTopic(bootstrap, LIVE_TOPIC, options.partitions());
        preload(bootstrap, LIVE_TOPIC, events, Duration.ofSeconds(Math.max(1, events / LIVE_EVENTS_PER_SECOND)));
        // a live stream: a commit spans a day or two of event time
        ingest(events, LIVE_TOPIC, "live stream (%,d events/s of event time)".formatted(LIVE_EVENTS_PER_SECOND));
        // a backlog of 30 days caught up at once: each commit writes a file per day, bucket and Kafka partition (the first events of the pruning topic)
        ingest(events, TOPIC, "backlog of %d days of event time".formatted(DAYS));
    }

    private void pruning(long events)
            throws Exception
    {
        Map<String, String> nothingFlushes = Map.of("freshet.flush.interval", "24h", "freshet.flush.max-size", "64GB", "freshet.hot-buffer.max-size", "64GB",
                "freshet.maintenance.enabled", "false");
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(environment.kafka().bootstrapServers(), environment.workDirectory("partition-warehouse"), nothingFlushes)) {
            queryRunner.execute("CREATE SCHEMA freshet.bench");
            queryRunner.execute("CREATE TABLE freshet.bench.days (%s) WITH (kafka_topic = '%s', partitioning = ARRAY['day(ts)'])".formatted(COLUMNS, TOPIC));
            awaitRows(queryRunner, "days", events);
            Instant day = FIRST_DAY.plus(Duration.ofDays(DAYS / 2));
            String full = "SELECT count(*), sum(quantity) FROM freshet.bench.days";
            String oneDay = full + " WHERE ts >= from_iso8601_timestamp('%s') AND ts < from_iso8601_timestamp('%s')".formatted(day, day.plus(Duration.ofDays(1)));
            measure(queryRunner, "hot", full, oneDay, events);
            queryRunner.execute("CALL freshet.system.flush('bench', 'days')");
            measure(queryRunner, "committed", full, oneDay, events);
        }
    }

    /** Splits, rows read and latency of the full scan and of the one-day query; the figures go to the report. */
    private void measure(DistributedQueryRunner queryRunner, String state, String full, String oneDay, long events)
    {
        Scan fullScan = scan(queryRunner, full);
        Scan dayScan = scan(queryRunner, oneDay);
        List<Double> fullMillis = new ArrayList<>();
        List<Double> dayMillis = new ArrayList<>();
        for (int run = 0; run < Math.max(5, options.runs() * 3); run++) {
            fullMillis.add(millis(queryRunner, full));
            dayMillis.add(millis(queryRunner, oneDay));
        }
        String what = state.equals("hot") ? "hot splits" : "files";
        Console.OUT.printf(Locale.ROOT, "    %s: full scan %d %s, %,d rows read, %.0f ms; one day of %d: %d %s, %,d rows read, %.0f ms (medians)%n",
                state, fullScan.splits(), what, fullScan.rows(), Stats.median(fullMillis), DAYS, dayScan.splits(), what, dayScan.rows(), Stats.median(dayMillis));
        String note = "%,d events over %d days, day(ts) partitioning, %d Kafka partitions".formatted(events, DAYS, options.partitions());
        // committed: the files read are the target; hot: the rows of the batches read (a hot split spans up to 64 K rows of batches)
        report.add(Figure.of("partitioning", "%s: %s read, one day / full scan".formatted(state, what), "x", List.of(dayScan.splits() / (double) fullScan.splits()),
                "%d of %d%s; %s".formatted(dayScan.splits(), fullScan.splits(), state.equals("hot") ? "" : "; target <= 0.05", note)));
        report.add(Figure.of("partitioning", "%s: rows read, one day / full scan".formatted(state), "x", List.of(dayScan.rows() / (double) fullScan.rows()),
                "%,d of %,d%s".formatted(dayScan.rows(), fullScan.rows(), state.equals("hot") ? "; the rows of the hot batches read; target <= 0.05" : "")));
        report.add(Figure.of("partitioning", "%s: full scan latency".formatted(state), "ms", fullMillis, full));
        report.add(Figure.of("partitioning", "%s: one-day query latency".formatted(state), "ms", dayMillis, oneDay));
    }

    private record Scan(long splits, long rows) {}

    /** Splits and rows of the table scan of one query, from the coordinator's query statistics. */
    private static Scan scan(DistributedQueryRunner queryRunner, String sql)
    {
        MaterializedResultWithPlan result = queryRunner.executeWithPlan(queryRunner.getDefaultSession(), sql);
        QueryInfo info = queryRunner.getCoordinator().getQueryManager().getFullQueryInfo(result.queryId());
        long splits = 0;
        long rows = 0;
        for (OperatorStats operator : info.getQueryStats().getOperatorSummaries()) {
            if (operator.getOperatorType().contains("Scan")) {
                splits += operator.getTotalDrivers();
                rows += operator.getPhysicalInputPositions();
            }
        }
        return new Scan(splits, rows);
    }

    private void ingest(long events, String topic, String workload)
            throws Exception
    {
        Map<String, String> commitEvery = Map.of("freshet.flush.interval", options.commitInterval().toSeconds() + "s", "freshet.maintenance.enabled", "false");
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(environment.kafka().bootstrapServers(), environment.workDirectory("partition-ingest-warehouse"), commitEvery)) {
            queryRunner.execute("CREATE SCHEMA IF NOT EXISTS freshet.bench");
            Map<String, List<Double>> rates = new LinkedHashMap<>();
            for (int run = 1; run <= options.runs(); run++) {
                for (String layout : List.of("unpartitioned", "partitioned")) {
                    String table = layout + run + topic.replace('-', '_');
                    String partitioning = layout.equals("partitioned") ? ", partitioning = ARRAY['day(ts)', 'bucket(id, 16)']" : "";
                    long start = System.nanoTime();
                    queryRunner.execute("CREATE TABLE freshet.bench.%s (%s) WITH (kafka_topic = '%s'%s)".formatted(table, COLUMNS, topic, partitioning));
                    awaitCommitted(queryRunner, table, events);
                    double seconds = (System.nanoTime() - start) / 1e9;
                    rates.computeIfAbsent(layout, _ -> new ArrayList<>()).add(events / seconds);
                    long files = (Long) queryRunner.execute("SELECT count(*) FROM freshet.bench.\"%s$files\"".formatted(table)).getOnlyValue();
                    Console.OUT.printf(Locale.ROOT, "    ingest %s run %d %-13s %,.0f events/s (%,d events committed in %.1f s, %d files)%n", topic, run, layout, events / seconds, events, seconds, files);
                    queryRunner.execute("DROP TABLE freshet.bench." + table);
                }
            }
            String note = "%s; %,d events, %d Kafka partitions, commit every %s s; from CREATE TABLE to every event committed".formatted(workload, events, options.partitions(), options.commitInterval().toSeconds());
            report.add(Figure.of("partitioning", "ingest throughput, unpartitioned, " + workload, "events/s", rates.get("unpartitioned"), note));
            report.add(Figure.of("partitioning", "ingest throughput, day(ts) + bucket(id, 16), " + workload, "events/s", rates.get("partitioned"), note));
            report.add(Figure.of("partitioning", "ratio ingest throughput partitioned / unpartitioned, " + workload, "x",
                    List.of(Stats.median(rates.get("partitioned")) / Stats.median(rates.get("unpartitioned"))), "target >= 0.8"));

        }
    }

    private static void awaitRows(DistributedQueryRunner queryRunner, String table, long events)
            throws InterruptedException
    {
        String progress = "SELECT coalesce(sum(high_water_mark), 0) FROM freshet.system.ingest_status WHERE table_name = '%s'".formatted(table);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (((Number) queryRunner.execute(progress).getOnlyValue()).longValue() < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table %s did not take in %,d events within 30 minutes".formatted(table, events));
            }
            Thread.sleep(200);
        }
    }

    private static void awaitCommitted(DistributedQueryRunner queryRunner, String table, long events)
            throws InterruptedException
    {
        String progress = "SELECT coalesce(sum(offset_watermark), 0) FROM freshet.system.ingest_status WHERE table_name = '%s'".formatted(table);
        long deadline = System.nanoTime() + Duration.ofMinutes(30).toNanos();
        while (((Number) queryRunner.execute(progress).getOnlyValue()).longValue() < events) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("table %s did not commit %,d events within 30 minutes".formatted(table, events));
            }
            Thread.sleep(250);
        }
    }

    private static double millis(DistributedQueryRunner queryRunner, String sql)
    {
        long start = System.nanoTime();
        queryRunner.execute(sql);
        return (System.nanoTime() - start) / 1e6;
    }

    /** Events 0 .. count-1 round-robin over the partitions, their timestamps rising with the id across {@code span}. */
    private void preload(String bootstrap, String topic, long count, Duration span)
            throws Exception
    {
        long start = System.nanoTime();
        long spanMicros = span.toNanos() / 1000;
        List<Future<?>> pending = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(bootstrap, 20, 1 << 20)) {
            for (long id = 0; id < count; id++) {
                Instant ts = FIRST_DAY.plusNanos(spanMicros * id / count * 1000);
                byte[] value = "{\"id\":%d,\"customer_id\":%d,\"country\":\"%s\",\"quantity\":%d,\"ts\":\"%s\"}"
                        .formatted(id, (id * 7919) % 100_000, "C" + id % 20, 1 + id % 7, ts).getBytes(UTF_8);
                pending.add(producer.send(new ProducerRecord<>(topic, (int) (id % options.partitions()), null, value)));
                if (pending.size() >= 100_000) {
                    for (Future<?> future : pending) {
                        future.get();
                    }
                    pending.clear();
                }
            }
            for (Future<?> future : pending) {
                future.get();
            }
        }
        Console.OUT.printf(Locale.ROOT, "    %,d events over %s of event time produced to %s in %.1f s%n", count, span, topic, (System.nanoTime() - start) / 1e9);
    }
}
