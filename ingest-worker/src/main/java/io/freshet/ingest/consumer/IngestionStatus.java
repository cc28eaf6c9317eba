package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.PartitionStatus;
import io.freshet.ingest.commit.LostOffsets;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table's ingestion on this node as seen now, for system tables, logs and tests; {@code lostOffsets} are the
 * ranges Kafka's retention deleted before they were ingested, since ingestion started; {@code heldPartitions} the
 * partitions this node holds with their epochs; {@code fencedPartitions} those another writer claimed from it.
 */
public record IngestionStatus(
        State state,
        Optional<String> failure,
        List<PartitionStatus> partitions,
        long consumedRecords,
        long badRecords,
        long deadLetteredRecords,
        long commits,
        Optional<Long> lastCommitMillis,
        boolean paused,
        List<LostOffsets> lostOffsets,
        String node,
        Map<Integer, Long> heldPartitions,
        Map<Integer, String> fencedPartitions)
{
    public enum State
    {
        STARTING, RUNNING, WAITING_FOR_TOPIC, WAITING_FOR_CATALOG, FAILED, STOPPED,
        /** Of one partition: another writer claimed it since this node did; this node stopped it. */
        FENCED
    }

    public IngestionStatus
    {
        requireNonNull(state, "state is null");
        requireNonNull(failure, "failure is null");
        partitions = List.copyOf(partitions);
        requireNonNull(lastCommitMillis, "lastCommitMillis is null");
        lostOffsets = List.copyOf(lostOffsets);
        requireNonNull(node, "node is null");
        heldPartitions = Map.copyOf(heldPartitions);
        fencedPartitions = Map.copyOf(fencedPartitions);
    }
}
