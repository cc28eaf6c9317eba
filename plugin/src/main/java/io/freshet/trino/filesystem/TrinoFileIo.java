package io.freshet.trino.filesystem;

import io.trino.filesystem.FileEntry;
import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import org.apache.iceberg.io.BulkDeletionFailureException;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.InputFile;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.io.SupportsBulkOperations;
import org.apache.iceberg.io.SupportsPrefixOperations;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;

import static java.util.Objects.requireNonNull;

/**
 * Iceberg's file access over Trino's file system, so that everything Freshet writes and reads (data files,
 * manifests, table metadata, upkeep) uses the storage and credentials configured with Trino's {@code fs.*},
 * {@code s3.*} and {@code local.*} properties, as Trino's Iceberg connector does.
 */
public final class TrinoFileIo
        implements SupportsPrefixOperations, SupportsBulkOperations
{
    private static final int DELETE_BATCH_SIZE = 1000;

    private final TrinoFileSystem fileSystem;
    private final Map<String, String> properties;

    public TrinoFileIo(TrinoFileSystem fileSystem, Map<String, String> properties)
    {
        this.fileSystem = requireNonNull(fileSystem, "fileSystem is null");
        this.properties = Map.copyOf(requireNonNull(properties, "properties is null"));
    }

    @Override
    public InputFile newInputFile(String path)
    {
        return new TrinoInputFileAdapter(fileSystem.newInputFile(Location.of(path)), path, -1);
    }

    @Override
    public InputFile newInputFile(String path, long length)
    {
        return new TrinoInputFileAdapter(fileSystem.newInputFile(Location.of(path), length), path, length);
    }

    @Override
    public OutputFile newOutputFile(String path)
    {
        return new TrinoOutputFileAdapter(fileSystem, fileSystem.newOutputFile(Location.of(path)), path);
    }

    @Override
    public void deleteFile(String path)
    {
        try {
            fileSystem.deleteFile(Location.of(path));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + path, e);
        }
    }

    @Override
    public void deleteFiles(Iterable<String> paths)
            throws BulkDeletionFailureException
    {
        List<Location> batch = new ArrayList<>();
        int failed = 0;
        for (String path : paths) {
            batch.add(Location.of(path));
            if (batch.size() == DELETE_BATCH_SIZE) {
                failed += deleteBatch(batch);
                batch.clear();
            }
        }
        failed += deleteBatch(batch);
        if (failed > 0) {
            throw new BulkDeletionFailureException(failed);
        }
    }

    private int deleteBatch(List<Location> batch)
    {
        if (batch.isEmpty()) {
            return 0;
        }
        try {
            fileSystem.deleteFiles(batch);
            return 0;
        }
        catch (IOException e) {
            return batch.size();
        }
    }

    @Override
    public Iterable<FileInfo> listPrefix(String prefix)
    {
        Location root = Location.of(prefix);
        return () -> {
            try {
                return new FileInfoIterator(fileSystem.listFiles(root), prefix, root.toString());
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + prefix, e);
            }
        };
    }

    @Override
    public void deletePrefix(String prefix)
    {
        try {
            fileSystem.deleteDirectory(Location.of(prefix));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot delete " + prefix, e);
        }
    }

    @Override
    public Map<String, String> properties()
    {
        return properties;
    }

    /**
     * Listed files spelled as the prefix spells them: Trino's local file system answers {@code local:///a} for
     * {@code file:///a}, and orphan cleanup compares listed names with the names in table metadata.
     */
    private static final class FileInfoIterator
            implements Iterator<FileInfo>
    {
        private final FileIterator files;
        private final String prefix;
        private final String listedPrefix;

        FileInfoIterator(FileIterator files, String prefix, String listedPrefix)
        {
            this.files = files;
            this.prefix = prefix;
            this.listedPrefix = listedPrefix;
        }

        @Override
        public boolean hasNext()
        {
            try {
                return files.hasNext();
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + prefix, e);
            }
        }

        @Override
        public FileInfo next()
        {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            try {
                FileEntry entry = files.next();
                return new FileInfo(spelledAsPrefix(entry.location().toString()), entry.length(), entry.lastModified().toEpochMilli());
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot list " + prefix, e);
            }
        }

        private String spelledAsPrefix(String location)
        {
            if (location.startsWith(listedPrefix)) {
                return location;
            }
            int schemeEnd = location.indexOf(':');
            int prefixSchemeEnd = prefix.indexOf(':');
            if (schemeEnd > 0 && prefixSchemeEnd > 0 && location.substring(schemeEnd).startsWith(prefix.substring(prefixSchemeEnd))) {
                return prefix.substring(0, prefixSchemeEnd) + location.substring(schemeEnd);
            }
            return location;
        }
    }
}
