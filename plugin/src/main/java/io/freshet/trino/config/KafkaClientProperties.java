package io.freshet.trino.config;

import io.freshet.ingest.settings.IngestProperties;

import java.util.Map;

/**
 * Kafka client settings from the catalog file: every {@code kafka.<name>} property is passed to the Kafka
 * clients as {@code <name>}, so SASL, SSL and any other client setting works unchanged.
 */
public record KafkaClientProperties(Map<String, String> properties)
{
    public static final String PREFIX = IngestProperties.KAFKA_PREFIX;

    public KafkaClientProperties
    {
        properties = Map.copyOf(properties);
    }

    /** Takes the Kafka settings out of the catalog properties. */
    public static KafkaClientProperties fromCatalogProperties(Map<String, String> catalogProperties)
    {
        return new KafkaClientProperties(IngestProperties.kafkaClientProperties(catalogProperties));
    }

    @Override
    public String toString()
    {
        // client settings carry passwords and keys: never print values
        return "KafkaClientProperties" + properties.keySet();
    }
}
