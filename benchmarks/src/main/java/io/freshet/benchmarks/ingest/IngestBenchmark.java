package io.freshet.benchmarks.ingest;

import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.report.Svg;
import io.freshet.benchmarks.workload.Events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Figure 2: ingest throughput of a pre-loaded topic until every event is committed to Iceberg, by Freshet (with a CPU
 * profile of the first run) and by the Apache Iceberg Kafka Connect sink on the same topic and broker.
 */
public final class IngestBenchmark
{
    public static final String TOPIC = "events";

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;
    private final long topicBytes;

    public IngestBenchmark(BenchmarkEnvironment environment, BenchmarkOptions options, Report report, long topicBytes)
    {
        this.environment = environment;
        this.options = options;
        this.report = report;
        this.topicBytes = topicBytes;
    }

    public void run()
            throws Exception
    {
        long events = options.events();
        Duration timeout = Duration.ofSeconds(Math.max(300, events / 10_000));
        List<IngestRun> freshetRuns = new ArrayList<>();
        List<IngestRun> sinkRuns = new ArrayList<>();
        String size = "%,d events, %.0f bytes each (%,.0f MB), %d partitions, commit interval %d s".formatted(events, topicBytes / (double) events, topicBytes / 1e6, options.partitions(), options.commitInterval().toSeconds());

        if (options.runs("ingest")) {
            Console.OUT.println("==> Ingest: Freshet in Trino (in-process) consumes the pre-loaded topic, " + size);
            try (FreshetIngest freshet = new FreshetIngest(environment.kafka().bootstrapServers(), environment.workDirectory("ingest-freshet"), options.commitInterval())) {
                for (int run = 1; run <= options.runs(); run++) {
                    String table = "ingest_r" + run;
                    CpuProfile profile = run == 1 ? CpuProfile.start(report.directory().resolve("ingest-profile.jfr")) : null;
                    IngestRun result;
                    try {
                        result = freshet.run(table, TOPIC, events, timeout);
                    }
                    finally {
                        if (profile != null) {
                            CpuProfile.Summary summary = profile.stop();
                            profile.close();
                            Console.OUT.print(summary.describe());
                            report.detail("ingest_cpu_profile", summary);
                            plotProfile(summary);
                        }
                    }
                    print("Freshet", run, result);
                    freshetRuns.add(result);
                    freshet.drop(table);
                }
            }
            report.add(Figure.of("ingest", "Freshet: events/s until all committed", "events/s", values(freshetRuns, IngestRun::eventsPerSecond), size));
            report.add(Figure.of("ingest", "Freshet: MB/s until all committed", "MB/s", values(freshetRuns, run -> topicBytes / 1e6 / run.allCommittedSeconds()), "JSON bytes of the record values"));
            report.add(Figure.of("ingest", "Freshet: seconds until all queryable (hot buffer)", "s", values(freshetRuns, IngestRun::allQueryableSeconds), "from CREATE TABLE"));
            report.add(Figure.of("ingest", "Freshet: seconds until all committed", "s", values(freshetRuns, IngestRun::allCommittedSeconds), "from CREATE TABLE"));
            report.add(Figure.of("ingest", "Freshet: events/s from first to last commit", "events/s", values(freshetRuns, IngestRun::steadyEventsPerSecond), ""));
            for (String stage : List.of("kafka poll", "decode", "buffer", "parquet", "commit", "flush throttled (wall s)")) {
                if (freshetRuns.stream().allMatch(run -> run.cpuSecondsPerMillionEvents().containsKey(stage))) {
                    report.add(Figure.of("ingest", "Freshet: CPU per million events, " + stage, "s",
                            values(freshetRuns, run -> run.cpuSecondsPerMillionEvents().get(stage)),
                            stage.startsWith("flush throttled") ? "time the flush slept to stay within its CPU share" : "thread CPU time of the stage (IngestStages MBean)"));
                }
            }
        }

        if (options.runs("sink")) {
            Console.OUT.println("==> Ingest: Apache Iceberg Kafka Connect sink (Connect standalone, JDK 17 child process) on the same topic");
            try {
                Events.createTopicIfAbsent(environment.kafka().bootstrapServers(), ConnectSink.CONTROL_TOPIC, 1);
                for (int run = 1; run <= options.runs(); run++) {
                    IngestRun result = runSink(run, events, timeout);
                    print("Iceberg sink", run, result);
                    sinkRuns.add(result);
                }
                String note = size + "; Connect standalone on JDK 17, 2 tasks, JdbcCatalog (SQLite) + local warehouse; timed from process launch";
                report.add(Figure.of("ingest", "Iceberg sink: events/s until all committed", "events/s", values(sinkRuns, IngestRun::eventsPerSecond), note));
                report.add(Figure.of("ingest", "Iceberg sink: MB/s until all committed", "MB/s", values(sinkRuns, run -> topicBytes / 1e6 / run.allCommittedSeconds()), ""));
                report.add(Figure.of("ingest", "Iceberg sink: seconds until all committed (= queryable)", "s", values(sinkRuns, IngestRun::allCommittedSeconds), note));
                report.add(Figure.of("ingest", "Iceberg sink: seconds until first commit", "s", values(sinkRuns, IngestRun::firstCommitSeconds), "includes Connect startup and the sink's first commit round"));
                report.add(Figure.of("ingest", "Iceberg sink: events/s from first to last commit", "events/s", values(sinkRuns, IngestRun::steadyEventsPerSecond), ""));
            }
            catch (Exception e) {
                report.problem("The Iceberg Kafka Connect sink could not be measured: " + e.getMessage());
                e.printStackTrace();
            }
        }

        if (!freshetRuns.isEmpty() && !sinkRuns.isEmpty()) {
            double freshetRate = Stats.median(values(freshetRuns, IngestRun::eventsPerSecond));
            double sinkRate = Stats.median(values(sinkRuns, IngestRun::eventsPerSecond));
            report.add(Figure.of("ingest", "ratio Freshet / sink: throughput until all committed", "x", List.of(freshetRate / sinkRate), "ratio of medians"));
            report.add(Figure.of("ingest", "ratio Freshet / sink: steady throughput (first to last commit)", "x",
                    List.of(Stats.median(values(freshetRuns, IngestRun::steadyEventsPerSecond)) / Stats.median(values(sinkRuns, IngestRun::steadyEventsPerSecond))), "ratio of medians"));
            report.add(Figure.of("ingest", "ratio sink / Freshet: time until all queryable", "x",
                    List.of(Stats.median(values(sinkRuns, IngestRun::allCommittedSeconds)) / Stats.median(values(freshetRuns, IngestRun::allQueryableSeconds))), "sink: all committed; Freshet: all in the hot buffer; ratio of medians"));
            report.add(Figure.of("ingest", "ratio sink / Freshet: time until all committed", "x",
                    List.of(Stats.median(values(sinkRuns, IngestRun::allCommittedSeconds)) / Stats.median(values(freshetRuns, IngestRun::allCommittedSeconds))), "ratio of medians"));
        }
        Map<String, Object> timelines = new LinkedHashMap<>();
        if (!freshetRuns.isEmpty()) {
            timelines.put("freshet_run1", freshetRuns.getFirst().samples());
        }
        if (!sinkRuns.isEmpty()) {
            timelines.put("sink_run1", sinkRuns.getFirst().samples());
        }
        report.detail("ingest_timelines_seconds_consumed_committed", timelines);
        plotTimeline(freshetRuns, sinkRuns);
    }

    private IngestRun runSink(int run, long events, Duration timeout)
            throws Exception
    {
        IngestRun result = new IngestRun(events);
        long start = System.nanoTime();
        try (ConnectSink sink = ConnectSink.start(environment.connectJava(), environment.connectLib(), environment.workDirectory("ingest-sink-r" + run),
                environment.kafka().bootstrapServers(), TOPIC, "iceberg-sink-r" + run, "sink_r" + run, 2, options.commitInterval())) {
            while (true) {
                long committed = sink.committedRows();
                double seconds = (System.nanoTime() - start) / 1e9;
                if (result.sample(seconds, -1, committed)) {
                    return result;
                }
                if (seconds > timeout.toSeconds()) {
                    throw new IllegalStateException("the sink did not commit %,d events within %s (committed %,d); see %s:%n%s".formatted(events, timeout, committed, sink.log(), sink.logTail(30)));
                }
                Thread.sleep(250);
            }
        }
    }

    private static void print(String system, int run, IngestRun result)
    {
        Console.OUT.printf(Locale.ROOT, "    %s run %d: all queryable %.1f s, first commit %.1f s, all committed %.1f s = %,.0f events/s (%,.0f events/s between first and last commit)%n",
                system, run, result.allQueryableSeconds(), result.firstCommitSeconds(), result.allCommittedSeconds(), result.eventsPerSecond(), result.steadyEventsPerSecond());
        if (!result.cpuSecondsPerMillionEvents().isEmpty()) {
            Console.OUT.printf(Locale.ROOT, "    %s run %d: CPU seconds per million events by stage: %s%n", system, run, result.cpuSecondsPerMillionEvents());
        }
    }

    private static List<Double> values(List<IngestRun> runs, ToDoubleFunction<IngestRun> value)
    {
        return runs.stream().map(run -> value.applyAsDouble(run)).toList();
    }

    private void plotTimeline(List<IngestRun> freshetRuns, List<IngestRun> sinkRuns)
    {
        List<Svg.Series> series = new ArrayList<>();
        if (!freshetRuns.isEmpty()) {
            series.add(series("Freshet: queryable (hot buffer)", freshetRuns.getFirst(), 1));
            series.add(series("Freshet: committed to Iceberg", freshetRuns.getFirst(), 2));
        }
        if (!sinkRuns.isEmpty()) {
            series.add(series("Iceberg Kafka Connect sink: committed", sinkRuns.getFirst(), 2));
        }
        if (!series.isEmpty()) {
            report.plot("ingest-timeline.svg", Svg.lineChart("Ingest of %,d pre-loaded events (run 1): rows over time".formatted(options.events()),
                    "seconds since start", "million rows", series));
        }
    }

    private static Svg.Series series(String name, IngestRun run, int column)
    {
        List<Double> xs = new ArrayList<>();
        List<Double> ys = new ArrayList<>();
        for (double[] sample : run.samples()) {
            xs.add(sample[0]);
            ys.add(sample[column] / 1e6);
        }
        return new Svg.Series(name, xs, ys);
    }

    private void plotProfile(CpuProfile.Summary summary)
    {
        List<String> stages = new ArrayList<>(summary.stagePercentages().keySet());
        List<Double> values = new ArrayList<>(summary.stagePercentages().values());
        report.plot("ingest-profile.svg", Svg.barChart("Where the CPU goes while Freshet ingests (JFR samples, run 1)", "% of samples",
                stages.stream().map(IngestBenchmark::shortLabel).toList(), List.of(new Svg.Bars("% of CPU samples", values))));
    }

    /** A stage's name short enough to sit under its bar: "kafka broker + producers" becomes "broker". */
    static String shortLabel(String stage)
    {
        String label = stage.replaceAll(" \\(.*", "");
        return label.startsWith("kafka ") ? label.substring("kafka ".length()).replace(" + producers", "") : label;
    }
}
