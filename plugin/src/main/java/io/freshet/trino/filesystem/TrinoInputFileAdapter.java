package io.freshet.trino.filesystem;

import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoInputStream;
import org.apache.iceberg.exceptions.NotFoundException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.SeekableInputStream;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.NoSuchFileException;

import static java.util.Objects.requireNonNull;

/** An Iceberg input file read through Trino's file system; keeps the location as Iceberg spelled it. */
final class TrinoInputFileAdapter
        implements InputFile
{
    private final TrinoInputFile file;
    private final String location;
    private long length;

    TrinoInputFileAdapter(TrinoInputFile file, String location, long length)
    {
        this.file = requireNonNull(file, "file is null");
        this.location = requireNonNull(location, "location is null");
        this.length = length;
    }

    @Override
    public long getLength()
    {
        if (length < 0) {
            try {
                length = file.length();
            }
            catch (IOException e) {
                throw translate(e);
            }
        }
        return length;
    }

    @Override
    public SeekableInputStream newStream()
    {
        try {
            return new Stream(file.newStream());
        }
        catch (IOException e) {
            throw translate(e);
        }
    }

    @Override
    public String location()
    {
        return location;
    }

    @Override
    public boolean exists()
    {
        try {
            return file.exists();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot check whether %s exists".formatted(location), e);
        }
    }

    private RuntimeException translate(IOException e)
    {
        // Iceberg tells a missing file from other failures by this exception, e.g. when it retries a commit
        if (e instanceof FileNotFoundException || e instanceof NoSuchFileException) {
            return new NotFoundException(e, "File does not exist: %s", location);
        }
        return new UncheckedIOException("Cannot read " + location, e);
    }

    private static final class Stream
            extends SeekableInputStream
    {
        private final TrinoInputStream delegate;

        Stream(TrinoInputStream delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public long getPos()
                throws IOException
        {
            return delegate.getPosition();
        }

        @Override
        public void seek(long position)
                throws IOException
        {
            delegate.seek(position);
        }

        @Override
        public int read()
                throws IOException
        {
            return delegate.read();
        }

        @Override
        public int read(byte[] buffer, int offset, int length)
                throws IOException
        {
            return delegate.read(buffer, offset, length);
        }

        @Override
        public long skip(long count)
                throws IOException
        {
            return delegate.skip(count);
        }

        @Override
        public void close()
                throws IOException
        {
            delegate.close();
        }
    }
}
