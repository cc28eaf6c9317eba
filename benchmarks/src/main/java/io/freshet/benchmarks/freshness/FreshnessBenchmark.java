package io.freshet.benchmarks.freshness;

import io.freshet.benchmarks.report.Console;
import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.report.Svg;
import io.freshet.benchmarks.workload.Events;
import io.freshet.trino.server.TrinoServerProcess;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Figure 1: time from the producer's acknowledgement of a record until a {@code SELECT} on a stock Trino 476 server
 * (the plugin zip installed, queried over Trino's HTTP protocol) returns that row, while a producer writes a steady
 * stream of events. Each probe takes the newest acknowledged record and repeats
 * {@code SELECT id FROM t WHERE _partition_id = p AND _partition_offset = o} until the row comes back.
 */
public final class FreshnessBenchmark
{
    private static final String TOPIC = "freshness";

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
        Events.createTopic(environment.kafka().bootstrapServers(), TOPIC, options.partitions());
        Path state = environment.workDirectory("freshness-trino");
        Console.OUT.println("==> Freshness: starting Trino 476 with the Freshet plugin zip");
        try (TrinoServerProcess server = TrinoServerProcess.start(
                environment.trinoServer(),
                environment.pluginZip(),
                state,
                Path.of(System.getProperty("java.home")),
                Map.of(
                        "kafka.bootstrap.servers", environment.kafka().bootstrapServers(),
                        "iceberg.jdbc-catalog.default-warehouse-dir", state.resolve("warehouse").toString()),
                Duration.ofSeconds(180))) {
            String address = server.serverAddress();
            TrinoServerProcess.query(address, "CREATE SCHEMA freshet.bench");
            TrinoServerProcess.query(address, "CREATE TABLE freshet.bench.freshness (" + Events.COLUMNS + ") WITH (kafka_topic = '" + TOPIC + "')");

            // the cost of one round trip of Trino's HTTP protocol, and of one probe of a row long since present, on an idle table
            List<Double> selectOne = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                long queryStart = System.nanoTime();
                TrinoServerProcess.query(address, "SELECT 1");
                selectOne.add((System.nanoTime() - queryStart) / 1e6);
            }
            Console.OUT.printf(Locale.ROOT, "    idle server: SELECT 1 takes %.1f ms (median of 50)%n", Stats.median(selectOne));

            SteadyProducer producer = new SteadyProducer(environment.kafka().bootstrapServers(), TOPIC, options.partitions(), options.freshnessRate());
            List<Double> p50 = new ArrayList<>();
            List<Double> p95 = new ArrayList<>();
            List<Double> p99 = new ArrayList<>();
            List<Double> probes = new ArrayList<>();
            List<Double> queryMillis = new ArrayList<>();
            List<Double> queriesPerProbe = new ArrayList<>();
            List<Double> slowestQuery = new ArrayList<>();
            List<Double> all = new ArrayList<>();
            try {
                for (int run = 1; run <= options.runs(); run++) {
                    List<Double> latencies = new ArrayList<>();
                    List<Double> queries = new ArrayList<>();
                    long counted = 0;
                    long warmUpEnd = System.nanoTime() + (run == 1 ? warmUp().toNanos() : 0);
                    long end = warmUpEnd + TimeUnit.SECONDS.toNanos(options.freshnessSeconds());
                    while (System.nanoTime() < end) {
                        SteadyProducer.Acked target = producer.newest();
                        if (target == null) {
                            Thread.sleep(10);
                            continue;
                        }
                        String probe = "SELECT id FROM freshet.bench.freshness WHERE _partition_id = %d AND _partition_offset = %d".formatted(target.partition(), target.offset());
                        int attempts = 0;
                        while (true) {
                            attempts++;
                            long queryStart = System.nanoTime();
                            List<List<JsonNode>> rows = TrinoServerProcess.query(address, probe);
                            long now = System.nanoTime();
                            queries.add((now - queryStart) / 1e6);
                            if (!rows.isEmpty()) {
                                if (queryStart > warmUpEnd) {
                                    latencies.add((now - target.ackNanos()) / 1e6);
                                    counted += attempts;
                                }
                                break;
                            }
                        }
                    }
                    double runP50 = Stats.percentile(latencies, 50);
                    double runP95 = Stats.percentile(latencies, 95);
                    double runP99 = Stats.percentile(latencies, 99);
                    Console.OUT.printf(Locale.ROOT, "    run %d: %d probes, p50 %.1f ms, p95 %.1f ms, p99 %.1f ms, max %.1f ms; one probe query %.1f ms (median)%n",
                            run, latencies.size(), runP50, runP95, runP99, Collections.max(latencies), Stats.median(queries));
                    p50.add(runP50);
                    p95.add(runP95);
                    p99.add(runP99);
                    probes.add((double) latencies.size());
                    queryMillis.add(Stats.median(queries));
                    queriesPerProbe.add(counted / (double) latencies.size());
                    slowestQuery.add(Collections.max(queries));
                    all.addAll(latencies);
                }
            }
            finally {
                producer.close();
            }
            long committed = TrinoServerProcess.query(address, "SELECT max(commits) FROM freshet.system.ingest_status").getFirst().getFirst().asLong();
            String note = "%,d events/s steady, %d partitions, %d s per run after %d s warm-up; stock Trino 476 server, HTTP protocol; catalog defaults (commits during the run: %d)"
                    .formatted(options.freshnessRate(), options.partitions(), options.freshnessSeconds(), warmUp().toSeconds(), committed);
            report.add(Figure.of("freshness", "producer ack -> row returned, p50", "ms", p50, note));
            report.add(Figure.of("freshness", "producer ack -> row returned, p95", "ms", p95, note));
            report.add(Figure.of("freshness", "producer ack -> row returned, p99", "ms", p99, note));
            report.add(Figure.of("freshness", "one probe query (row present or not), median", "ms", queryMillis, "round trip of the filtered SELECT; bounds how finely freshness is resolved"));
            report.add(Figure.of("freshness", "probes per run", "probes", probes, ""));
            report.add(Figure.of("freshness", "queries per probe, mean", "queries", queriesPerProbe, "how many filtered SELECTs ran until one returned the row"));
            report.add(Figure.of("freshness", "slowest single probe query", "ms", slowestQuery, "a stall of the server, not of ingestion, when close to the p99"));
            report.add(Figure.of("freshness", "SELECT 1 round trip on the idle server, median", "ms", List.of(Stats.median(selectOne)), "50 queries before the producer starts: the protocol's floor"));
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("latencies_ms", all);
            report.detail("freshness", detail);
            plot(all);
            if (!server.isAlive()) {
                report.problem("the Trino server exited during the freshness benchmark:\n" + server.logTail(40));
            }
        }
    }

    /** Time for the server's JIT and the consumer to settle after the producer starts; not counted. */
    private Duration warmUp()
    {
        return Duration.ofSeconds(options.quick() ? 5 : 15);
    }

    private void plot(List<Double> latencies)
    {
        if (latencies.isEmpty()) {
            return;
        }
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
        report.plot("freshness.svg", Svg.lineChart(
                "Freshness: producer ack -> row returned by SELECT (%,d probes, %,d events/s)".formatted(sorted.size(), options.freshnessRate()),
                "milliseconds", "% of probes at or below", List.of(new Svg.Series("Freshet on Trino 476", xs, ys))));
    }
}
