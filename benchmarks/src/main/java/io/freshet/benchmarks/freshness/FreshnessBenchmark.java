package io.freshet.benchmarks.freshness;

import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.report.Svg;
import io.freshet.benchmarks.workload.Events;
import io.freshet.trino.server.TrinoServerProcess;
import io.freshet.trino.server.TrinoStatements;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 1: freshness under sustained load, as users query a live table. A stock Trino 476 server with the plugin
 * zip and catalog defaults ingests a topic that already holds {@code --freshness-history} committed events, while a
 * producer writes {@code --freshness-rate} events/s for {@code --freshness-seconds}, long enough for several
 * size-triggered flushes and a compaction. Back to back, a client probes the newest acknowledged record with each
 * {@link ProbeShape} (repeating the query until it returns the record), runs a dashboard aggregate over the last
 * minute, and a {@code SELECT 1} for the protocol's floor. Every figure comes from that one window.
 */
public final class FreshnessBenchmark
{
    private static final String TOPIC = "freshness";
    private static final String TABLE = "freshet.bench.freshness";
    private static final String DASHBOARD = """
            SELECT country, device, count(*), sum(price), approx_distinct(user_id) FROM %s
            WHERE _timestamp > current_timestamp - INTERVAL '1' MINUTE GROUP BY 1, 2""".formatted(TABLE);
    private static final Duration PROBE_TIMEOUT = Duration.ofMinutes(2);

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;

    public FreshnessBenchmark(BenchmarkEnvironment environment, BenchmarkOptions options, Report report)
    {
        this.environment = environment;
        this.options = options;
        this.report = report;
    }

    public void run()
            throws Exception
    {
        String bootstrap = environment.kafka().bootstrapServers();
        long history = options.freshnessHistory();
        Events.createTopic(bootstrap, TOPIC, options.partitions());
        Console.OUT.printf(Locale.ROOT, "==> Freshness: pre-loading %,d events of history%n", history);
        Events.preload(bootstrap, TOPIC, options.partitions(), history);
        Path state = environment.workDirectory("freshness-trino");
        Window window = new Window();
        Console.OUT.println("==> Freshness: starting Trino 476 with the Freshet plugin zip (catalog defaults)");
        try (TrinoServerProcess server = TrinoServerProcess.start(
                environment.trinoServer(),
                environment.pluginZip(),
                state,
                Path.of(System.getProperty("java.home")),
                Map.of(
                        "kafka.bootstrap.servers", bootstrap,
                        "iceberg.jdbc-catalog.default-warehouse-dir", state.resolve("warehouse").toString()),
                Duration.ofSeconds(180))) {
            String address = server.serverAddress();
            TrinoStatements.query(address, "CREATE SCHEMA freshet.bench");
            TrinoStatements.query(address, "CREATE TABLE " + TABLE + " (" + Events.COLUMNS + ") WITH (kafka_topic = '" + TOPIC + "')");
            commitHistory(address, history);

            List<Double> idleSelectOne = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                idleSelectOne.add(timeMillis(address, "SELECT 1"));
            }
            Console.OUT.printf(Locale.ROOT, "    idle server: SELECT 1 takes %.1f ms (median of 50)%n", Stats.median(idleSelectOne));

            long commitsBefore = scalar(address, "SELECT coalesce(max(commits), 0) FROM freshet.system.ingest_status");
            try (SteadyProducer producer = new SteadyProducer(bootstrap, TOPIC, options.partitions(), options.freshnessRate(), history)) {
                Thread.sleep(warmUp().toMillis());
                long start = System.nanoTime();
                long end = start + TimeUnit.SECONDS.toNanos(options.freshnessSeconds());
                // ingest_status reports the lag of the last 10 s: the history's catch-up must leave that window first
                long nextLagSample = start + TimeUnit.SECONDS.toNanos(10);
                boolean compactionAsked = false;
                while (System.nanoTime() < end) {
                    for (ProbeShape shape : ProbeShape.values()) {
                        probe(address, producer, shape, window);
                    }
                    window.dashboard.add(timeMillis(address, DASHBOARD));
                    window.selectOne.add(timeMillis(address, "SELECT 1"));
                    if (System.nanoTime() > nextLagSample) {
                        sampleIngestLag(address, window);
                        nextLagSample = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
                    }
                    if (!compactionAsked && System.nanoTime() > start + (end - start) / 2 && compactions(address) == 0) {
                        // upkeep runs every 5 minutes by default; make sure one compaction falls inside the window
                        compactionAsked = true;
                        Thread.ofPlatform().name("freshness-optimize").start(() -> {
                            try {
                                TrinoStatements.query(address, "ALTER TABLE " + TABLE + " EXECUTE optimize");
                            }
                            catch (IOException | InterruptedException e) {
                                report.problem("optimize during the freshness window failed: " + e.getMessage());
                            }
                        });
                    }
                }
            }
            long commits = scalar(address, "SELECT coalesce(max(commits), 0) FROM freshet.system.ingest_status") - commitsBefore;
            long compactions = compactions(address);
            window.print();
            addFigures(window, idleSelectOne, commits, compactions);
            if (!server.isAlive()) {
                report.problem("the Trino server exited during the freshness benchmark:\n" + server.logTail(40));
            }
        }
        List<Double> sink = List.of();
        if (options.runs("sink")) {
            try {
                sink = SinkFreshness.measure(environment, options, Duration.ofSeconds(Math.min(options.freshnessSeconds(), 60)));
                report.add(Figure.of("freshness", "Iceberg sink, 1 s commit interval: ack -> committed, p50", "ms", List.of(Stats.percentile(sink, 50)),
                        "same producer rate; read from the sink's catalog, without a query round trip"));
                report.add(Figure.of("freshness", "Iceberg sink, 1 s commit interval: ack -> committed, p99", "ms", List.of(Stats.percentile(sink, 99)), ""));
                report.add(Figure.of("freshness", "ratio sink / Freshet point lookup: ack -> visible, p50", "x",
                        List.of(Stats.percentile(sink, 50) / Stats.percentile(window.freshness.get(ProbeShape.POINT), 50)), "higher is better for Freshet"));
                report.add(Figure.of("freshness", "ratio sink / Freshet point lookup: ack -> visible, p99", "x",
                        List.of(Stats.percentile(sink, 99) / Stats.percentile(window.freshness.get(ProbeShape.POINT), 99)), ""));
                report.detail("freshness_sink_latencies_ms", sink);
            }
            catch (Exception e) {
                report.problem("The Iceberg Kafka Connect sink's freshness could not be measured: " + e.getMessage());
                e.printStackTrace();
            }
        }
        plotDistributions(window, sink);
    }

    /** Waits until the table has consumed the history, then commits it, so that the window starts on a table with history. */
    private void commitHistory(String address, long history)
            throws IOException, InterruptedException
    {
        long start = System.nanoTime();
        while (scalar(address, "SELECT coalesce(sum(high_water_mark), 0) FROM freshet.system.ingest_status WHERE table_name = 'freshness'") < history) {
            if (System.nanoTime() - start > TimeUnit.MINUTES.toNanos(30)) {
                throw new IllegalStateException("the history was not consumed within 30 minutes");
            }
            Thread.sleep(500);
        }
        TrinoStatements.query(address, "CALL freshet.system.flush('bench', 'freshness')");
        Console.OUT.printf(Locale.ROOT, "    %,d events of history committed %.1f s after CREATE TABLE%n", history, (System.nanoTime() - start) / 1e9);
    }

    private void probe(String address, SteadyProducer producer, ProbeShape shape, Window window)
            throws IOException, InterruptedException
    {
        SteadyProducer.Acked target = producer.newest();
        if (target == null) {
            Thread.sleep(10);
            return;
        }
        long deadline = System.nanoTime() + PROBE_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            long queryStart = System.nanoTime();
            List<List<JsonNode>> rows = TrinoStatements.query(address, shape.sql(TABLE, target, window.lastSeen));
            long now = System.nanoTime();
            window.queries.get(shape).add((now - queryStart) / 1e6);
            if (shape.visible(rows, target, window.lastSeen)) {
                window.freshness.get(shape).add((now - target.ackNanos()) / 1e6);
                return;
            }
        }
        throw new IllegalStateException("%s did not return partition %d offset %d within %s".formatted(shape.label(), target.partition(), target.offset(), PROBE_TIMEOUT));
    }

    private static void sampleIngestLag(String address, Window window)
            throws IOException, InterruptedException
    {
        List<JsonNode> row = TrinoStatements.query(address, "SELECT max(ingest_lag_p50_ms), max(ingest_lag_p99_ms), sum(hot_rows) FROM freshet.system.ingest_status WHERE table_name = 'freshness'").getFirst();
        if (!row.get(0).isNull()) {
            window.ingestLagP50.add(row.get(0).asDouble());
            window.ingestLagP99.add(row.get(1).asDouble());
            window.ingestLagSampledAt.add((double) System.currentTimeMillis());
        }
        window.hotRows.add(row.get(2).asDouble());
    }

    private static long compactions(String address)
            throws IOException, InterruptedException
    {
        return scalar(address, "SELECT coalesce(sum(compactions), 0) FROM freshet.system.upkeep WHERE table_name = 'freshness'");
    }

    private void addFigures(Window window, List<Double> idleSelectOne, long commits, long compactions)
    {
        String note = "%,d events/s for %d s on %,d committed events of history; stock Trino 476, catalog defaults; %d commits and %d compactions in the window"
                .formatted(options.freshnessRate(), options.freshnessSeconds(), options.freshnessHistory(), commits, compactions);
        for (ProbeShape shape : ProbeShape.values()) {
            List<Double> freshness = window.freshness.get(shape);
            List<Double> queries = window.queries.get(shape);
            for (int percentile : List.of(50, 95, 99)) {
                report.add(Figure.of("freshness", "%s: ack -> row returned, p%d".formatted(shape.label(), percentile), "ms", List.of(Stats.percentile(freshness, percentile)), percentile == 50 ? note : ""));
            }
            for (int percentile : List.of(50, 95, 99)) {
                report.add(Figure.of("freshness", "%s: one query, p%d".formatted(shape.label(), percentile), "ms", List.of(Stats.percentile(queries, percentile)), ""));
            }
            report.add(Figure.of("freshness", "%s: slowest query".formatted(shape.label()), "ms", List.of(Collections.max(queries)), "%,d queries".formatted(queries.size())));
        }
        for (int percentile : List.of(50, 95, 99)) {
            report.add(Figure.of("freshness", "dashboard aggregate (last minute): one query, p%d".formatted(percentile), "ms", List.of(Stats.percentile(window.dashboard, percentile)),
                    percentile == 50 ? "GROUP BY country, device over the rows of the last minute; up to %,.0f hot rows".formatted(Collections.max(window.hotRows)) : ""));
        }
        report.add(Figure.of("freshness", "dashboard aggregate: slowest query", "ms", List.of(Collections.max(window.dashboard)), ""));
        report.add(Figure.of("freshness", "SELECT 1 during the window, p50", "ms", List.of(Stats.median(window.selectOne)), "the protocol's floor under the same load"));
        report.add(Figure.of("freshness", "SELECT 1 on the idle server, p50", "ms", List.of(Stats.median(idleSelectOne)), "50 queries before the producer starts"));
        if (!window.ingestLagP50.isEmpty()) {
            report.add(Figure.of("freshness", "ingest lag (Kafka timestamp -> in hot buffer), median of 10 s p50s", "ms", List.of(Stats.median(window.ingestLagP50)),
                    "system.ingest_status sampled every 5 s during the window"));
            report.add(Figure.of("freshness", "ingest lag, worst 10 s p99", "ms", List.of(Collections.max(window.ingestLagP99)), ""));
        }
        Map<String, Object> detail = new LinkedHashMap<>();
        for (ProbeShape shape : ProbeShape.values()) {
            detail.put(shape.name().toLowerCase(Locale.ROOT) + "_freshness_ms", window.freshness.get(shape));
            detail.put(shape.name().toLowerCase(Locale.ROOT) + "_query_ms", window.queries.get(shape));
        }
        detail.put("dashboard_query_ms", window.dashboard);
        detail.put("select_one_ms", window.selectOne);
        detail.put("ingest_lag_p99_ms", window.ingestLagP99);
        // epoch milliseconds of each sample, to line the lag up with the server's GC log or a JFR recording
        detail.put("ingest_lag_sampled_at_epoch_ms", window.ingestLagSampledAt);
        report.detail("freshness", detail);
    }

    private void plotDistributions(Window window, List<Double> sink)
    {
        if (window.freshness.get(ProbeShape.POINT).isEmpty()) {
            return;
        }
        List<Svg.Series> series = new ArrayList<>();
        for (ProbeShape shape : ProbeShape.values()) {
            series.add(distribution("Freshet, " + shape.label(), window.freshness.get(shape)));
        }
        if (!sink.isEmpty()) {
            series.add(distribution("Iceberg sink, 1 s commits", sink));
        }
        report.plot("freshness.svg", Svg.lineChart(
                "Freshness: producer ack -> row returned (%,d events/s on %,d events of history)".formatted(options.freshnessRate(), options.freshnessHistory()),
                "milliseconds", "% of probes at or below", series));
    }

    private static Svg.Series distribution(String name, List<Double> latencies)
    {
        List<Double> sorted = new ArrayList<>(latencies);
        Collections.sort(sorted);
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        // cut the long tail at p99.9 so the body of the distribution stays readable
        int shown = (int) Math.ceil(sorted.size() * 0.999);
        for (int i = 0; i < shown; i++) {
            xs.add(sorted.get(i));
            ys.add((i + 1) * 100.0 / sorted.size());
        }
        return new Svg.Series(name, xs, ys);
    }

    /** Time for the server's JIT and the consumer to settle after the producer starts; not counted. */
    private Duration warmUp()
    {
        return Duration.ofSeconds(options.quick() ? 5 : 15);
    }

    private static double timeMillis(String address, String sql)
            throws IOException, InterruptedException
    {
        long start = System.nanoTime();
        TrinoStatements.query(address, sql);
        return (System.nanoTime() - start) / 1e6;
    }

    private static long scalar(String address, String sql)
            throws IOException, InterruptedException
    {
        return TrinoStatements.query(address, sql).getFirst().getFirst().asLong();
    }

    /** What one window measured. */
    private static final class Window
    {
        final Map<ProbeShape, List<Double>> freshness = new EnumMap<>(ProbeShape.class);
        final Map<ProbeShape, List<Double>> queries = new EnumMap<>(ProbeShape.class);
        final Map<Integer, Long> lastSeen = new HashMap<>();
        final List<Double> dashboard = new ArrayList<>();
        final List<Double> selectOne = new ArrayList<>();
        final List<Double> ingestLagP50 = new ArrayList<>();
        final List<Double> ingestLagP99 = new ArrayList<>();
        final List<Double> ingestLagSampledAt = new ArrayList<>();
        final List<Double> hotRows = new ArrayList<>();

        Window()
        {
            for (ProbeShape shape : ProbeShape.values()) {
                freshness.put(shape, new ArrayList<>());
                queries.put(shape, new ArrayList<>());
            }
        }

        void print()
        {
            for (ProbeShape shape : ProbeShape.values()) {
                List<Double> latencies = freshness.get(shape);
                List<Double> times = queries.get(shape);
                Console.OUT.printf(Locale.ROOT, "    %-15s %,5d probes: freshness p50 %.0f ms, p99 %.0f ms; query p50 %.0f ms, p99 %.0f ms, slowest %.0f ms%n",
                        shape.label(), latencies.size(), Stats.percentile(latencies, 50), Stats.percentile(latencies, 99),
                        Stats.percentile(times, 50), Stats.percentile(times, 99), Collections.max(times));
            }
            Console.OUT.printf(Locale.ROOT, "    dashboard       %,5d queries: p50 %.0f ms, p99 %.0f ms, slowest %.0f ms; SELECT 1 p50 %.0f ms%n",
                    dashboard.size(), Stats.percentile(dashboard, 50), Stats.percentile(dashboard, 99), Collections.max(dashboard), Stats.median(selectOne));
            if (!ingestLagP99.isEmpty()) {
                Console.OUT.printf(Locale.ROOT, "    ingest lag: p50 %.0f ms, worst 10 s p99 %.0f ms%n", Stats.median(ingestLagP50), Collections.max(ingestLagP99));
            }
        }
    }
}
