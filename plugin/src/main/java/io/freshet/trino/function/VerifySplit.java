package io.freshet.trino.function;

import io.airlift.slice.SizeOf;
import io.trino.spi.HostAddress;
import io.trino.spi.connector.ConnectorSplit;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** The one split of a {@code system.verify} call: it runs where the table's hot buffer is. */
public record VerifySplit(String schemaName, String tableName, HostAddress address)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = 48;

    public VerifySplit
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
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
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + SizeOf.estimatedSizeOf(schemaName) + SizeOf.estimatedSizeOf(tableName);
    }
}
