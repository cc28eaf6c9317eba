package io.freshet.ingest.catalog;

import org.apache.iceberg.Files;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.stream.Stream;

/**
 * Iceberg FileIO for the local file system without Hadoop: Hadoop's file system calls
 * {@code Subject.getSubject}, which throws on JDK 23 and later.
 */
public class LocalFileIO
        implements SupportsPrefixOperations, SupportsBulkOperations
{
    @Override
    public InputFile newInputFile(String location)
    {
        return new LocalInputFile(location, Files.localInput(toPath(location).toFile()));
    }

    @Override
    public OutputFile newOutputFile(String location)
    {
        Path path = toPath(location);
        try {
            java.nio.file.Files.createDirectories(path.getParent());
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create directory for " + location, e);
        }
        return new LocalOutputFile(location, Files.localOutput(path.toFile()));
    }

    @Override
    public void deleteFile(String location)
    {
        try {
            java.nio.file.Files.deleteIfExists(toPath(location));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + location, e);
        }
    }

    @Override
    public void deleteFiles(Iterable<String> locations)
            throws BulkDeletionFailureException
    {
        int failures = 0;
        for (String location : locations) {
            try {
                deleteFile(location);
            }
            catch (UncheckedIOException e) {
                failures++;
            }
        }
        if (failures > 0) {
            throw new BulkDeletionFailureException(failures);
        }
    }

    @Override
    public Iterable<FileInfo> listPrefix(String prefix)
    {
        Path root = toPath(prefix);
        if (!java.nio.file.Files.isDirectory(root)) {
            return java.util.List.of();
        }
        try (Stream<Path> files = java.nio.file.Files.walk(root)) {
            return files.filter(java.nio.file.Files::isRegularFile)
                    .map(LocalFileIO::fileInfo)
                    .toList();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot list " + prefix, e);
        }
    }

    @Override
    public void deletePrefix(String prefix)
    {
        Path root = toPath(prefix);
        if (!java.nio.file.Files.exists(root)) {
            return;
        }
        try (Stream<Path> files = java.nio.file.Files.walk(root)) {
            for (Path path : files.sorted(java.util.Comparator.reverseOrder()).toList()) {
                java.nio.file.Files.deleteIfExists(path);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + prefix, e);
        }
    }

    private static FileInfo fileInfo(Path path)
    {
        try {
            BasicFileAttributes attributes = java.nio.file.Files.readAttributes(path, BasicFileAttributes.class);
            return new FileInfo(path.toUri().toString(), attributes.size(), attributes.lastModifiedTime().toMillis());
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Path toPath(String location)
    {
        if (location.startsWith("file:")) {
            return Paths.get(URI.create(location.startsWith("file:///") || !location.startsWith("file://") ? location : "file:///" + location.substring("file://".length())));
        }
        return Paths.get(location);
    }

    /** Keeps the location as the caller spelled it, which Iceberg records in metadata. */
    private record LocalOutputFile(String location, OutputFile delegate)
            implements OutputFile
    {
        @Override
        public org.apache.iceberg.io.PositionOutputStream create()
        {
            return delegate.create();
        }

        @Override
        public org.apache.iceberg.io.PositionOutputStream createOrOverwrite()
        {
            return delegate.createOrOverwrite();
        }

        @Override
        public InputFile toInputFile()
        {
            return new LocalInputFile(location, delegate.toInputFile());
        }
    }

    /** Keeps the location as the caller spelled it: catalogs compare metadata locations as strings. */
    private record LocalInputFile(String location, InputFile delegate)
            implements InputFile
    {
        @Override
        public long getLength()
        {
            return delegate.getLength();
        }

        @Override
        public org.apache.iceberg.io.SeekableInputStream newStream()
        {
            return delegate.newStream();
        }

        @Override
        public boolean exists()
        {
            return delegate.exists();
        }
    }
}
