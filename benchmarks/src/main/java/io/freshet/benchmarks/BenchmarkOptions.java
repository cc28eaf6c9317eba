package io.freshet.benchmarks;

import io.freshet.benchmarks.report.Console;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Size knobs of a benchmark run, from command-line arguments ({@code --events 5000000}) or the same names as system
 * properties ({@code -Dfreshet.benchmark.events=5000000}). {@code --quick} shrinks everything to a ~2 minute smoke run.
 *
 * @param events events pre-loaded for the ingest benchmark (Freshet and the Kafka Connect sink read the same topic)
 * @param scanRows rows of the table the scan benchmarks read (a second pre-loaded topic)
 * @param runs repetitions of every figure
 * @param partitions partitions of every topic
 * @param freshnessRate events per second produced during the freshness benchmark
 * @param freshnessSeconds length of the freshness window (after a warm-up that is not counted)
 * @param freshnessHistory events committed to the freshness table before the window starts
 * @param commitInterval commit interval of both Freshet ({@code freshet.flush.interval}) and the sink in the ingest benchmark
 * @param memoryCap {@code freshet.hot-buffer.max-size} of the memory benchmark
 * @param sections which benchmarks to run: freshness, ingest, sink, scan, memory, partition
 */
public record BenchmarkOptions(
        long events,
        long scanRows,
        int runs,
        int partitions,
        int freshnessRate,
        int freshnessSeconds,
        long freshnessHistory,
        Duration commitInterval,
        long memoryCap,
        Set<String> sections,
        boolean quick)
{
    public static final List<String> ALL_SECTIONS = List.of("freshness", "ingest", "sink", "scan", "memory", "partition");

    public static BenchmarkOptions parse(String[] args)
    {
        Map<String, String> values = new LinkedHashMap<>();
        for (String name : List.of("events", "scan-rows", "runs", "partitions", "freshness-rate", "freshness-seconds", "freshness-history", "commit-interval-seconds", "memory-cap-mb", "only", "skip")) {
            String property = System.getProperty("freshet.benchmark." + name);
            if (property != null) {
                values.put(name, property);
            }
        }
        boolean quick = Boolean.getBoolean("freshet.benchmark.quick");
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            if (arg.equals("--quick")) {
                quick = true;
            }
            else if (arg.equals("--help") || arg.equals("-h")) {
                Console.OUT.println(usage());
                System.exit(0);
            }
            else if (arg.startsWith("--") && arg.contains("=")) {
                values.put(arg.substring(2, arg.indexOf('=')), arg.substring(arg.indexOf('=') + 1));
            }
            else if (arg.startsWith("--") && i + 1 < args.length) {
                values.put(arg.substring(2), args[++i]);
            }
            else {
                throw new IllegalArgumentException("Unknown argument " + arg + "\n" + usage());
            }
        }
        Set<String> sections = new LinkedHashSet<>(ALL_SECTIONS);
        if (values.containsKey("only")) {
            sections = new LinkedHashSet<>(List.of(values.remove("only").split(",")));
        }
        if (values.containsKey("skip")) {
            sections.removeAll(List.of(values.remove("skip").split(",")));
        }
        for (String section : sections) {
            if (!ALL_SECTIONS.contains(section)) {
                throw new IllegalArgumentException("Unknown section " + section + "; sections are " + ALL_SECTIONS);
            }
        }
        BenchmarkOptions options = new BenchmarkOptions(
                longValue(values, "events", quick ? 300_000 : 5_000_000),
                longValue(values, "scan-rows", quick ? 500_000 : 10_000_000),
                (int) longValue(values, "runs", quick ? 1 : 3),
                (int) longValue(values, "partitions", 4),
                (int) longValue(values, "freshness-rate", 20_000),
                (int) longValue(values, "freshness-seconds", quick ? 30 : 300),
                longValue(values, "freshness-history", quick ? 300_000 : 10_000_000),
                Duration.ofSeconds(longValue(values, "commit-interval-seconds", 10)),
                longValue(values, "memory-cap-mb", 64) << 20,
                sections,
                quick);
        if (!values.isEmpty()) {
            throw new IllegalArgumentException("Unknown options " + values.keySet() + "\n" + usage());
        }
        return options;
    }

    public Map<String, Object> describe()
    {
        Map<String, Object> description = new LinkedHashMap<>();
        description.put("events", events);
        description.put("scan-rows", scanRows);
        description.put("runs", runs);
        description.put("partitions", partitions);
        description.put("freshness-rate", freshnessRate);
        description.put("freshness-seconds", freshnessSeconds);
        description.put("freshness-history", freshnessHistory);
        description.put("commit-interval-seconds", commitInterval.toSeconds());
        description.put("memory-cap-mb", memoryCap >> 20);
        description.put("sections", List.copyOf(sections));
        description.put("quick", quick);
        return description;
    }

    public boolean runs(String section)
    {
        return sections.contains(section);
    }

    private static long longValue(Map<String, String> values, String name, long defaultValue)
    {
        String value = values.remove(name);
        return value == null ? defaultValue : Long.parseLong(value.replace("_", ""));
    }

    public static String usage()
    {
        return """
                usage: bin/benchmark [--quick] [--events N] [--scan-rows N] [--runs N] [--partitions N]
                                     [--freshness-rate EVENTS_PER_S] [--freshness-seconds S] [--freshness-history N]
                                     [--commit-interval-seconds S]
                                     [--memory-cap-mb MB] [--only SECTION,...] [--skip SECTION,...]
                sections: freshness, ingest, sink (the Iceberg Kafka Connect sink beside ingest and freshness), scan (hot and cold), memory,
                          partition (one day of 30 against a full scan, and ingest into a partitioned table; --scan-rows events)
                defaults: --events 5000000 --scan-rows 10000000 --runs 3 --partitions 4 --freshness-rate 20000
                          --freshness-seconds 300 --freshness-history 10000000 --commit-interval-seconds 10 --memory-cap-mb 64
                --quick:  --events 300000 --scan-rows 500000 --runs 1 --freshness-seconds 30 --freshness-history 300000""";
    }
}
