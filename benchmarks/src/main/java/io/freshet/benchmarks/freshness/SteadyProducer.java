package io.freshet.benchmarks.freshness;

import io.freshet.benchmarks.workload.Events;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Produces benchmark events at a steady rate (paced every millisecond) round-robin over the partitions, and keeps the
 * newest record the broker has acknowledged, with the instant of the acknowledgement.
 */
final class SteadyProducer
        implements AutoCloseable
{
    /** An acknowledged record: where it is, its place in the producer's sequence (0 for the first), and when the producer heard back. */
    record Acked(int partition, long offset, long sequence, long ackNanos) {}

    private final AtomicBoolean producing = new AtomicBoolean(true);
    private final AtomicReference<Acked> newest = new AtomicReference<>();
    private final AtomicReference<Exception> failure = new AtomicReference<>();
    private final Thread thread;

    SteadyProducer(String bootstrapServers, String topic, int partitions, int eventsPerSecond)
    {
        this(bootstrapServers, topic, partitions, eventsPerSecond, 0);
    }

    /** Produces events {@code firstId, firstId + 1, ...}, so that a topic with history gets new ids. */
    SteadyProducer(String bootstrapServers, String topic, int partitions, int eventsPerSecond, long firstId)
    {
        thread = Thread.ofPlatform().name("steady-producer-" + topic).start(() -> produce(bootstrapServers, topic, partitions, eventsPerSecond, firstId));
    }

    /** The newest acknowledged record, or null before the first acknowledgement; throws when producing failed. */
    Acked newest()
    {
        if (failure.get() != null) {
            throw new IllegalStateException("the producer failed", failure.get());
        }
        return newest.get();
    }

    private void produce(String bootstrapServers, String topic, int partitions, int eventsPerSecond, long firstId)
    {
        try (KafkaProducer<byte[], byte[]> producer = Events.producer(bootstrapServers, 1, 64 << 10)) {
            long start = System.nanoTime();
            long sent = 0;
            while (producing.get()) {
                long due = (System.nanoTime() - start) * eventsPerSecond / 1_000_000_000L;
                while (sent < due) {
                    long sequence = sent;
                    producer.send(new ProducerRecord<>(topic, (int) (sent % partitions), null, Events.event(firstId + sent)), (metadata, exception) -> {
                        if (exception != null) {
                            failure.compareAndSet(null, exception);
                            return;
                        }
                        Acked acked = new Acked(metadata.partition(), metadata.offset(), sequence, System.nanoTime());
                        newest.accumulateAndGet(acked, (old, candidate) -> old == null || candidate.ackNanos() >= old.ackNanos() ? candidate : old);
                    });
                    sent++;
                }
                Thread.sleep(1);
            }
        }
        catch (Exception e) {
            failure.compareAndSet(null, e);
        }
    }

    @Override
    public void close()
            throws InterruptedException
    {
        producing.set(false);
        thread.join(10_000);
    }
}
