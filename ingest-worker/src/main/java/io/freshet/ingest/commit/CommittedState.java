package io.freshet.ingest.commit;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** A snapshot of the table (none before the first commit) and the offset watermark in force there. */
public record CommittedState(Optional<Long> snapshotId, OffsetWatermark watermark)
{
    public CommittedState
    {
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(watermark, "watermark is null");
    }
}
