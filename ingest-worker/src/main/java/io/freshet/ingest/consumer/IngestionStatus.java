package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBuffer.PartitionStatus;
import io.freshet.ingest.commit.LostOffsets;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A table's ingestion as seen now, for system tables, logs and tests; {@code lostOffsets} are the ranges Kafka's retention deleted before they were ingested, since ingestion started. */
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
        List<LostOffsets> lostOffsets)
{
    public enum State
    {
        STARTING, RUNNING, WAITING_FOR_TOPIC, FAILED, STOPPED
    }

    public IngestionStatus
    {
        requireNonNull(state, "state is null");
        requireNonNull(failure, "failure is null");
        partitions = List.copyOf(partitions);
        requireNonNull(lastCommitMillis, "lastCommitMillis is null");
        lostOffsets = List.copyOf(lostOffsets);
    }
}
