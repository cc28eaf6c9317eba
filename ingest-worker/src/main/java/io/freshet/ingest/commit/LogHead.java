package io.freshet.ingest.commit;

import io.freshet.ingest.cluster.PartitionEpochs;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** The table's current snapshot, with the watermark and partition epochs in force there. */
public record LogHead(Optional<Long> snapshotId, OffsetWatermark watermark, PartitionEpochs epochs)
{
    public LogHead
    {
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(watermark, "watermark is null");
        requireNonNull(epochs, "epochs is null");
    }

    public CommittedState committed()
    {
        return new CommittedState(snapshotId, watermark);
    }
}
