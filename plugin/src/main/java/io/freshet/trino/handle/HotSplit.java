package io.freshet.trino.handle;

import io.airlift.slice.SizeOf;
import io.trino.spi.HostAddress;
import io.trino.spi.connector.ConnectorSplit;

import java.util.List;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Offsets [startOffset, endOffset) of one Kafka partition, read from the hot buffer of the node that
 * ingests it, through the query's lease. A split planned on another node carries {@code cutStartOffset}, the
 * offset watermark of the snapshot the query reads: its owner leases the partition's rows from there up to its
 * high-water mark on the query's first split, and every split of the query reads that range.
 */
public record HotSplit(
        String schemaName,
        String tableName,
        String leaseId,
        int partition,
        long startOffset,
        long endOffset,
        Optional<Long> cutStartOffset,
        Optional<Long> snapshotId,
        HostAddress address)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = 128;

    public HotSplit
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(leaseId, "leaseId is null");
        requireNonNull(cutStartOffset, "cutStartOffset is null");
        requireNonNull(snapshotId, "snapshotId is null");
        requireNonNull(address, "address is null");
    }

    @Override
    public boolean isRemotelyAccessible()
    {
        return false;
    }

    @Override
    public List<HostAddress> getAddresses()
    {
        return List.of(address);
    }

    @Override
    public Map<String, String> getSplitInfo()
    {
        return Map.of("table", schemaName + "." + tableName, "partition", Integer.toString(partition), "offsets", startOffset + "-" + (endOffset == Long.MAX_VALUE ? "" : endOffset));
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + SizeOf.estimatedSizeOf(schemaName) + SizeOf.estimatedSizeOf(tableName) + SizeOf.estimatedSizeOf(leaseId);
    }
}
