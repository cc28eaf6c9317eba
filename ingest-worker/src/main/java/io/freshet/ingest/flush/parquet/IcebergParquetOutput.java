package io.freshet.ingest.flush.parquet;

import org.apache.parquet.io.DelegatingPositionOutputStream;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

import java.io.IOException;

import static java.util.Objects.requireNonNull;

/** An Iceberg output file seen as a Parquet output file, so that files are written through the table's FileIO and no Hadoop file system. */
final class IcebergParquetOutput
        implements OutputFile
{
    private final org.apache.iceberg.io.OutputFile file;

    IcebergParquetOutput(org.apache.iceberg.io.OutputFile file)
    {
        this.file = requireNonNull(file, "file is null");
    }

    @Override
    public PositionOutputStream create(long blockSizeHint)
    {
        return new Stream(file.create());
    }

    @Override
    public PositionOutputStream createOrOverwrite(long blockSizeHint)
    {
        return new Stream(file.createOrOverwrite());
    }

    @Override
    public boolean supportsBlockSize()
    {
        return false;
    }

    @Override
    public long defaultBlockSize()
    {
        return 0;
    }

    @Override
    public String getPath()
    {
        return file.location();
    }

    /** Parquet asks the position of the stream it writes; Iceberg's stream knows it. */
    private static final class Stream
            extends DelegatingPositionOutputStream
    {
        private final org.apache.iceberg.io.PositionOutputStream delegate;

        private Stream(org.apache.iceberg.io.PositionOutputStream delegate)
        {
            super(delegate);
            this.delegate = delegate;
        }

        @Override
        public long getPos()
                throws IOException
        {
            return delegate.getPos();
        }
    }
}
