package io.freshet.benchmarks.freshness;

import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.ingest.ConnectSink;
import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.workload.Events;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * The Apache Iceberg Kafka Connect sink at a 1 s commit interval, fed by the same steady producer: the time from
 * a record's acknowledgement until the sink's committed snapshot holds it. Read from the sink's catalog and
 * metadata file, not through Trino, so it leaves out the query round trip Freshet's figures include: a bound
 * in the sink's favour.
 */
final class SinkFreshness
{
    private static final String TOPIC = "freshness-sink";

    private SinkFreshness() {}

    /** Latencies in milliseconds; empty when the sink could not be started (the reason is printed). */
    static List<Double> measure(BenchmarkEnvironment environment, BenchmarkOptions options, Duration window)
            throws Exception
    {
        Events.createTopic(environment.kafka().bootstrapServers(), TOPIC, options.partitions());
        Events.createTopicIfAbsent(environment.kafka().bootstrapServers(), ConnectSink.CONTROL_TOPIC, 1);
        Console.OUT.println("==> Freshness of the Apache Iceberg Kafka Connect sink at a 1 s commit interval, same producer rate");
        List<Double> latencies = new ArrayList<>();
        try (ConnectSink sink = ConnectSink.start(environment.connectJava(), environment.connectLib(), environment.workDirectory("freshness-sink"),
                environment.kafka().bootstrapServers(), TOPIC, "iceberg-sink-freshness", "sink_freshness", 2, Duration.ofSeconds(1));
                SteadyProducer producer = new SteadyProducer(environment.kafka().bootstrapServers(), TOPIC, options.partitions(), options.freshnessRate())) {
            // the sink's first commit round waits for its control timeout; measure once it commits every second
            long startupDeadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
            while (sink.committedRows() == 0) {
                if (System.nanoTime() > startupDeadline) {
                    throw new IllegalStateException("the sink made no commit within 3 minutes; see " + sink.log() + ":\n" + sink.logTail(30));
                }
                Thread.sleep(100);
            }
            Thread.sleep(5_000);
            long end = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < end) {
                SteadyProducer.Acked target = producer.newest();
                // round-robin and sequential: the snapshot holds the target once it holds that many rows
                while (sink.committedRows() <= target.sequence()) {
                    Thread.sleep(20);
                }
                latencies.add((System.nanoTime() - target.ackNanos()) / 1e6);
            }
        }
        Console.OUT.printf(Locale.ROOT, "    sink: %d probes, p50 %.0f ms, p95 %.0f ms, p99 %.0f ms%n", latencies.size(),
                Stats.percentile(latencies, 50), Stats.percentile(latencies, 95), Stats.percentile(latencies, 99));
        return latencies;
    }
}
