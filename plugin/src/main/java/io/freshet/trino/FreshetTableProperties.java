package io.freshet.trino;

import io.freshet.ingest.consumer.DataLossPolicy;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.trino.spi.TrinoException;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.type.ArrayType;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.trino.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.trino.spi.session.PropertyMetadata.stringProperty;
import static io.trino.spi.type.VarcharType.VARCHAR;

/** Table properties of {@code CREATE TABLE ... WITH (...)}; they are stored as Iceberg table properties. */
public final class FreshetTableProperties
{
    public static final String KAFKA_TOPIC = "kafka_topic";
    public static final String FORMAT = "format";
    public static final String BAD_RECORD_POLICY = "bad_record_policy";
    public static final String DEAD_LETTER_TOPIC = "dead_letter_topic";
    public static final String DATA_LOSS_POLICY = "data_loss_policy";
    public static final String PARTITIONING = "partitioning";

    private FreshetTableProperties() {}

    public static List<PropertyMetadata<?>> properties()
    {
        return List.of(
                stringProperty(KAFKA_TOPIC, "Kafka topic whose records become the rows of the table", null, false),
                stringProperty(FORMAT, "Encoding of the record values: json", TableBinding.JSON, false),
                stringProperty(BAD_RECORD_POLICY, "SKIP, DEAD_LETTER or FAIL for records that do not decode; default from freshet.bad-record-policy", null, false),
                stringProperty(DEAD_LETTER_TOPIC, "Topic for records that do not decode, with the DEAD_LETTER policy; default <kafka_topic>.dlq", null, false),
                stringProperty(DATA_LOSS_POLICY, "FAIL or CONTINUE when Kafka retention deleted records before they were ingested; default FAIL", null, false),
                new PropertyMetadata<>(
                        PARTITIONING,
                        "Iceberg partition transforms, as in Trino's Iceberg connector: ARRAY['day(ts)', 'bucket(id, 16)', 'country']",
                        new ArrayType(VARCHAR),
                        List.class,
                        List.of(),
                        false,
                        value -> ((Collection<?>) value).stream().map(String.class::cast).toList(),
                        value -> value));
    }

    /** The partitioning entries of CREATE TABLE or SET PROPERTIES, empty for an unpartitioned table. */
    @SuppressWarnings("unchecked")
    public static List<String> partitioning(Map<String, Object> properties)
    {
        Object value = properties.get(PARTITIONING);
        return value == null ? List.of() : (List<String>) value;
    }

    public static TableBinding binding(Map<String, Object> properties)
    {
        String topic = (String) properties.get(KAFKA_TOPIC);
        if (topic == null || topic.isBlank()) {
            throw new TrinoException(FRESHET_INVALID_TABLE_PROPERTY, "Table property kafka_topic is required: CREATE TABLE ... WITH (kafka_topic = 'topic name')");
        }
        try {
            return new TableBinding(
                    topic,
                    (String) properties.getOrDefault(FORMAT, TableBinding.JSON),
                    Optional.ofNullable((String) properties.get(BAD_RECORD_POLICY)).map(BadRecordPolicy::fromString),
                    Optional.ofNullable((String) properties.get(DEAD_LETTER_TOPIC)));
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(FRESHET_INVALID_TABLE_PROPERTY, e.getMessage(), e);
        }
    }

    /** The Iceberg table property of data_loss_policy, validated; empty when the property is not set. */
    public static Optional<String> dataLossPolicy(Map<String, Object> properties)
    {
        String value = (String) properties.get(DATA_LOSS_POLICY);
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(DataLossPolicy.fromString(value).name());
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(FRESHET_INVALID_TABLE_PROPERTY, e.getMessage(), e);
        }
    }

    /** The table properties Trino shows for an Iceberg table Freshet ingests. */
    public static Map<String, Object> toProperties(TableBinding binding, Map<String, String> icebergProperties)
    {
        Map<String, Object> properties = toProperties(binding);
        Optional.ofNullable(icebergProperties.get(DataLossPolicy.PROPERTY)).ifPresent(policy -> properties.put(DATA_LOSS_POLICY, policy));
        return properties;
    }

    public static Map<String, Object> toProperties(TableBinding binding)
    {
        Map<String, Object> properties = new HashMap<>();
        properties.put(KAFKA_TOPIC, binding.topic());
        properties.put(FORMAT, binding.format());
        binding.badRecordPolicy().ifPresent(policy -> properties.put(BAD_RECORD_POLICY, policy.name()));
        binding.deadLetterTopic().ifPresent(topic -> properties.put(DEAD_LETTER_TOPIC, topic));
        return properties;
    }
}
