package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.decoding.BadRecordException;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.decoding.RecordDecoder;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.Schema;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * Decodes each record into the row being built, and routes a record that does not decode by the table's bad-record
 * policy: skipped, sent to the dead-letter topic, or stopping the table. Only the ingest loop calls it.
 */
final class RecordRouter
        implements AutoCloseable
{
    private static final Duration BAD_RECORD_LOG_INTERVAL = Duration.ofSeconds(10);

    private final String table;
    private final TableBinding binding;
    private final IngestSettings settings;
    private final BadRecordPolicy badRecordPolicy;
    private RecordDecoder decoder;
    private final BadRecordLog badRecordLog;
    private final AtomicLong badRecords = new AtomicLong();
    private final AtomicLong deadLetteredRecords = new AtomicLong();
    private volatile DeadLetterPublisher deadLetterPublisher;

    RecordRouter(String table, Schema schema, Map<String, String> tableProperties, TableBinding binding, IngestSettings settings)
    {
        this.table = requireNonNull(table, "table is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.badRecordPolicy = binding.badRecordPolicy().orElse(settings.badRecordPolicy());
        this.decoder = new JsonRecordDecoder(schema, tableProperties);
        this.badRecordLog = new BadRecordLog(table, BAD_RECORD_LOG_INTERVAL);
    }

    /** Decodes the next records with a new schema; the JSON field of each column follows the table's properties. */
    void adopt(Schema schema, Map<String, String> tableProperties)
    {
        decoder = new JsonRecordDecoder(schema, tableProperties);
    }

    void append(HotBatchBuilder builder, ConsumerRecord<byte[], byte[]> record)
    {
        try {
            RecordDecoder.requireSize(record.serializedValueSize(), settings.maxRecordBytes());
            decoder.decode(record.value(), builder.vectors(), builder.nextRow());
            builder.completeRow(record.offset(), record.timestamp(), record.key(), record.headers());
        }
        catch (BadRecordException e) {
            handleBadRecord(record, e.getMessage());
            builder.skipTo(record.offset() + 1);
        }
    }

    private void handleBadRecord(ConsumerRecord<byte[], byte[]> record, String reason)
    {
        badRecords.incrementAndGet();
        if (badRecordPolicy != BadRecordPolicy.FAIL) {
            badRecordLog.badRecord(record, reason, badRecordPolicy);
        }
        switch (badRecordPolicy) {
            case SKIP -> {}
            case DEAD_LETTER -> {
                if (deadLetterPublisher == null) {
                    deadLetterPublisher = new DeadLetterPublisher(settings.kafkaProperties(), binding.effectiveDeadLetterTopic());
                }
                deadLetterPublisher.publish(record, reason);
                deadLetteredRecords.incrementAndGet();
            }
            case FAIL -> throw new IllegalStateException(
                    "Record at topic %s partition %s offset %s cannot be decoded: %s. Ingestion of %s stopped with every earlier record kept; fix the record or set bad_record_policy to SKIP or DEAD_LETTER"
                            .formatted(record.topic(), record.partition(), record.offset(), BadRecordLog.withoutContent(reason), table));
        }
    }

    /** The dead-letter publisher, once a bad record needed it: a flush waits until what it sent is acknowledged. */
    DeadLetterPublisher deadLetterPublisher()
    {
        return deadLetterPublisher;
    }

    long badRecords()
    {
        return badRecords.get();
    }

    long deadLetteredRecords()
    {
        return deadLetteredRecords.get();
    }

    @Override
    public void close()
    {
        if (deadLetterPublisher != null) {
            deadLetterPublisher.close();
        }
    }
}
