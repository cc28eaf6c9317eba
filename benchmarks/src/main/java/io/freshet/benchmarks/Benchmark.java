package io.freshet.benchmarks;

import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.freshness.FreshnessBenchmark;
import io.freshet.benchmarks.ingest.IngestBenchmark;
import io.freshet.benchmarks.memory.MemoryBenchmark;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.partition.PartitionBenchmark;
import io.freshet.benchmarks.scan.ScanBenchmark;
import io.freshet.benchmarks.workload.Events;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * bin/benchmark: starts a Kafka broker (in this JVM), pre-loads the topics, runs the selected benchmarks, and prints
 * the results table; writes results.json, results.csv, results.md and the SVG plots to benchmarks/results/<timestamp>/.
 * See docs/benchmarks.md for what each figure means.
 */
public final class Benchmark
{
    private Benchmark() {}

    public static void main(String[] args)
    {
        int status = 0;
        try {
            run(BenchmarkOptions.parse(args));
        }
        catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            status = 2;
        }
        catch (Throwable e) {
            System.err.println("Benchmark failed: " + e);
            e.printStackTrace();
            status = 1;
        }
        // Kafka, Trino and HTTP client threads would keep the JVM alive
        System.exit(status);
    }

    private static void run(BenchmarkOptions options)
            throws Exception
    {
        quietLogging();
        Path results = Path.of(System.getProperty("freshet.benchmark.output", "benchmarks/results/" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss"))));
        Path work = Files.createDirectories(Path.of(System.getProperty("java.io.tmpdir")).resolve("freshet-benchmark-work"));
        Report report = new Report(results, options.describe());
        Console.OUT.println("==> Freshet benchmark " + options.describe() + "; results in " + results.toAbsolutePath());
        long start = System.nanoTime();
        try (BenchmarkEnvironment environment = new BenchmarkEnvironment(work)) {
            String bootstrap = environment.kafka().bootstrapServers();
            long eventBytes = 0;
            if (options.runs("ingest") || options.runs("sink") || options.runs("memory")) {
                Console.OUT.printf(Locale.ROOT, "==> Pre-loading %,d events into topic '%s'%n", options.events(), IngestBenchmark.TOPIC);
                Events.createTopic(bootstrap, IngestBenchmark.TOPIC, options.partitions());
                eventBytes = Events.preload(bootstrap, IngestBenchmark.TOPIC, options.partitions(), options.events());
            }
            if (options.runs("scan")) {
                Console.OUT.printf(Locale.ROOT, "==> Pre-loading %,d events into topic '%s'%n", options.scanRows(), ScanBenchmark.TOPIC);
                Events.createTopic(bootstrap, ScanBenchmark.TOPIC, options.partitions());
                Events.preload(bootstrap, ScanBenchmark.TOPIC, options.partitions(), options.scanRows());
            }
            section(report, "freshness", options, () -> new FreshnessBenchmark(environment, options, report).run());
            long topicBytes = eventBytes;
            if (options.runs("ingest") || options.runs("sink")) {
                section(report, "ingest", options, () -> new IngestBenchmark(environment, options, report, topicBytes).run());
            }
            section(report, "scan", options, () -> new ScanBenchmark(environment, options, report).run());
            section(report, "memory", options, () -> new MemoryBenchmark(environment, options, report, topicBytes).run());
            section(report, "partition", options, () -> new PartitionBenchmark(environment, options, report).run());
        }
        report.detail("wall_clock_seconds", (System.nanoTime() - start) / 1e9);
        report.printTable();
    }

    private interface Section
    {
        void run()
                throws Exception;
    }

    /** Runs one benchmark; a failure is recorded in the report and the other benchmarks still run. */
    private static void section(Report report, String name, BenchmarkOptions options, Section section)
    {
        if (!name.equals("ingest") && !options.runs(name)) {
            return;
        }
        try {
            section.run();
        }
        catch (Throwable e) {
            report.problem("benchmark '" + name + "' failed: " + e);
            e.printStackTrace();
        }
        System.gc();
    }

    private static void quietLogging()
    {
        // the in-process broker and Trino log through java.util.logging; keep the console for the results
        Logger root = Logger.getLogger("");
        root.setLevel(Level.WARNING);
        for (var handler : root.getHandlers()) {
            handler.setLevel(Level.WARNING);
        }
    }
}
