package io.freshet.trino.split;

import io.airlift.slice.SizeOf;
import io.trino.spi.HostAddress;
import io.trino.spi.connector.ConnectorSplit;

import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Offsets [startOffset, endOffset) of one Kafka partition, read from the hot buffer of the node that
 * ingests the table, through the query's lease.
 */
public record HotSplit(String schemaName, String tableName, String leaseId, int partition, long startOffset, long endOffset, HostAddress address)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = 96;

    public HotSplit
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(leaseId, "leaseId is null");
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
        return Map.of("table", schemaName + "." + tableName, "partition", Integer.toString(partition), "offsets", startOffset + "-" + endOffset);
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + SizeOf.estimatedSizeOf(schemaName) + SizeOf.estimatedSizeOf(tableName) + SizeOf.estimatedSizeOf(leaseId);
    }
}
