package io.freshet.ingest.settings;

import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.error.InvalidTablePropertyException;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** How a table is fed from Kafka; kept in the Iceberg table's properties so any engine can see it. */
public record TableBinding(String topic, String format, Optional<BadRecordPolicy> badRecordPolicy, Optional<String> deadLetterTopic)
{
    public static final String TOPIC_PROPERTY = "freshet.kafka-topic";
    public static final String FORMAT_PROPERTY = "freshet.format";
    public static final String BAD_RECORD_POLICY_PROPERTY = "freshet.bad-record-policy";
    public static final String DEAD_LETTER_TOPIC_PROPERTY = "freshet.dead-letter-topic";
    public static final String JSON = "json";

    public TableBinding
    {
        requireNonNull(topic, "topic is null");
        requireNonNull(badRecordPolicy, "badRecordPolicy is null");
        requireNonNull(deadLetterTopic, "deadLetterTopic is null");
        if (topic.isBlank()) {
            throw new InvalidTablePropertyException("kafka_topic must not be empty");
        }
        format = requireNonNull(format, "format is null").toLowerCase(Locale.ROOT);
        if (!format.equals(JSON)) {
            throw new InvalidTablePropertyException("Unsupported format '%s': Freshet decodes 'json' record values".formatted(format));
        }
    }

    public static Optional<TableBinding> fromTableProperties(Map<String, String> properties)
    {
        String topic = properties.get(TOPIC_PROPERTY);
        if (topic == null) {
            return Optional.empty();
        }
        return Optional.of(new TableBinding(
                topic,
                properties.getOrDefault(FORMAT_PROPERTY, JSON),
                Optional.ofNullable(properties.get(BAD_RECORD_POLICY_PROPERTY)).map(BadRecordPolicy::fromString),
                Optional.ofNullable(properties.get(DEAD_LETTER_TOPIC_PROPERTY))));
    }

    public Map<String, String> toTableProperties()
    {
        Map<String, String> properties = new HashMap<>();
        properties.put(TOPIC_PROPERTY, topic);
        properties.put(FORMAT_PROPERTY, format);
        badRecordPolicy.ifPresent(policy -> properties.put(BAD_RECORD_POLICY_PROPERTY, policy.name()));
        deadLetterTopic.ifPresent(value -> properties.put(DEAD_LETTER_TOPIC_PROPERTY, value));
        return properties;
    }

    /** The dead-letter topic: the configured one, else the source topic with a {@code .dlq} suffix. */
    public String effectiveDeadLetterTopic()
    {
        return deadLetterTopic.orElse(topic + ".dlq");
    }
}
