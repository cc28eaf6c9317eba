package io.freshet.ingest.consumer;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArraySerializer;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Sends records that cannot be decoded, unchanged, to the dead-letter topic with the reason and their origin
 * in headers. A flush waits for every send before it commits, so the watermark never passes a record that
 * is neither in the table nor in the dead-letter topic.
 */
final class DeadLetterPublisher
        implements AutoCloseable
{
    static final String REASON_HEADER = "freshet.error";
    static final String TOPIC_HEADER = "freshet.source.topic";
    static final String PARTITION_HEADER = "freshet.source.partition";
    static final String OFFSET_HEADER = "freshet.source.offset";

    private final KafkaProducer<byte[], byte[]> producer;
    private final String topic;
    private final AtomicReference<Exception> failure = new AtomicReference<>();

    DeadLetterPublisher(Map<String, String> kafkaProperties, String topic)
    {
        Map<String, Object> properties = new HashMap<>(kafkaProperties);
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.putIfAbsent(ProducerConfig.ACKS_CONFIG, "all");
        properties.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        this.producer = new KafkaProducer<>(properties);
        this.topic = topic;
    }

    void publish(ConsumerRecord<byte[], byte[]> record, String reason)
    {
        RecordHeaders headers = new RecordHeaders(record.headers().toArray());
        headers.add(REASON_HEADER, reason.getBytes(StandardCharsets.UTF_8));
        headers.add(TOPIC_HEADER, record.topic().getBytes(StandardCharsets.UTF_8));
        headers.add(PARTITION_HEADER, Integer.toString(record.partition()).getBytes(StandardCharsets.UTF_8));
        headers.add(OFFSET_HEADER, Long.toString(record.offset()).getBytes(StandardCharsets.UTF_8));
        producer.send(new ProducerRecord<>(topic, null, record.timestamp(), record.key(), record.value(), headers), (_, exception) -> {
            if (exception != null) {
                failure.compareAndSet(null, exception);
            }
        });
    }

    /** Waits until every record sent so far is acknowledged; fails when any of them was refused. */
    void awaitSent()
    {
        producer.flush();
        Exception exception = failure.get();
        if (exception != null) {
            throw new DeadLetterException("Cannot write to dead-letter topic %s: %s; create the topic or fix the producer settings".formatted(topic, exception.getMessage()), exception);
        }
    }

    /** The dead-letter topic refused records: the table stops rather than commit past them. */
    static class DeadLetterException
            extends IllegalStateException
    {
        DeadLetterException(String message, Throwable cause)
        {
            super(message, cause);
        }
    }

    @Override
    public void close()
    {
        producer.close();
    }
}
