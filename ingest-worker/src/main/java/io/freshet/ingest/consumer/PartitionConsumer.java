package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.Schema;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The Kafka consumer of one table and the partitions assigned to it: only those this node holds, each positioned
 * at its offset watermark with a batch builder for the rows consumed from it. Only the ingest loop calls it.
 */
final class PartitionConsumer
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(PartitionConsumer.class);

    private final String table;
    private final TableBinding binding;
    private final IngestSettings settings;
    private Schema schema;
    private final HotBuffer buffer;
    private final Map<Integer, HotBatchBuilder> builders = new TreeMap<>();
    private volatile KafkaConsumer<byte[], byte[]> consumer;

    PartitionConsumer(String table, TableBinding binding, IngestSettings settings, Schema schema, HotBuffer buffer)
    {
        this.table = requireNonNull(table, "table is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.schema = requireNonNull(schema, "schema is null");
        this.buffer = requireNonNull(buffer, "buffer is null");
    }

    void open()
    {
        // group offsets are informational: the ingester sets every position from the watermark
        Map<String, Object> properties = KafkaConsumers.properties(settings.kafkaProperties(), "freshet-" + table);
        // every position is set from the watermark or the topic's beginning: a position Kafka no longer holds is data loss, reported, never skipped silently
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        consumer = KafkaConsumers.open(binding.topic(), properties);
    }

    KafkaConsumer<byte[], byte[]> consumer()
    {
        return consumer;
    }

    /** The partitions of the topic, or empty when the topic does not exist (yet). */
    Optional<List<Integer>> topicPartitions()
    {
        List<PartitionInfo> partitions = consumer.partitionsFor(binding.topic(), Duration.ofSeconds(10));
        if (partitions == null || partitions.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(partitions.stream().map(PartitionInfo::partition).sorted().toList());
    }

    /** Adds partitions to the assignment, each positioned at its offset watermark, or at the topic's beginning when it has none. */
    List<TopicPartition> add(Collection<Integer> partitions, OffsetWatermark watermark)
    {
        Set<Integer> assigned = new TreeSet<>(builders.keySet());
        assigned.addAll(partitions);
        consumer.assign(assigned.stream().map(this::topicPartition).toList());
        List<TopicPartition> added = partitions.stream().map(this::topicPartition).toList();
        // every new partition is positioned before any position is read: without a reset policy, reading one resolves all
        for (TopicPartition partition : added) {
            if (watermark.contains(partition.partition())) {
                consumer.seek(partition, watermark.nextOffset(partition.partition()));
            }
            else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        for (TopicPartition partition : added) {
            long position = consumer.position(partition);
            HotBatchBuilder previous = builders.put(partition.partition(), new HotBatchBuilder(buffer.allocator(), schema, partition.partition(), position));
            if (previous != null) {
                previous.close();
            }
            buffer.advance(partition.partition(), position);
        }
        return added;
    }

    /**
     * Builds the next rows with a new schema: each builder's rows so far are sealed into a batch of the old schema,
     * and the next record of each partition goes into a builder of the new one, so no record is lost or taken twice.
     */
    void adopt(Schema newSchema)
    {
        for (Map.Entry<Integer, HotBatchBuilder> entry : builders.entrySet()) {
            HotBatchBuilder previous = entry.getValue();
            if (previous.hasRows()) {
                buffer.append(previous.seal());
            }
            entry.setValue(new HotBatchBuilder(buffer.allocator(), newSchema, entry.getKey(), previous.endOffset()));
            previous.close();
        }
        schema = newSchema;
    }

    /** Takes partitions out of the assignment; their rows leave the hot buffer. */
    void remove(Collection<Integer> partitions)
    {
        Set<Integer> assigned = new TreeSet<>(builders.keySet());
        assigned.removeAll(partitions);
        consumer.assign(assigned.stream().map(this::topicPartition).toList());
        for (int partition : partitions) {
            HotBatchBuilder builder = builders.remove(partition);
            if (builder != null) {
                builder.close();
            }
            buffer.dropPartition(partition);
        }
    }

    boolean hasAssignment()
    {
        return !builders.isEmpty();
    }

    Set<Integer> assigned()
    {
        return builders.keySet();
    }

    HotBatchBuilder builder(int partition)
    {
        return builders.get(partition);
    }

    Collection<HotBatchBuilder> builders()
    {
        return builders.values();
    }

    ConsumerRecords<byte[], byte[]> poll(Duration timeout)
    {
        return consumer.poll(timeout);
    }

    /** With {@code kafka.group.id} set, mirrors the watermark of the held partitions into the group's offsets so lag tools can watch it. */
    void commitGroupOffsets(OffsetWatermark watermark)
    {
        if (!settings.kafkaProperties().containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (int partition : builders.keySet()) {
            if (watermark.contains(partition)) {
                offsets.put(topicPartition(partition), new OffsetAndMetadata(watermark.nextOffset(partition)));
            }
        }
        if (offsets.isEmpty()) {
            return;
        }
        consumer.commitAsync(offsets, (_, exception) -> {
            if (exception != null) {
                log.debug("Informational offset commit for {} failed: {}", table, exception.getMessage());
            }
        });
    }

    void wakeup()
    {
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
    }

    TopicPartition topicPartition(int partition)
    {
        return new TopicPartition(binding.topic(), partition);
    }

    @Override
    public void close()
    {
        builders.values().forEach(HotBatchBuilder::close);
        builders.clear();
        if (consumer != null) {
            consumer.close(Duration.ofSeconds(5));
        }
    }
}
