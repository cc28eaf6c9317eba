package io.freshet.trino.cluster;

import com.google.inject.Inject;
import io.freshet.ingest.consumer.KafkaErrors;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.trino.config.KafkaClientProperties;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * What the coordinator asks Kafka about a topic, over one admin client: how many partitions it has, asked at most
 * every ten seconds per topic (a node that plans a query's cut without ingesting the table needs every partition,
 * including those with nothing committed yet), and the offsets a cluster flush must see committed.
 */
public final class KafkaTopicAdmin
{
    private static final long REFRESH_MILLIS = 10_000;

    private final Map<String, Object> adminProperties;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private Admin admin;

    @Inject
    public KafkaTopicAdmin(KafkaClientProperties kafkaProperties)
    {
        Map<String, Object> properties = new HashMap<>(kafkaProperties.properties());
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        this.adminProperties = Map.copyOf(properties);
    }

    /** The topic's partition count; fails with a {@link KafkaUnavailableException} or {@link UnknownTopicException} that says why when Kafka cannot tell. */
    public int partitionCount(String topic)
    {
        requireNonNull(topic, "topic is null");
        Count cached = counts.get(topic);
        long now = System.currentTimeMillis();
        if (cached != null && now - cached.loadedMillis() < REFRESH_MILLIS) {
            return cached.partitions();
        }
        int partitions = ask(topic, "describe", () -> describe(topic).partitions().size());
        counts.put(topic, new Count(partitions, now));
        return partitions;
    }

    /**
     * Per partition, the offset after the last record a read_committed consumer can read now; fails as
     * {@link #partitionCount} does.
     */
    public Map<Integer, Long> committedEndOffsets(String topic)
    {
        requireNonNull(topic, "topic is null");
        return ask(topic, "read the end offsets of", () -> {
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            describe(topic).partitions().forEach(partition -> request.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            Map<Integer, Long> ends = new TreeMap<>();
            admin().listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(10, TimeUnit.SECONDS)
                    .forEach((partition, offset) -> ends.put(partition.partition(), offset.offset()));
            return ends;
        });
    }

    private TopicDescription describe(String topic)
            throws ExecutionException, TimeoutException, InterruptedException
    {
        return admin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
    }

    /** Runs a question to Kafka about the topic, its failures as errors that say what to check. */
    private static <T> T ask(String topic, String action, KafkaQuestion<T> question)
    {
        try {
            return question.ask();
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicException("Kafka topic '%s' does not exist".formatted(topic), e.getCause());
            }
            throw new KafkaUnavailableException("Cannot %s Kafka topic '%s': %s".formatted(action, topic, KafkaErrors.rootCauseMessage(e)), e.getCause());
        }
        catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not %s topic '%s' within 10 seconds: check kafka.bootstrap.servers".formatted(action, topic), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while asking Kafka to %s topic '%s'".formatted(action, topic), e);
        }
    }

    private interface KafkaQuestion<T>
    {
        T ask()
                throws ExecutionException, TimeoutException, InterruptedException;
    }

    private synchronized Admin admin()
    {
        if (admin == null) {
            admin = Admin.create(adminProperties);
        }
        return admin;
    }

    @PreDestroy
    public synchronized void close()
    {
        if (admin != null) {
            admin.close();
            admin = null;
        }
    }

    private record Count(int partitions, long loadedMillis) {}
}
