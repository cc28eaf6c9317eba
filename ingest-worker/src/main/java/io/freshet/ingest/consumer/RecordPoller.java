package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.commit.LostOffsets;
import io.freshet.ingest.flush.FlushCommitter;
import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * One poll of a table's ingest loop: polls the partitions this node holds, decodes every record into the builder of
 * its partition and seals the builders into the hot buffer. Records that Kafka's retention deleted before they were
 * ingested stop the table, or with {@code data_loss_policy = 'CONTINUE'} are skipped and recorded. Only the table's
 * ingest loop calls it.
 */
final class RecordPoller
{
    // the ingester's logger: operators find lost offsets under the name they always had
    private final Logger log;
    private final TableIdentifier identifier;
    private final TableBinding binding;
    private final PartitionConsumer partitions;
    private final RecordRouter router;
    private final HotBuffer buffer;
    private final Backpressure backpressure;
    private final IngestStages stages;
    private final DataLossPolicy dataLossPolicy;
    private final FlushCommitter committer;
    private final AtomicLong consumedRecords = new AtomicLong();
    private final List<LostOffsets> lostOffsets = new CopyOnWriteArrayList<>();

    RecordPoller(Logger log, TableIdentifier identifier, TableBinding binding, PartitionConsumer partitions, RecordRouter router, HotBuffer buffer,
            Backpressure backpressure, IngestStages stages, DataLossPolicy dataLossPolicy, FlushCommitter committer)
    {
        this.log = requireNonNull(log, "log is null");
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.router = requireNonNull(router, "router is null");
        this.buffer = requireNonNull(buffer, "buffer is null");
        this.backpressure = requireNonNull(backpressure, "backpressure is null");
        this.stages = requireNonNull(stages, "stages is null");
        this.dataLossPolicy = requireNonNull(dataLossPolicy, "dataLossPolicy is null");
        this.committer = requireNonNull(committer, "committer is null");
    }

    /** Records consumed so far. */
    long consumedRecords()
    {
        return consumedRecords.get();
    }

    /** The offsets lost to Kafka's retention so far, as the ingest status shows them. */
    List<LostOffsets> lostOffsets()
    {
        return lostOffsets;
    }

    /** Polls once; call only while this node holds partitions of the table. */
    void poll(Duration timeout)
    {
        backpressure.apply(partitions.consumer());
        long cpu = IngestStages.threadCpuNanos();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = partitions.poll(timeout);
        }
        catch (OffsetOutOfRangeException e) {
            handleLostOffsets(e);
            return;
        }
        cpu = stages.charge(IngestStages.Stage.KAFKA_POLL, cpu);
        for (TopicPartition partition : records.partitions()) {
            HotBatchBuilder builder = partitions.builder(partition.partition());
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                router.append(builder, record);
            }
        }
        cpu = stages.charge(IngestStages.Stage.DECODE, cpu);
        // positions move past transaction markers and compacted gaps too
        for (TopicPartition partition : partitions.consumer().assignment()) {
            HotBatchBuilder builder = partitions.builder(partition.partition());
            if (builder != null && !partitions.consumer().paused().contains(partition)) {
                builder.skipTo(partitions.consumer().position(partition, Duration.ofSeconds(30)));
            }
        }
        for (HotBatchBuilder builder : partitions.builders()) {
            if (builder.hasRows()) {
                buffer.append(builder.seal());
            }
            else if (builder.endOffset() > builder.startOffset()) {
                buffer.advance(builder.partition(), builder.endOffset());
            }
        }
        consumedRecords.addAndGet(records.count());
        stages.addRecords(records.count());
        stages.charge(IngestStages.Stage.BUFFER, cpu);
    }

    /** The watermark points below the first offset Kafka holds: retention deleted records before they were ingested. */
    private void handleLostOffsets(OffsetOutOfRangeException exception)
    {
        Map<TopicPartition, Long> positions = exception.offsetOutOfRangePartitions();
        Map<TopicPartition, Long> starts = partitions.consumer().beginningOffsets(positions.keySet(), Duration.ofSeconds(30));
        for (Map.Entry<TopicPartition, Long> entry : positions.entrySet()) {
            TopicPartition partition = entry.getKey();
            long position = entry.getValue();
            long start = starts.get(partition);
            if (start <= position) {
                throw new IllegalStateException(("Offset %s of topic %s partition %s is beyond the last record Kafka holds: the topic was deleted and created again. "
                        + "Ingestion of %s stopped with every committed record kept; bind a new table to the new topic").formatted(position, binding.topic(), partition.partition(), identifier));
            }
            LostOffsets lost = new LostOffsets(partition.partition(), position, start);
            if (dataLossPolicy == DataLossPolicy.FAIL) {
                throw new IllegalStateException(("Records of topic %s %s (%s offsets) were deleted by Kafka retention before they were ingested. Ingestion of %s stopped with every earlier record kept; "
                        + "to skip the lost records and go on, ALTER TABLE ... SET PROPERTIES data_loss_policy = 'CONTINUE'").formatted(binding.topic(), lost.describe(), lost.count(), identifier));
            }
            log.warn("Records of topic {} {} ({} offsets) were deleted by Kafka retention before they were ingested into {}; going on after them as data_loss_policy is CONTINUE",
                    binding.topic(), lost.describe(), lost.count(), identifier);
            lostOffsets.add(lost);
            committer.lost(lost);
            partitions.consumer().seek(partition, start);
            partitions.builder(partition.partition()).skipTo(start);
        }
    }
}
