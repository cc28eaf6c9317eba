package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableList;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.reader.ParquetReader;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.metrics.Metrics;
import io.trino.spi.type.Type;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.OptionalLong;
import java.util.stream.IntStream;

import static com.google.common.base.Preconditions.checkArgument;
import static io.freshet.trino.reader.parquet.ParquetFileErrorCode.FRESHET_PARQUET_BAD_DATA;
import static io.freshet.trino.reader.parquet.ParquetFileErrorCode.FRESHET_PARQUET_CURSOR_ERROR;
import static java.util.Objects.requireNonNull;

/**
 * Pages of one split of an Iceberg Parquet data file, decoded by Trino's {@link ParquetReader}.
 */
final class ParquetFilePageSource
        implements ConnectorPageSource
{
    private final ParquetReader parquetReader;
    private final List<Type> types;
    private final int[] readerChannels;
    // the reader already returns the requested columns in order: pass its pages through untouched
    private final boolean passThrough;

    private boolean closed;
    private long completedPositions;

    /**
     * @param types the types of the requested columns
     * @param readerChannels for each requested column, its channel in the reader's pages, or {@link ColumnMappingSourcePage#NULL_COLUMN}
     */
    ParquetFilePageSource(ParquetReader parquetReader, List<Type> types, int[] readerChannels)
    {
        this.parquetReader = requireNonNull(parquetReader, "parquetReader is null");
        this.types = ImmutableList.copyOf(requireNonNull(types, "types is null"));
        this.readerChannels = requireNonNull(readerChannels, "readerChannels is null").clone();
        checkArgument(types.size() == readerChannels.length, "types and readerChannels differ in size");
        this.passThrough = readerChannels.length == parquetReader.getColumnFields().size() &&
                IntStream.range(0, readerChannels.length).allMatch(channel -> readerChannels[channel] == channel);
    }

    @Override
    public long getCompletedBytes()
    {
        return parquetReader.getDataSource().getReadBytes();
    }

    @Override
    public OptionalLong getCompletedPositions()
    {
        return OptionalLong.of(completedPositions);
    }

    @Override
    public long getReadTimeNanos()
    {
        return parquetReader.getDataSource().getReadTimeNanos();
    }

    @Override
    public boolean isFinished()
    {
        return closed;
    }

    @Override
    public SourcePage getNextSourcePage()
    {
        if (closed) {
            return null;
        }
        SourcePage page;
        try {
            page = parquetReader.nextPage();
        }
        catch (IOException | RuntimeException e) {
            closeSuppressing(e);
            throw handleException(parquetReader.getDataSource().getId(), e);
        }
        if (page == null) {
            close();
            return null;
        }
        completedPositions += page.getPositionCount();
        if (passThrough) {
            return page;
        }
        return new ColumnMappingSourcePage(page, readerChannels, types);
    }

    @Override
    public long getMemoryUsage()
    {
        return parquetReader.getMemoryContext().getBytes();
    }

    @Override
    public Metrics getMetrics()
    {
        return parquetReader.getMetrics();
    }

    @Override
    public void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // also closes the data source
            parquetReader.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void closeSuppressing(Throwable failure)
    {
        try {
            close();
        }
        catch (RuntimeException e) {
            if (e != failure) {
                failure.addSuppressed(e);
            }
        }
    }

    static TrinoException handleException(ParquetDataSourceId dataSourceId, Exception exception)
    {
        if (exception instanceof TrinoException trinoException) {
            return trinoException;
        }
        if (exception instanceof ParquetCorruptionException) {
            return new TrinoException(FRESHET_PARQUET_BAD_DATA, exception);
        }
        return new TrinoException(FRESHET_PARQUET_CURSOR_ERROR, storageFailureMessage(dataSourceId.toString(), exception), exception);
    }

    /**
     * A data file that cannot be read: committed rows live only in storage, so a query that needs them fails (after
     * the file system's own retries) instead of returning fewer rows; rows not yet committed are answered from memory.
     */
    static String storageFailureMessage(String path, Exception exception)
    {
        return ("Cannot read data file %s from storage: %s. Committed rows are read from storage, so this query needs it; "
                + "rows not yet committed are answered from memory. Run the query again once storage is reachable; if it stays unreachable, check the catalog's fs.* and s3.* settings")
                .formatted(path, exception.getMessage());
    }
}
