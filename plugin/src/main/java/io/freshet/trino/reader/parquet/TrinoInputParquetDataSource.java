package io.freshet.trino.reader.parquet;

import io.airlift.slice.Slice;
import io.trino.filesystem.TrinoInput;
import io.trino.filesystem.TrinoInputFile;
import io.trino.parquet.AbstractParquetDataSource;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.ParquetReaderOptions;

import java.io.IOException;

/**
 * Reads a Parquet file through a {@link TrinoInput}; {@link AbstractParquetDataSource} plans the reads
 * (merging nearby column chunks) and counts bytes and read time.
 */
final class TrinoInputParquetDataSource
        extends AbstractParquetDataSource
{
    private final TrinoInput input;

    TrinoInputParquetDataSource(TrinoInputFile inputFile, long fileSize, ParquetReaderOptions options)
            throws IOException
    {
        super(new ParquetDataSourceId(inputFile.location().toString()), fileSize, options);
        this.input = inputFile.newInput();
    }

    @Override
    protected Slice readTailInternal(int length)
            throws IOException
    {
        return input.readTail(length);
    }

    @Override
    protected void readInternal(long position, byte[] buffer, int bufferOffset, int bufferLength)
            throws IOException
    {
        input.readFully(position, buffer, bufferOffset, bufferLength);
    }

    @Override
    public void close()
            throws IOException
    {
        input.close();
    }
}
