package io.freshet.benchmarks.ingest;

import jdk.jfr.Recording;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * A JDK Flight Recorder CPU profile of this JVM (execution samples every 10 ms), summarised into the stages of the
 * write path. A sample is charged to the stage of the innermost frame outside the JDK (so a HashMap lookup made by
 * the JSON decoder counts as decode). The Kafka broker runs in the same JVM and gets its own bucket.
 */
public final class CpuProfile
        implements AutoCloseable
{
    /** Stage, and the class-name prefixes that belong to it, checked in this order. */
    private static final Map<String, List<String>> STAGES = stages();

    private final Recording recording;
    private final Path file;

    private CpuProfile(Recording recording, Path file)
    {
        this.recording = recording;
        this.file = file;
    }

    public static CpuProfile start(Path file)
    {
        Recording recording = new Recording();
        recording.enable("jdk.ExecutionSample").withPeriod(Duration.ofMillis(10));
        recording.setToDisk(true);
        recording.start();
        return new CpuProfile(recording, file);
    }

    /** Stops recording, keeps the .jfr file (open it in JDK Mission Control) and returns samples per stage and top frames. */
    public Summary stop()
            throws IOException
    {
        recording.stop();
        recording.dump(file);
        Map<String, Long> stages = new LinkedHashMap<>();
        STAGES.keySet().forEach(stage -> stages.put(stage, 0L));
        stages.put("other", 0L);
        Map<String, Long> topFrames = new LinkedHashMap<>();
        Map<String, Long> ingestThreadFrames = new LinkedHashMap<>();
        Map<String, Long> ingestCallers = new LinkedHashMap<>();
        Map<String, Long> otherThreads = new LinkedHashMap<>();
        long total = 0;
        for (RecordedEvent event : RecordingFile.readAllEvents(file)) {
            if (!event.getEventType().getName().equals("jdk.ExecutionSample")) {
                continue;
            }
            RecordedStackTrace stack = event.getStackTrace();
            if (stack == null || stack.getFrames().isEmpty()) {
                continue;
            }
            total++;
            String thread = event.getThread("sampledThread") == null ? "" : String.valueOf(event.getThread("sampledThread").getJavaName());
            String stage = stage(stack.getFrames(), thread);
            stages.merge(stage, 1L, Long::sum);
            RecordedFrame top = stack.getFrames().getFirst();
            String method = top.getMethod().getType().getName() + "." + top.getMethod().getName();
            topFrames.merge(method, 1L, Long::sum);
            if (thread.startsWith("freshet-")) {
                ingestThreadFrames.merge(method, 1L, Long::sum);
                ingestCallers.merge(firstOutsideJdk(stack.getFrames()), 1L, Long::sum);
            }
            if (stage.equals("other")) {
                // thread names without their numbers, to see what the unclassified samples are
                otherThreads.merge(thread.replaceAll("[0-9]+", "#"), 1L, Long::sum);
            }
        }
        return new Summary(total, stages, top(topFrames, 20), top(ingestThreadFrames, 20), top(ingestCallers, 20), top(otherThreads, 10), file.toString());
    }

    /** The innermost method outside the JDK: who called the HashMap or String code on top of the stack. */
    private static String firstOutsideJdk(List<RecordedFrame> frames)
    {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (!isJdk(type)) {
                return type + "." + frame.getMethod().getName();
            }
        }
        return "(JDK only)";
    }

    private static boolean isJdk(String type)
    {
        return type.startsWith("java.") || type.startsWith("jdk.") || type.startsWith("sun.") || type.startsWith("com.sun.");
    }

    static String stage(List<RecordedFrame> frames, String thread)
    {
        for (RecordedFrame frame : frames) {
            String type = frame.getMethod().getType().getName();
            if (isJdk(type)) {
                continue;
            }
            if (type.startsWith("org.apache.kafka.") && !thread.startsWith("freshet-")) {
                // the consumer runs on the ingest thread; any other Kafka code in this JVM is the broker or a producer
                return "kafka broker + producers";
            }
            for (Map.Entry<String, List<String>> stage : STAGES.entrySet()) {
                if (stage.getValue().stream().anyMatch(type::startsWith)) {
                    return stage.getKey();
                }
            }
            return trinoThread(thread) ? "trino (queries, status polls)" : "other";
        }
        return trinoThread(thread) ? "trino (queries, status polls)" : "other";
    }

    /** Trino's own thread pools: HTTP protocol, dispatch, scheduling and task execution of the status queries. */
    private static boolean trinoThread(String thread)
    {
        return thread.startsWith("http-worker") || thread.startsWith("dispatcher-query") || thread.startsWith("remote-task") || thread.startsWith("statement-response")
                || thread.startsWith("page-buffer") || thread.startsWith("task-") || thread.startsWith("exchange-client") || thread.startsWith("query-")
                || thread.startsWith("Query-") || thread.startsWith("split-runner") || thread.startsWith("stage-scheduler");
    }

    private static Map<String, List<String>> stages()
    {
        Map<String, List<String>> stages = new LinkedHashMap<>();
        stages.put("decode (JSON -> columns)", List.of("io.freshet.ingest.decoding.", "com.fasterxml.jackson."));
        stages.put("buffer (Arrow hot buffer)", List.of("io.freshet.ingest.buffer.", "org.apache.arrow.", "io.freshet.ingest.schema."));
        stages.put("parquet (flush: encode, compress, write)", List.of("io.freshet.ingest.flush.", "org.apache.parquet.", "shaded.parquet.", "org.apache.hadoop.", "com.github.luben.zstd.", "io.airlift.compress.", "org.xerial.snappy."));
        stages.put("commit (Iceberg metadata, catalog)", List.of("io.freshet.ingest.commit.", "io.freshet.ingest.catalog.", "org.apache.iceberg.", "org.apache.avro.", "org.sqlite."));
        stages.put("kafka consumer (fetch, record parsing)", List.of("org.apache.kafka.", "io.freshet.ingest.consumer."));
        stages.put("kafka broker + producers", List.of("kafka.", "org.apache.kafka.server.", "org.apache.kafka.storage.", "org.apache.kafka.raft.", "org.apache.kafka.controller.", "org.apache.kafka.metadata.", "scala."));
        stages.put("trino (queries, status polls)", List.of("io.trino.", "io.airlift.", "io.freshet.trino."));
        return stages;
    }

    private static Map<String, Long> top(Map<String, Long> counts, int limit)
    {
        return counts.entrySet().stream()
                .sorted(Map.Entry.<String, Long>comparingByValue(Comparator.reverseOrder()))
                .limit(limit)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue, (a, _) -> a, LinkedHashMap::new));
    }

    @Override
    public void close()
    {
        recording.close();
    }

    /**
     * @param samples execution samples taken
     * @param stages samples per write-path stage
     * @param topFrames the 20 methods most often on top of a stack, any thread
     * @param ingestTopFrames the same for Freshet's ingest and flush threads only
     * @param ingestCallers on those threads, the innermost method outside the JDK
     * @param otherThreads threads of the samples no stage claims
     * @param file the .jfr recording
     */
    public record Summary(long samples, Map<String, Long> stages, Map<String, Long> topFrames, Map<String, Long> ingestTopFrames, Map<String, Long> ingestCallers, Map<String, Long> otherThreads, String file)
    {
        public Map<String, Double> stagePercentages()
        {
            return stages.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey, entry -> samples == 0 ? 0 : entry.getValue() * 100.0 / samples, (a, _) -> a, LinkedHashMap::new));
        }

        public String describe()
        {
            StringBuilder text = new StringBuilder("    CPU profile (%,d samples, %s):%n".formatted(samples, file));
            stagePercentages().forEach((stage, percent) -> text.append("      %5.1f%%  %s%n".formatted(percent, stage)));
            text.append("    hottest methods on Freshet's ingest and flush threads:\n");
            ingestTopFrames.entrySet().stream().limit(10).forEach(entry -> text.append("      %5.1f%%  %s%n".formatted(entry.getValue() * 100.0 / Math.max(1, samples), entry.getKey())));
            text.append("    innermost Freshet or library method on those threads (JDK frames charged to their caller):\n");
            ingestCallers.entrySet().stream().limit(12).forEach(entry -> text.append("      %5.1f%%  %s%n".formatted(entry.getValue() * 100.0 / Math.max(1, samples), entry.getKey())));
            text.append("    threads of the unclassified ('other') samples:\n");
            otherThreads.forEach((thread, count) -> text.append("      %5.1f%%  %s%n".formatted(count * 100.0 / Math.max(1, samples), thread)));
            return text.toString();
        }
    }

}
