package io.freshet.ingest.buffer;

import io.freshet.ingest.schema.KafkaMetadataColumns;

import java.util.Arrays;
import java.util.OptionalLong;

/**
 * How long records of one Kafka partition took from their Kafka timestamp to the hot buffer, where the next
 * query sees them: per sealed batch, the age of its oldest record when the batch became visible. Keeps the
 * batches of the last 10 seconds (at most {@link #CAPACITY}); not thread-safe, the hot buffer's lock guards it.
 */
final class IngestLag
{
    private static final int CAPACITY = 4096;
    // short, so that the figure tells the lag of now and a catch-up that has ended drops out of it soon
    private static final long WINDOW_MILLIS = 10_000;

    private final long[] visibleMillis = new long[CAPACITY];
    private final long[] lagMillis = new long[CAPACITY];
    private int next;
    private int size;

    void record(HotBatch batch, long nowMillis)
    {
        batch.statistics(KafkaMetadataColumns.TIMESTAMP)
                .flatMap(ColumnStatistics::min)
                .ifPresent(oldestMicros -> {
                    visibleMillis[next] = nowMillis;
                    lagMillis[next] = Math.max(0, nowMillis - Math.floorDiv((Long) oldestMicros, 1000));
                    next = (next + 1) % CAPACITY;
                    size = Math.min(size + 1, CAPACITY);
                });
    }

    /** The given percentile (0–100) over the batches of the last 10 seconds, or empty when none arrived. */
    OptionalLong percentile(double percentile, long nowMillis)
    {
        long[] recent = new long[size];
        int count = 0;
        for (int i = 0; i < size; i++) {
            if (visibleMillis[i] >= nowMillis - WINDOW_MILLIS) {
                recent[count++] = lagMillis[i];
            }
        }
        if (count == 0) {
            return OptionalLong.empty();
        }
        Arrays.sort(recent, 0, count);
        return OptionalLong.of(recent[Math.min(count - 1, (int) Math.ceil(percentile / 100 * count) - 1)]);
    }
}
