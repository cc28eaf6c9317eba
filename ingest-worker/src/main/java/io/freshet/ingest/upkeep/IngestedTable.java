package io.freshet.ingest.upkeep;

import io.freshet.ingest.commit.CommittedState;

import java.util.Set;

/**
 * What upkeep needs of a table's ingestion on this node: the snapshots its queries read, the files its flush is
 * writing, and a way to let queries read a compacted snapshot at once.
 */
public interface IngestedTable
{
    /** Snapshots that queries read now or will read next: expiry keeps them. */
    Set<Long> snapshotsInUse();

    /** Files a flush is writing or committing: orphan cleanup leaves them alone. */
    Set<String> filesInFlight();

    /** Offers queries a snapshot that upkeep made on top of the committed one; see {@code HotBuffer.adoptSnapshot}. */
    void adoptSnapshot(CommittedState state);
}
