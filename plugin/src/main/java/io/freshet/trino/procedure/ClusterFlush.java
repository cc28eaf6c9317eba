package io.freshet.trino.procedure;

import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.FlushRequestProperty;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.trino.config.KafkaClientProperties;
import io.freshet.trino.error.FreshetErrors;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.flush} where other nodes ingest the table: the owners of its partitions may be any of the
 * workers, so the request goes through the catalog ({@link FlushRequestProperty}), and the call returns once the
 * current snapshot's offset watermark covers every record Kafka held when it was made.
 */
final class ClusterFlush
{
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    // owners see the request within seconds; a watermark that does not move for this long has no owner behind it
    private static final Duration STALL_LIMIT = Duration.ofMinutes(2);
    private static final Duration TIME_LIMIT = Duration.ofMinutes(10);

    private final Map<String, Object> adminProperties;
    private final Duration stallLimit;

    ClusterFlush(KafkaClientProperties kafkaProperties)
    {
        this(kafkaProperties, STALL_LIMIT);
    }

    ClusterFlush(KafkaClientProperties kafkaProperties, Duration stallLimit)
    {
        this.stallLimit = requireNonNull(stallLimit, "stallLimit is null");
        Map<String, Object> properties = new HashMap<>(requireNonNull(kafkaProperties, "kafkaProperties is null").properties());
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "10000");
        properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "5000");
        this.adminProperties = Map.copyOf(properties);
    }

    void flush(SchemaTableName name, Table table, String topic)
            throws InterruptedException
    {
        Map<Integer, Long> targets;
        try {
            targets = committedEndOffsets(topic);
        }
        catch (KafkaUnavailableException | UnknownTopicException e) {
            throw FreshetErrors.fromIngest("Cannot flush %s".formatted(name), e);
        }
        try {
            table.updateProperties().set(FlushRequestProperty.NAME, FlushRequestProperty.newRequest()).commit();
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot ask the owners of %s to flush: %s".formatted(name, e.getMessage()), e);
        }
        long start = System.nanoTime();
        long lastProgress = start;
        Map<Integer, Long> behind = behind(table, targets);
        while (!behind.isEmpty()) {
            long now = System.nanoTime();
            if (now - lastProgress > stallLimit.toNanos() || now - start > TIME_LIMIT.toNanos()) {
                throw new TrinoException(FRESHET_INGESTION_NOT_RUNNING, ("Flush of %s did not finish: partitions %s are committed up to offsets %s, not %s. "
                        + "Check that a worker ingests them: SELECT * FROM system.ingest_status WHERE table_name = '%s'")
                        .formatted(name, behind.keySet(), committed(table, behind.keySet()), targetsOf(targets, behind.keySet()), name.getTableName()));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            try {
                table.refresh();
            }
            catch (RuntimeException e) {
                // a catalog hiccup while waiting: the next round reads again
                continue;
            }
            Map<Integer, Long> stillBehind = behind(table, targets);
            if (!stillBehind.equals(behind)) {
                lastProgress = System.nanoTime();
            }
            behind = stillBehind;
        }
    }

    /** The partitions whose committed watermark has not reached its target, with how far each one is. */
    private static Map<Integer, Long> behind(Table table, Map<Integer, Long> targets)
    {
        OffsetWatermark watermark = watermark(table);
        Map<Integer, Long> behind = new TreeMap<>();
        targets.forEach((partition, target) -> {
            long committed = watermark.nextOffset(partition);
            if (committed < target) {
                behind.put(partition, committed);
            }
        });
        return behind;
    }

    private static Map<Integer, Long> committed(Table table, Iterable<Integer> partitions)
    {
        OffsetWatermark watermark = watermark(table);
        Map<Integer, Long> committed = new TreeMap<>();
        partitions.forEach(partition -> committed.put(partition, watermark.nextOffset(partition)));
        return committed;
    }

    private static Map<Integer, Long> targetsOf(Map<Integer, Long> targets, Iterable<Integer> partitions)
    {
        Map<Integer, Long> selected = new TreeMap<>();
        partitions.forEach(partition -> selected.put(partition, targets.get(partition)));
        return selected;
    }

    private static OffsetWatermark watermark(Table table)
    {
        Snapshot snapshot = table.currentSnapshot();
        return snapshot == null ? OffsetWatermark.EMPTY : new TransactionLog(table).watermark(snapshot);
    }

    /**
     * Per partition, the offset after the last record a read_committed consumer can read now: the ingest loop's
     * position moves past transaction markers too, so a flushed partition's watermark reaches it.
     */
    private Map<Integer, Long> committedEndOffsets(String topic)
            throws InterruptedException
    {
        try (Admin admin = Admin.create(adminProperties)) {
            TopicDescription description = admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS).get(topic);
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            description.partitions().forEach(partition -> request.put(new TopicPartition(topic, partition.partition()), OffsetSpec.latest()));
            Map<Integer, Long> ends = new TreeMap<>();
            admin.listOffsets(request, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all().get(20, TimeUnit.SECONDS)
                    .forEach((partition, offset) -> ends.put(partition.partition(), offset.offset()));
            return ends;
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new UnknownTopicException("Kafka topic '%s' does not exist".formatted(topic), e.getCause());
            }
            throw new KafkaUnavailableException("Cannot read the end offsets of Kafka topic '%s': %s; check kafka.bootstrap.servers and the security settings"
                    .formatted(topic, e.getCause().getMessage()), e.getCause());
        }
        catch (TimeoutException e) {
            throw new KafkaUnavailableException("Kafka did not answer within 20 seconds for topic '%s': check kafka.bootstrap.servers".formatted(topic), e);
        }
    }
}
