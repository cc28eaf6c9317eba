package io.freshet.trino.handle;

import io.airlift.slice.SizeOf;
import io.trino.spi.connector.ConnectorSplit;

import java.util.Map;

import static java.util.Objects.requireNonNull;

/** A byte range of one committed Parquet data file of the table's snapshot. */
public record FileSplit(String path, long start, long length, long fileSize, long recordCount)
        implements ConnectorSplit
{
    private static final int INSTANCE_SIZE = 64;

    public FileSplit
    {
        requireNonNull(path, "path is null");
    }

    @Override
    public Map<String, String> getSplitInfo()
    {
        return Map.of("path", path, "start", Long.toString(start), "length", Long.toString(length));
    }

    @Override
    public long getRetainedSizeInBytes()
    {
        return INSTANCE_SIZE + SizeOf.estimatedSizeOf(path);
    }
}
