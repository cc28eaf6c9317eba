package io.freshet.trino.filesystem;

import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoOutputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import org.apache.iceberg.exceptions.AlreadyExistsException;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.PositionOutputStream;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;

import static java.util.Objects.requireNonNull;

/** An Iceberg output file written through Trino's file system; keeps the location as Iceberg spelled it. */
final class TrinoOutputFileAdapter
        implements OutputFile
{
    private final TrinoFileSystem fileSystem;
    private final TrinoOutputFile file;
    private final String location;

    TrinoOutputFileAdapter(TrinoFileSystem fileSystem, TrinoOutputFile file, String location)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.file = requireNonNull(file, "file is null");
        this.location = requireNonNull(location, "location is null");
    }

    @Override
    public PositionOutputStream create()
    {
        try {
            return new Stream(file.create(AggregatedMemoryContext.newSimpleAggregatedMemoryContext()));
        }
        catch (FileAlreadyExistsException e) {
            throw new AlreadyExistsException(e, "File already exists: %s", location);
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create " + location, e);
        }
    }

    @Override
    public PositionOutputStream createOrOverwrite()
    {
        // object stores overwrite on every write; the local file system replaces the file on create
        try {
            fileSystem.deleteFile(Location.of(location));
        }
        catch (IOException ignored) {
            // absent, or the create below reports the real problem
        }
        return create();
    }

    @Override
    public String location()
    {
        return location;
    }

    @Override
    public InputFile toInputFile()
    {
        return new TrinoInputFileAdapter(fileSystem.newInputFile(Location.of(location)), location, -1);
    }

    private static final class Stream
            extends PositionOutputStream
    {
        private final OutputStream delegate;
        private long position;

        Stream(OutputStream delegate)
        {
            this.delegate = delegate;
        }

        @Override
        public long getPos()
        {
            return position;
        }

        @Override
        public void write(int b)
                throws IOException
        {
            delegate.write(b);
            position++;
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws IOException
        {
            delegate.write(bytes, offset, length);
            position += length;
        }

        @Override
        public void flush()
                throws IOException
        {
            delegate.flush();
        }

        @Override
        public void close()
                throws IOException
        {
            delegate.close();
        }
    }
}
