package io.freshet.ingest.verify;

import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.commit.LostOffsets;
import io.freshet.ingest.consumer.KafkaConsumers;
import io.freshet.ingest.decoding.BadRecordException;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.decoding.RecordDecoder;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Checks a table against its Kafka topic: reads every record Kafka retains below the offsets the table
 * claims to hold, and compares their offsets with the table's {@code _partition_offset} values. A record
 * the table lacks is decoded again: when it is a bad record the table lacks it on purpose (its bad-record
 * policy skipped or dead-lettered it), otherwise it is lost. Kafka offsets are not contiguous (transaction
 * markers, compaction), so only offsets that hold a record count.
 */
public final class TableVerifier
{
    private static final Duration KAFKA_TIMEOUT = Duration.ofSeconds(30);
    private static final int MAX_EXAMPLES = 5;

    private final IngestSettings settings;

    public TableVerifier(IngestSettings settings)
    {
        this.settings = requireNonNull(settings, "settings is null");
    }

    public TableVerification verify(String tableName, Schema schema, TableBinding binding, TableContents contents)
    {
        requireNonNull(contents, "contents is null");
        String topic = binding.topic();
        try (KafkaConsumer<byte[], byte[]> consumer = createConsumer(tableName, topic);
                BufferAllocator allocator = new RootAllocator()) {
            return verify(consumer, allocator, tableName, schema, topic, contents);
        }
        catch (KafkaException e) {
            throw new KafkaUnavailableException("Cannot read Kafka topic '%s' at %s to verify %s: %s".formatted(topic, settings.kafkaProperties().get("bootstrap.servers"), tableName, e.getMessage()), e);
        }
    }

    private TableVerification verify(KafkaConsumer<byte[], byte[]> consumer, BufferAllocator allocator, String tableName, Schema schema, String topic, TableContents contents)
    {
        List<PartitionInfo> partitionInfos = consumer.partitionsFor(topic, KAFKA_TIMEOUT);
        Set<Integer> topicPartitions = new TreeSet<>();
        if (partitionInfos != null) {
            partitionInfos.forEach(info -> topicPartitions.add(info.partition()));
        }
        if (topicPartitions.isEmpty()) {
            throw new UnknownTopicException("Kafka topic '%s' of %s does not exist at %s".formatted(topic, tableName, settings.kafkaProperties().get("bootstrap.servers")));
        }
        List<TopicPartition> assignment = topicPartitions.stream().map(partition -> new TopicPartition(topic, partition)).toList();
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(assignment, KAFKA_TIMEOUT);
        Map<TopicPartition, Long> ends = consumer.endOffsets(assignment, KAFKA_TIMEOUT);

        BadRecordCheck badRecordCheck = new BadRecordCheck(allocator, schema, settings.maxRecordBytes());
        try {
            Map<Integer, PartitionCheck> checks = new TreeMap<>();
            Set<Integer> partitions = new TreeSet<>(topicPartitions);
            partitions.addAll(contents.partitions());
            for (int partition : partitions) {
                TopicPartition topicPartition = new TopicPartition(topic, partition);
                long start = starts.getOrDefault(topicPartition, 0L);
                long end = ends.getOrDefault(topicPartition, 0L);
                PartitionCheck check = new PartitionCheck(partition, start, end, contents.checkedUntilOffset(partition), contents.offsets(partition));
                contents.lostOffsets(partition).forEach(check::lost);
                if (contents.hasCheckedOffset(partition) && contents.checkedUntilOffset(partition) < start) {
                    // Kafka no longer holds the offsets from where the table stops to where the topic begins
                    check.lost(new LostOffsets(partition, contents.checkedUntilOffset(partition), start));
                }
                checks.put(partition, check);
            }
            readKafka(consumer, topic, checks, badRecordCheck);
            List<PartitionVerification> results = new ArrayList<>();
            checks.values().forEach(check -> results.add(check.finish()));
            return new TableVerification(tableName, topic, results);
        }
        finally {
            badRecordCheck.close();
        }
    }

    private void readKafka(KafkaConsumer<byte[], byte[]> consumer, String topic, Map<Integer, PartitionCheck> checks, BadRecordCheck badRecordCheck)
    {
        Map<TopicPartition, PartitionCheck> reading = new HashMap<>();
        checks.values().forEach(check -> {
            if (check.readUntil() > check.start) {
                reading.put(new TopicPartition(topic, check.partition), check);
            }
        });
        if (reading.isEmpty()) {
            return;
        }
        consumer.assign(reading.keySet());
        reading.forEach((partition, check) -> consumer.seek(partition, check.start));
        long lastProgress = System.nanoTime();
        while (!reading.isEmpty()) {
            ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
            for (ConsumerRecord<byte[], byte[]> record : records) {
                PartitionCheck check = reading.get(new TopicPartition(record.topic(), record.partition()));
                if (check != null && record.offset() < check.readUntil()) {
                    check.kafkaRecord(record, badRecordCheck);
                }
            }
            if (!records.isEmpty()) {
                lastProgress = System.nanoTime();
            }
            // positions move past transaction markers and compacted gaps too
            for (TopicPartition partition : List.copyOf(reading.keySet())) {
                if (consumer.position(partition, KAFKA_TIMEOUT) >= reading.get(partition).readUntil()) {
                    reading.remove(partition);
                    consumer.pause(List.of(partition));
                }
            }
            if (System.nanoTime() - lastProgress > KAFKA_TIMEOUT.toNanos()) {
                throw new KafkaUnavailableException("Kafka returned no records of topic '%s' for %s seconds while verifying partitions %s"
                        .formatted(topic, KAFKA_TIMEOUT.toSeconds(), reading.keySet().stream().map(TopicPartition::partition).sorted().toList()));
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> createConsumer(String tableName, String topic)
    {
        Map<String, Object> properties = KafkaConsumers.properties(settings.kafkaProperties(), "freshet-verify-" + tableName);
        // its own client id beside the ingester's, whatever kafka.client.id says
        properties.put(ConsumerConfig.CLIENT_ID_CONFIG, "freshet-verify-" + tableName);
        // the verifier only reads: it must not move the group's offsets that mirror the watermark
        properties.remove(ConsumerConfig.GROUP_ID_CONFIG);
        properties.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
        return KafkaConsumers.open(topic, properties);
    }

    /** Walks one partition's Kafka records in offset order beside the table's sorted offsets. */
    private static final class PartitionCheck
    {
        private final int partition;
        private final long start;
        private final long end;
        private final long checkedUntil;
        private final long[] tableOffsets;
        private final List<String> examples = new ArrayList<>();
        private int next;
        private long kafkaRecords;
        private long missing;
        private long duplicated;
        private long extra;
        private long badRecords;
        private long lostToRetention;

        PartitionCheck(int partition, long start, long end, long checkedUntil, long[] tableOffsets)
        {
            this.partition = partition;
            this.start = start;
            this.end = end;
            this.checkedUntil = checkedUntil;
            this.tableOffsets = tableOffsets;
        }

        long readUntil()
        {
            return Math.min(checkedUntil, end);
        }

        void kafkaRecord(ConsumerRecord<byte[], byte[]> record, BadRecordCheck badRecordCheck)
        {
            long offset = record.offset();
            tableOffsetsBelow(offset);
            kafkaRecords++;
            int copies = next < tableOffsets.length && tableOffsets[next] == offset ? run() : 0;
            next += copies;
            if (copies == 0) {
                if (badRecordCheck.isBad(record)) {
                    badRecords++;
                }
                else {
                    missing++;
                    example("missing", offset);
                }
            }
            else if (copies > 1) {
                duplicated += copies - 1;
                example("duplicated", offset);
            }
        }

        /** Table rows below the next Kafka record: Kafka holds no record there, or no longer retains it. */
        private void tableOffsetsBelow(long offset)
        {
            while (next < tableOffsets.length && tableOffsets[next] < offset) {
                long value = tableOffsets[next];
                int copies = run();
                next += copies;
                if (copies > 1) {
                    duplicated += copies - 1;
                    example("duplicated", value);
                }
                if (value >= start) {
                    extra++;
                    example("extra", value);
                }
            }
        }

        void lost(LostOffsets range)
        {
            lostToRetention += range.count();
            examples.add("lost to retention " + range.fromOffset() + "-" + (range.toOffset() - 1));
        }

        private int run()
        {
            if (next >= tableOffsets.length) {
                return 0;
            }
            int copies = 0;
            while (next + copies < tableOffsets.length && tableOffsets[next + copies] == tableOffsets[next]) {
                copies++;
            }
            return copies;
        }

        private void example(String kind, long offset)
        {
            if (examples.size() < MAX_EXAMPLES) {
                examples.add(kind + " " + offset);
            }
        }

        PartitionVerification finish()
        {
            tableOffsetsBelow(Long.MAX_VALUE);
            long notYetIngested = Math.max(0, end - Math.max(start, checkedUntil));
            return new PartitionVerification(partition, start, end, checkedUntil, kafkaRecords, tableOffsets.length, missing, duplicated, extra, badRecords, notYetIngested, lostToRetention, examples);
        }
    }

    /** Decodes a record the table lacks the way the ingester does, into scratch vectors no reader sees. */
    private static final class BadRecordCheck
            implements AutoCloseable
    {
        private final RecordDecoder decoder;
        private final HotBatchBuilder scratch;
        private final long maxRecordBytes;

        BadRecordCheck(BufferAllocator allocator, Schema schema, long maxRecordBytes)
        {
            this.decoder = new JsonRecordDecoder(schema);
            this.scratch = new HotBatchBuilder(allocator, schema, 0, 0);
            this.maxRecordBytes = maxRecordBytes;
        }

        boolean isBad(ConsumerRecord<byte[], byte[]> record)
        {
            try {
                RecordDecoder.requireSize(record.serializedValueSize(), maxRecordBytes);
                // never completes the row: every check overwrites row 0
                decoder.decode(record.value(), scratch.vectors(), scratch.nextRow());
                return false;
            }
            catch (BadRecordException e) {
                return true;
            }
        }

        @Override
        public void close()
        {
            scratch.close();
        }
    }
}
