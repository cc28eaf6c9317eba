package io.freshet.ingest.consumer;

import org.apache.arrow.memory.BufferAllocator;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Collection;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Pauses a table's consumption while the hot buffers of the worker hold their cap, and resumes it below nine
 * tenths of it: nothing is dropped, Kafka keeps the records.
 */
final class Backpressure
{
    private static final Logger log = LoggerFactory.getLogger(Backpressure.class);
    // a paused table commits early when it holds an eighth of the hot-buffer cap, or after a second of pause
    private static final int PAUSE_FLUSH_SHARE = 8;
    private static final long PAUSE_FLUSH_ANYWAY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final BufferAllocator rootAllocator;
    private final long hotBufferMaxBytes;
    private final String topic;
    private volatile boolean paused;
    private long pausedSinceNanos;

    Backpressure(BufferAllocator rootAllocator, long hotBufferMaxBytes, String topic)
    {
        this.rootAllocator = requireNonNull(rootAllocator, "rootAllocator is null");
        this.hotBufferMaxBytes = hotBufferMaxBytes;
        this.topic = requireNonNull(topic, "topic is null");
    }

    void apply(Consumer<?, ?> consumer)
    {
        long allocated = rootAllocator.getAllocatedMemory();
        if (!paused && allocated >= hotBufferMaxBytes) {
            consumer.pause(consumer.assignment());
            paused = true;
            pausedSinceNanos = System.nanoTime();
            log.info("Hot buffer full ({} bytes); pausing consumption of {} until a commit frees memory", allocated, topic);
        }
        else if (paused && allocated < hotBufferMaxBytes * 9 / 10) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    /** Newly assigned partitions start paused while the table is. */
    void assigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions)
    {
        if (paused) {
            consumer.pause(partitions);
        }
    }

    boolean paused()
    {
        return paused;
    }

    /**
     * Whether a pause of consumption should commit this table early to free memory: only when it holds a real share
     * of the cap, so a small table is not committed for another table's rows, or when the pause has lasted long
     * enough that waiting for the larger tables' commits has not freed memory.
     */
    boolean pauseFreesMemory(long tableBufferedBytes)
    {
        if (!paused) {
            return false;
        }
        return tableBufferedBytes >= hotBufferMaxBytes / PAUSE_FLUSH_SHARE
                || System.nanoTime() - pausedSinceNanos >= PAUSE_FLUSH_ANYWAY_NANOS;
    }
}
