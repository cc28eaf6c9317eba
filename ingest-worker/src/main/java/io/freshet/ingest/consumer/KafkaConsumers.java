package io.freshet.ingest.consumer;

import io.freshet.ingest.error.KafkaUnavailableException;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.util.HashMap;
import java.util.Map;

/** The consumers of Freshet: the ingester's and the verifier's read the same records the same way. */
public final class KafkaConsumers
{
    private KafkaConsumers() {}

    /**
     * The settings every Freshet consumer shares, on top of the {@code kafka.*} client settings: raw bytes, which the
     * decoder turns into rows; no automatic offset commits, since the offset watermark in Iceberg is the only position
     * that counts; only committed transactions; large polls.
     */
    public static Map<String, Object> properties(Map<String, String> kafkaProperties, String clientId)
    {
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        return properties;
    }

    /** A consumer with the given settings, or an error that says which settings to check. */
    public static KafkaConsumer<byte[], byte[]> open(String topic, Map<String, Object> properties)
    {
        try {
            return new KafkaConsumer<>(properties);
        }
        catch (KafkaException e) {
            throw new KafkaUnavailableException("Cannot create the Kafka consumer of topic %s at %s: %s; check kafka.bootstrap.servers and the other kafka.* client settings"
                    .formatted(topic, properties.get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), KafkaErrors.rootCauseMessage(e)), e);
        }
    }
}
