package io.freshet.ingest.consumer;

import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Checks of Kafka topics before a table is bound to them. */
public final class KafkaTopics
{
    private KafkaTopics() {}

    /** Fails with a message that says what to do when the topic does not exist or the brokers cannot be reached. */
    public static void requireTopic(Map<String, String> kafkaProperties, String topic)
    {
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        String servers = kafkaProperties.get("bootstrap.servers");
        try (Admin admin = Admin.create(properties)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS);
        }
        catch (KafkaException e) {
            // the client refused its settings, an unresolvable host among them
            throw new KafkaUnavailableException("Cannot connect to Kafka at %s: %s; check kafka.bootstrap.servers and the other kafka.* client settings"
                    .formatted(servers, KafkaErrors.rootCauseMessage(e)), e);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicException("Kafka topic '%s' does not exist at %s: create the topic first, or check the topic name and kafka.bootstrap.servers"
                        .formatted(topic, servers));
            }
            throw new KafkaUnavailableException("Cannot describe Kafka topic '%s' at %s: %s; check kafka.bootstrap.servers and the security settings".formatted(topic, servers, e.getCause().getMessage()), e.getCause());
        }
        catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka brokers at %s did not answer within 20 seconds: check kafka.bootstrap.servers and the security settings"
                    .formatted(servers), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("Interrupted while describing Kafka topic '%s'".formatted(topic), e);
        }
    }
}
