package io.freshet.benchmarks.freshness;

import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.memory.MemoryBenchmark;
import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.workload.Events;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.consumer.TableIngester;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * The ingest side of freshness alone, without a query: on the standalone ingest worker (same loop as in Trino, catalog
 * defaults), the time from the producer's acknowledgement until the record is in the hot buffer, where the next cut
 * sees it. Polled in-process every 100 microseconds. Freshness through Trino is this plus a query's round trip. The
 * worker flushes every 16 MB of Arrow (every few seconds at 20,000 events/s), and probes during which a flush was
 * writing or committing are also reported apart: a flush must not hold ingestion back.
 */
public final class IngestVisibility
{
    private static final String TOPIC = "freshness-worker";

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;

    public IngestVisibility(BenchmarkEnvironment environment, BenchmarkOptions options, Report report)
    {
        this.environment = environment;
        this.options = options;
        this.report = report;
    }

    public void run()
            throws Exception
    {
        Events.createTopic(environment.kafka().bootstrapServers(), TOPIC, options.partitions());
        Console.OUT.println("==> Freshness, ingest side only: standalone ingest worker, no query");
        List<Double> p50 = new ArrayList<>();
        List<Double> p99 = new ArrayList<>();
        List<Double> flushP99 = new ArrayList<>();
        int flushProbes = 0;
        try (IngestWorker worker = MemoryBenchmark.worker(environment, "freshness-worker", 1L << 30, 16L << 20, Duration.ofMinutes(5));
                SteadyProducer producer = new SteadyProducer(environment.kafka().bootstrapServers(), TOPIC, options.partitions(), options.freshnessRate())) {
            TableIngester ingester = MemoryBenchmark.createTable(worker, "freshness", TOPIC);
            HotBuffer buffer = ingester.buffer();
            for (int run = 1; run <= options.runs(); run++) {
                List<Double> latencies = new ArrayList<>();
                List<Double> duringFlush = new ArrayList<>();
                long warmUpEnd = System.nanoTime() + (run == 1 ? TimeUnit.SECONDS.toNanos(options.quick() ? 3 : 10) : 0);
                long end = warmUpEnd + TimeUnit.SECONDS.toNanos(options.freshnessSeconds());
                while (System.nanoTime() < end) {
                    SteadyProducer.Acked target = producer.newest();
                    if (target == null) {
                        Thread.sleep(10);
                        continue;
                    }
                    boolean flushing = ingester.flushing();
                    while (buffer.highWaterMarks().getOrDefault(target.partition(), 0L) <= target.offset()) {
                        flushing |= ingester.flushing();
                        LockSupport.parkNanos(100_000);
                    }
                    long now = System.nanoTime();
                    if (now > warmUpEnd) {
                        latencies.add((now - target.ackNanos()) / 1e6);
                        if (flushing || ingester.flushing()) {
                            duringFlush.add((now - target.ackNanos()) / 1e6);
                        }
                    }
                    // about 200 probes a second, so that polling does not take a core from the ingester
                    LockSupport.parkNanos(5_000_000);
                }
                Console.OUT.printf(Locale.ROOT, "    run %d: %d probes, p50 %.2f ms, p95 %.2f ms, p99 %.2f ms%n", run, latencies.size(),
                        Stats.percentile(latencies, 50), Stats.percentile(latencies, 95), Stats.percentile(latencies, 99));
                p50.add(Stats.percentile(latencies, 50));
                p99.add(Stats.percentile(latencies, 99));
                if (!duringFlush.isEmpty()) {
                    Console.OUT.printf(Locale.ROOT, "    run %d: %d probes while a flush ran, p50 %.2f ms, p99 %.2f ms%n", run, duringFlush.size(),
                            Stats.percentile(duringFlush, 50), Stats.percentile(duringFlush, 99));
                    flushP99.add(Stats.percentile(duringFlush, 99));
                    flushProbes += duringFlush.size();
                }
            }
        }
        String note = "%,d events/s steady; standalone worker polled in-process; no Trino query".formatted(options.freshnessRate());
        report.add(Figure.of("freshness", "ingest only: producer ack -> in hot buffer, p50", "ms", p50, note));
        report.add(Figure.of("freshness", "ingest only: producer ack -> in hot buffer, p99", "ms", p99, note));
        if (!flushP99.isEmpty()) {
            report.add(Figure.of("freshness", "ingest only: producer ack -> in hot buffer while a flush runs, p99", "ms", flushP99,
                    "%,d probes during which a flush wrote or committed (flush every 16 MB of Arrow)".formatted(flushProbes)));
        }
    }
}
