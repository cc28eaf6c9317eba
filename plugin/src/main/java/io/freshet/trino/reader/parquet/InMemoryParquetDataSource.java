package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableMap;
import com.google.common.collect.ListMultimap;
import io.airlift.slice.Slice;
import io.trino.filesystem.TrinoInput;
import io.trino.filesystem.TrinoInputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.memory.context.LocalMemoryContext;
import io.trino.parquet.ChunkReader;
import io.trino.parquet.DiskRange;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.reader.ChunkedInputStream;

import java.io.IOException;
import java.util.Collection;
import java.util.Map;

import static com.google.common.base.Preconditions.checkState;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.lang.Math.toIntExact;

/**
 * Holds a whole small Parquet file in memory: the ingester flushes often, so most files are small, and one
 * read of the whole file is cheaper than a footer read followed by column chunk reads.
 */
final class InMemoryParquetDataSource
        implements ParquetDataSource
{
    private final ParquetDataSourceId id;
    private final long readTimeNanos;
    private final long readBytes;
    private final LocalMemoryContext memoryUsage;
    private Slice data;

    InMemoryParquetDataSource(TrinoInputFile inputFile, long fileSize, AggregatedMemoryContext memoryContext)
            throws IOException
    {
        this.id = new ParquetDataSourceId(inputFile.location().toString());
        this.memoryUsage = memoryContext.newLocalMemoryContext(InMemoryParquetDataSource.class.getSimpleName());
        // reserve before reading so that the memory is accounted while the file is being loaded
        memoryUsage.setBytes(fileSize);
        long start = System.nanoTime();
        try (TrinoInput input = inputFile.newInput()) {
            this.data = input.readFully(0, toIntExact(fileSize));
        }
        catch (IOException | RuntimeException e) {
            memoryUsage.close();
            throw e;
        }
        this.readTimeNanos = System.nanoTime() - start;
        this.readBytes = data.length();
    }

    @Override
    public ParquetDataSourceId getId()
    {
        return id;
    }

    @Override
    public long getReadBytes()
    {
        return readBytes;
    }

    @Override
    public long getReadTimeNanos()
    {
        return readTimeNanos;
    }

    @Override
    public long getEstimatedSize()
    {
        return readBytes;
    }

    @Override
    public Slice readTail(int length)
    {
        int readSize = Math.min(data.length(), length);
        return readFully(data.length() - readSize, readSize);
    }

    @Override
    public Slice readFully(long position, int length)
    {
        checkState(data != null, "data source %s is closed", id);
        return data.slice(toIntExact(position), length);
    }

    @Override
    public <K> Map<K, ChunkedInputStream> planRead(ListMultimap<K, DiskRange> diskRanges, AggregatedMemoryContext memoryContext)
    {
        ImmutableMap.Builder<K, ChunkedInputStream> streams = ImmutableMap.builder();
        for (Map.Entry<K, Collection<DiskRange>> entry : diskRanges.asMap().entrySet()) {
            streams.put(entry.getKey(), new ChunkedInputStream(entry.getValue().stream()
                    .map(this::chunkReader)
                    .collect(toImmutableList())));
        }
        return streams.buildOrThrow();
    }

    private ChunkReader chunkReader(DiskRange diskRange)
    {
        return new ChunkReader()
        {
            @Override
            public long getDiskOffset()
            {
                return diskRange.getOffset();
            }

            @Override
            public Slice read()
            {
                return readFully(diskRange.getOffset(), toIntExact(diskRange.getLength()));
            }

            @Override
            public void free()
            {
                // the slice is part of the whole file, which is released on close
            }
        };
    }

    @Override
    public void close()
    {
        data = null;
        memoryUsage.close();
    }

    @Override
    public String toString()
    {
        return id.toString();
    }
}
