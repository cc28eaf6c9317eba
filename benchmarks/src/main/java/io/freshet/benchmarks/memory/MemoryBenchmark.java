package io.freshet.benchmarks.memory;

import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.ingest.IngestBenchmark;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Machine;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Svg;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.PartitionStatus;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.UpkeepSettings;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Figure 5, on the standalone ingest worker (the same ingest loop as in Trino, without Trino, so that the JVM's memory
 * is the ingester's and the in-process broker's only): the hot buffer's memory per row against the Arrow payload it
 * holds, and the peak heap and off-heap memory while the whole pre-loaded topic is ingested at full speed under a
 * small {@code freshet.hot-buffer.max-size}.
 */
public final class MemoryBenchmark
{
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "user_id", Types.LongType.get()),
            NestedField.optional(3, "session", Types.StringType.get()),
            NestedField.optional(4, "page", Types.StringType.get()),
            NestedField.optional(5, "referrer", Types.StringType.get()),
            NestedField.optional(6, "price", Types.DoubleType.get()),
            NestedField.optional(7, "quantity", Types.IntegerType.get()),
            NestedField.optional(8, "country", Types.StringType.get()),
            NestedField.optional(9, "device", Types.StringType.get()),
            NestedField.optional(10, "ts", Types.TimestampType.withZone()));

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;
    private final long topicBytes;

    public MemoryBenchmark(BenchmarkEnvironment environment, BenchmarkOptions options, Report report, long topicBytes)
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
        Console.OUT.printf(Locale.ROOT, "==> Memory: standalone ingest worker, %,d events%n", events);
        bytesPerRow(events);
        List<Double> peakHeap = new ArrayList<>();
        List<Double> peakLiveHeap = new ArrayList<>();
        List<Double> peakArrow = new ArrayList<>();
        List<Double> peakDirect = new ArrayList<>();
        List<Double> peakResident = new ArrayList<>();
        List<Double> rates = new ArrayList<>();
        List<double[]> firstTimeline = null;
        for (int run = 1; run <= options.runs(); run++) {
            Sampler sampler = new Sampler();
            long start = System.nanoTime();
            try (IngestWorker worker = worker("memory-r" + run, options.memoryCap(), options.memoryCap() / 2, Duration.ofSeconds(10))) {
                TableIngester ingester = createTable(worker, "capped");
                Thread thread = Thread.ofPlatform().daemon().name("memory-sampler").start(() -> sampler.sample(worker, start));
                try {
                    waitFor(ingester, events, true, Duration.ofSeconds(Math.max(300, events / 10_000)));
                }
                finally {
                    sampler.running.set(false);
                    thread.join();
                }
                double seconds = (System.nanoTime() - start) / 1e9;
                Console.OUT.printf(Locale.ROOT, "    run %d: %,d events committed in %.1f s under a %d MB cap; peaks: heap used %,.0f MB (live after GC %,.0f MB), hot buffer %,.0f MB (allocator peak %,.0f MB), direct %,.0f MB, RSS %,.0f MB%n",
                        run, events, seconds, options.memoryCap() >> 20, sampler.heap / 1e6, sampler.liveHeap / 1e6, sampler.arrow / 1e6, worker.hotBufferPeakBytes() / 1e6, sampler.direct / 1e6, sampler.resident / 1e6);
                peakHeap.add(sampler.heap / 1e6);
                peakLiveHeap.add(sampler.liveHeap / 1e6);
                peakArrow.add(worker.hotBufferPeakBytes() / 1e6);
                peakDirect.add(sampler.direct / 1e6);
                peakResident.add(sampler.resident / 1e6);
                rates.add(events / seconds);
                if (firstTimeline == null) {
                    firstTimeline = sampler.timeline;
                }
            }
        }
        String note = "hot-buffer.max-size %d MB, flush.max-size %d MB; %,d events at full speed; the JVM also runs the Kafka broker".formatted(options.memoryCap() >> 20, options.memoryCap() >> 21, events);
        report.add(Figure.of("memory", "peak hot-buffer memory (Arrow allocator) under the cap", "MB", peakArrow, note));
        report.add(Figure.of("memory", "peak heap used (sampled every 20 ms, garbage included)", "MB", peakHeap, "JVM -Xmx " + (Runtime.getRuntime().maxMemory() >> 20) + " MB"));
        report.add(Figure.of("memory", "peak live heap (heap pools after the last GC)", "MB", peakLiveHeap, ""));
        report.add(Figure.of("memory", "peak direct buffers (NIO)", "MB", peakDirect, "Arrow's buffers are not NIO buffers; they are in the hot-buffer figure"));
        report.add(Figure.of("memory", "peak resident set size of the JVM", "MB", peakResident, "whole process: heap as committed, code, broker, Arrow"));
        report.add(Figure.of("memory", "ingest rate under the cap (until all committed)", "events/s", rates, "standalone worker, no Trino"));
        report.detail("memory_timeline_run1_seconds_heapMB_arrowMB_residentMB", firstTimeline);
        if (firstTimeline != null) {
            List<Double> xs = firstTimeline.stream().map(sample -> sample[0]).toList();
            report.plot("memory.svg", Svg.lineChart("Memory while ingesting at full speed, hot-buffer cap %d MB (run 1)".formatted(options.memoryCap() >> 20), "seconds", "MB", List.of(
                    new Svg.Series("heap used", xs, firstTimeline.stream().map(sample -> sample[1]).toList()),
                    new Svg.Series("hot buffer (Arrow, off-heap)", xs, firstTimeline.stream().map(sample -> sample[2]).toList()),
                    new Svg.Series("resident set size", xs, firstTimeline.stream().map(sample -> sample[3]).toList()))));
        }
    }

    /** With nothing flushing, every consumed row stays in the hot buffer: compare allocated memory with the Arrow payload. */
    private void bytesPerRow(long events)
            throws Exception
    {
        System.gc();
        long heapBefore = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        try (IngestWorker worker = worker("memory-full", 64L << 30, 64L << 30, Duration.ofHours(24))) {
            TableIngester ingester = createTable(worker, "full");
            waitFor(ingester, events, false, Duration.ofSeconds(Math.max(300, events / 10_000)));
            HotBuffer buffer = ingester.buffer();
            long rows = buffer.status().stream().mapToLong(PartitionStatus::hotRows).sum();
            long payload = buffer.bufferedBytes();
            long allocated = worker.hotBufferAllocatedBytes();
            System.gc();
            long heapAfter = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
            Console.OUT.printf(Locale.ROOT, "    %,d rows hot: %,d bytes allocated (%.1f per row), Arrow payload %,d bytes (%.1f per row), JSON %.1f bytes per row, heap +%,d bytes after GC%n",
                    rows, allocated, allocated / (double) rows, payload, payload / (double) rows, topicBytes / (double) events, heapAfter - heapBefore);
            String note = "%,d rows hot, nothing flushed; 10 declared + 5 Kafka metadata columns".formatted(rows);
            report.add(Figure.of("memory", "hot buffer: allocated bytes per row", "bytes", List.of(allocated / (double) rows), note));
            report.add(Figure.of("memory", "hot buffer: Arrow payload bytes per row", "bytes", List.of(payload / (double) rows), "sum of the vectors' buffer sizes"));
            report.add(Figure.of("memory", "hot buffer: allocated / payload", "x", List.of(allocated / (double) payload), ""));
            report.add(Figure.of("memory", "JSON record value bytes per row (for scale)", "bytes", List.of(topicBytes / (double) events), ""));
            report.add(Figure.of("memory", "heap growth per hot row (after GC)", "bytes", List.of((heapAfter - heapBefore) / (double) rows), "the hot buffer is off-heap"));
        }
    }

    private IngestWorker worker(String name, long hotBufferMax, long flushMax, Duration flushInterval)
    {
        return worker(environment, name, hotBufferMax, flushMax, flushInterval);
    }

    /** A standalone ingest worker with its own embedded catalog (warehouse under the work directory) and a schema 'bench'. */
    public static IngestWorker worker(BenchmarkEnvironment environment, String name, long hotBufferMax, long flushMax, Duration flushInterval)
    {
        Path warehouse = environment.workDirectory(name);
        IngestWorker worker = new IngestWorker(new IngestSettings(
                Map.of("bootstrap.servers", environment.kafka().bootstrapServers()),
                CatalogSettings.embedded(warehouse),
                hotBufferMax,
                flushMax,
                flushInterval,
                BadRecordPolicy.SKIP,
                8L << 20,
                Duration.ofMinutes(10),
                UpkeepSettings.DEFAULT));
        ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("bench"));
        return worker;
    }

    private static TableIngester createTable(IngestWorker worker, String name)
    {
        return createTable(worker, name, IngestBenchmark.TOPIC);
    }

    /** Creates table bench.{@code name} with the benchmark's columns on {@code topic}, and starts ingesting it. */
    public static TableIngester createTable(IngestWorker worker, String name, String topic)
    {
        TableIdentifier identifier = TableIdentifier.of("bench", name);
        worker.createTable(identifier, COLUMNS, new TableBinding(topic, TableBinding.JSON, Optional.empty(), Optional.empty()), Map.of());
        return worker.ingester(identifier).orElseThrow();
    }

    private static void waitFor(TableIngester ingester, long events, boolean committed, Duration timeout)
            throws InterruptedException
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            List<PartitionStatus> status = ingester.buffer().status();
            long done = status.stream().mapToLong(partition -> committed ? partition.committedOffset() : partition.highWaterMark()).sum();
            if (done >= events) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("ingestion did not reach %,d events within %s: %s, %s".formatted(events, timeout, status, ingester.status()));
            }
            Thread.sleep(20);
        }
    }

    /** Peaks of heap, live heap, hot buffer, direct buffers and RSS, sampled every 20 ms, and a timeline for the plot. */
    private static final class Sampler
    {
        final AtomicBoolean running = new AtomicBoolean(true);
        final List<double[]> timeline = new ArrayList<>();
        volatile long heap;
        volatile long liveHeap;
        volatile long arrow;
        volatile long direct;
        volatile long resident;

        void sample(IngestWorker worker, long start)
        {
            List<MemoryPoolMXBean> heapPools = ManagementFactory.getMemoryPoolMXBeans().stream().filter(pool -> pool.getType() == MemoryType.HEAP).toList();
            BufferPoolMXBean directPool = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class).stream().filter(pool -> pool.getName().equals("direct")).findFirst().orElseThrow();
            long lastTimeline = 0;
            while (running.get()) {
                long heapNow = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
                long live = heapPools.stream().map(MemoryPoolMXBean::getCollectionUsage).filter(usage -> usage != null).mapToLong(MemoryUsage::getUsed).sum();
                long arrowNow = worker.hotBufferAllocatedBytes();
                long residentNow = Machine.residentBytes();
                heap = Math.max(heap, heapNow);
                liveHeap = Math.max(liveHeap, live);
                arrow = Math.max(arrow, arrowNow);
                direct = Math.max(direct, directPool.getMemoryUsed());
                resident = Math.max(resident, residentNow);
                long now = System.nanoTime();
                if (now - lastTimeline > 200_000_000L) {
                    timeline.add(new double[] {(now - start) / 1e9, heapNow / 1e6, arrowNow / 1e6, residentNow / 1e6});
                    lastTimeline = now;
                }
                try {
                    Thread.sleep(20);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
