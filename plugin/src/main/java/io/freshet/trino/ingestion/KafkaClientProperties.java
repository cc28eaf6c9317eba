package io.freshet.trino.ingestion;

import java.util.Map;

/**
 * Kafka client settings from the catalog file: every {@code kafka.<name>} property is passed to the Kafka
 * clients as {@code <name>}, so SASL, SSL and any other client setting works unchanged.
 */
public record KafkaClientProperties(Map<String, String> properties)
{
    public static final String PREFIX = "kafka.";

    public KafkaClientProperties
    {
        properties = Map.copyOf(properties);
    }

    /** Takes the Kafka settings out of the catalog properties. */
    public static KafkaClientProperties fromCatalogProperties(Map<String, String> catalogProperties)
    {
        Map<String, String> kafka = new java.util.HashMap<>();
        catalogProperties.forEach((name, value) -> {
            if (name.startsWith(PREFIX)) {
                kafka.put(name.substring(PREFIX.length()), value);
            }
        });
        return new KafkaClientProperties(kafka);
    }

    @Override
    public String toString()
    {
        // client settings carry passwords and keys: never print values
        return "KafkaClientProperties" + properties.keySet();
    }
}
