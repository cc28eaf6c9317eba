package io.freshet.benchmarks.workload;

import io.freshet.benchmarks.report.Console;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The benchmark's events: ~200-byte JSON objects with 10 fields (click-stream style), and the columns Freshet declares
 * for them. {@code id} grows with the event number, so a range of ids is a selective filter that file statistics prune.
 */
public final class Events
{
    public static final String COLUMNS = """
            id bigint, user_id bigint, session varchar, page varchar, referrer varchar, price double, quantity integer,
            country varchar, device varchar, ts timestamp(6) with time zone""";

    private static final String[] COUNTRIES = {"NO", "SE", "DK", "FI", "DE", "NL", "FR", "ES", "IT", "PL"};
    private static final String[] DEVICES = {"mobile", "desktop", "tablet"};

    private Events() {}

    public static byte[] event(long id)
    {
        long seconds = 1_795_000_000L + id / 20_000;
        return String.format(Locale.ROOT,
                "{\"id\":%d,\"user_id\":%d,\"session\":\"s-%08d\",\"page\":\"/products/%d\",\"referrer\":\"https://example.com/search?q=item%d\",\"price\":%d.%02d,\"quantity\":%d,\"country\":\"%s\",\"device\":\"%s\",\"ts\":\"%s\"}",
                id, (id * 7919) % 100_000, id / 10, id % 977, id % 31, id % 500, id % 100, 1 + id % 7,
                COUNTRIES[(int) (id % COUNTRIES.length)], DEVICES[(int) (id % DEVICES.length)],
                java.time.Instant.ofEpochSecond(seconds, (id % 20_000) * 50_000L)).getBytes(UTF_8);
    }

    /** Creates a topic that several benchmarks share, unless an earlier one did. */
    public static void createTopicIfAbsent(String bootstrapServers, String topic, int partitions)
    {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            if (admin.listTopics().names().get().contains(topic)) {
                return;
            }
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot list topics", e);
        }
        createTopic(bootstrapServers, topic, partitions);
    }

    public static void createTopic(String bootstrapServers, String topic, int partitions)
    {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            // a produce request that reaches the broker before it leads every new partition fails with
            // NOT_LEADER_OR_FOLLOWER, and the idempotent producer's retry then loops on OUT_OF_ORDER_SEQUENCE_NUMBER
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (!allPartitionsLed(admin, topic)) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("Topic " + topic + " has partitions without a leader after 30 s");
                }
                Thread.sleep(100);
            }
            Thread.sleep(1000);
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + topic, e);
        }
    }

    private static boolean allPartitionsLed(Admin admin, String topic)
            throws InterruptedException
    {
        try {
            return admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().stream()
                    .allMatch(partition -> partition.leader() != null && !partition.leader().isEmpty());
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                // the broker has not loaded the new topic's metadata yet
                return false;
            }
            throw new IllegalStateException("Cannot describe topic " + topic, e);
        }
    }

    public static KafkaProducer<byte[], byte[]> producer(String bootstrapServers, int lingerMs, int batchBytes)
    {
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        properties.put(ProducerConfig.LINGER_MS_CONFIG, Integer.toString(lingerMs));
        properties.put(ProducerConfig.BATCH_SIZE_CONFIG, Integer.toString(batchBytes));
        properties.put(ProducerConfig.BUFFER_MEMORY_CONFIG, Long.toString(256L << 20));
        return new KafkaProducer<>(properties);
    }

    /** Produces events {@code 0 .. count-1} round-robin over the partitions and waits for every acknowledgement; returns the bytes of all values. */
    public static long preload(String bootstrapServers, String topic, int partitions, long count)
    {
        AtomicReference<Exception> failure = new AtomicReference<>();
        AtomicLong bytes = new AtomicLong();
        long start = System.nanoTime();
        try (KafkaProducer<byte[], byte[]> producer = producer(bootstrapServers, 20, 512 << 10)) {
            for (long id = 0; id < count; id++) {
                byte[] value = event(id);
                bytes.addAndGet(value.length);
                producer.send(new ProducerRecord<>(topic, (int) (id % partitions), null, value), (_, exception) -> {
                    if (exception != null) {
                        failure.compareAndSet(null, exception);
                    }
                });
                if (failure.get() != null) {
                    break;
                }
                if (id > 0 && id % 1_000_000 == 0) {
                    Console.OUT.printf(Locale.ROOT, "    %,d events produced to %s%n", id, topic);
                }
            }
            producer.flush();
        }
        if (failure.get() != null) {
            throw new IllegalStateException("Cannot pre-load " + topic, failure.get());
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        Console.OUT.printf(Locale.ROOT, "    %,d events (%,.1f MB, %.0f bytes each) in %s in %.1f s%n", count, bytes.get() / 1e6, bytes.get() / (double) count, topic, seconds);
        return bytes.get();
    }
}
