package io.freshet.trino.cluster;

import com.google.inject.Inject;
import io.freshet.ingest.consumer.KafkaErrors;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.trino.config.KafkaClientProperties;
import jakarta.annotation.PreDestroy;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * How many partitions each topic has, asked of Kafka at most every ten seconds per topic: a node that plans
 * a query's cut without ingesting the table needs every partition, including those with nothing committed yet.
 */
public final class TopicPartitionCounts
{
    private static final long REFRESH_MILLIS = 10_000;

    private final Map<String, Object> adminProperties;
    private final Map<String, Count> counts = new ConcurrentHashMap<>();
    private Admin admin;

    @Inject
    public TopicPartitionCounts(KafkaClientProperties kafkaProperties)
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
        int partitions = describe(topic);
        counts.put(topic, new Count(partitions, now));
        return partitions;
    }

    private int describe(String topic)
    {
        try {
            TopicDescription description = admin().describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS).get(topic);
            return description.partitions().size();
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicException("Kafka topic '%s' does not exist".formatted(topic), e.getCause());
            }
            throw new KafkaUnavailableException("Cannot describe Kafka topic '%s': %s".formatted(topic, KafkaErrors.rootCauseMessage(e)), e.getCause());
        }
        catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not describe topic '%s' within 10 seconds: check kafka.bootstrap.servers".formatted(topic), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while describing Kafka topic '%s'".formatted(topic), e);
        }
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
