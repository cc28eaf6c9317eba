package io.freshet.trino.handle;

import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.TupleDomain;

import java.util.List;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * A table as one query reads it: the cut. The Iceberg snapshot holds every row below its offset watermark;
 * the hot ranges hold, per Kafka partition, the rows from that watermark up to the high-water mark, kept in
 * the hot buffer of the node that ingests the table (on a cluster: the owner of each partition) under the lease
 * id until the query ends. A table whose
 * ingestion failed carries the reason instead, and reading it fails with that reason.
 */
public record FreshetTableHandle(
        String schemaName,
        String tableName,
        Optional<Long> snapshotId,
        Optional<String> leaseId,
        List<HotRange> hotRanges,
        TupleDomain<FreshetColumnHandle> constraint,
        Optional<String> ingestionFailure)
        implements ConnectorTableHandle
{
    public FreshetTableHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(leaseId, "leaseId is null");
        hotRanges = List.copyOf(requireNonNull(hotRanges, "hotRanges is null"));
        requireNonNull(constraint, "constraint is null");
        requireNonNull(ingestionFailure, "ingestionFailure is null");
    }

    public SchemaTableName schemaTableName()
    {
        return new SchemaTableName(schemaName, tableName);
    }

    public FreshetTableHandle withConstraint(TupleDomain<FreshetColumnHandle> newConstraint)
    {
        return new FreshetTableHandle(schemaName, tableName, snapshotId, leaseId, hotRanges, newConstraint, ingestionFailure);
    }

    /**
     * Offsets [startOffset, endOffset) of one Kafka partition, read from the hot buffer. A cut planned on a node
     * that does not own the partition has an {@link #OPEN_END}: the owner fixes the end at its high-water mark
     * when the query first reads the partition.
     */
    public record HotRange(int partition, long startOffset, long endOffset)
    {
        public static final long OPEN_END = Long.MAX_VALUE;

        public boolean hasOpenEnd()
        {
            return endOffset == OPEN_END;
        }
    }
}
