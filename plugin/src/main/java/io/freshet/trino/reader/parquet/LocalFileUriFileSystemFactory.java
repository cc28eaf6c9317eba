package io.freshet.trino.reader.parquet;

import io.trino.filesystem.FileIterator;
import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.TrinoInputFile;
import io.trino.filesystem.TrinoOutputFile;
import io.trino.filesystem.local.LocalFileSystem;
import io.trino.spi.security.ConnectorIdentity;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Collection;
import java.util.Optional;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * File system for the local disk that accepts the locations Java Iceberg writes: {@code file:/tmp/t/data/x.parquet},
 * {@code file:///tmp/...} and plain {@code /tmp/...}, as well as Trino's own {@code local:///tmp/...}.
 * <p>
 * Trino's {@link LocalFileSystem} only understands the {@code local} scheme and resolves paths against a root
 * directory, so this roots one at {@code /} and rewrites every location to {@code local:///path}. Locations
 * that it returns (listings, temporary directories) use the {@code local} scheme.
 */
public final class LocalFileUriFileSystemFactory
        implements TrinoFileSystemFactory
{
    private final TrinoFileSystem fileSystem = new LocalFileUriFileSystem(new LocalFileSystem(Path.of("/")));

    @Override
    public TrinoFileSystem create(ConnectorIdentity identity)
    {
        return fileSystem;
    }

    static Location toLocalLocation(Location location)
    {
        requireNonNull(location, "location is null");
        Optional<String> scheme = location.scheme();
        if (scheme.isPresent() && scheme.get().equals("local")) {
            return location;
        }
        checkArgument(scheme.isEmpty() || scheme.get().equals("file"), "Not a local file location: %s", location);
        checkArgument(location.host().isEmpty(), "Local file location cannot have a host: %s", location);
        return Location.of("local:///" + location.path());
    }

    private record LocalFileUriFileSystem(TrinoFileSystem delegate)
            implements TrinoFileSystem
    {
        private LocalFileUriFileSystem
        {
            requireNonNull(delegate, "delegate is null");
        }

        @Override
        public TrinoInputFile newInputFile(Location location)
        {
            return delegate.newInputFile(toLocalLocation(location));
        }

        @Override
        public TrinoInputFile newInputFile(Location location, long length)
        {
            return delegate.newInputFile(toLocalLocation(location), length);
        }

        @Override
        public TrinoInputFile newInputFile(Location location, long length, Instant lastModified)
        {
            return delegate.newInputFile(toLocalLocation(location), length, lastModified);
        }

        @Override
        public TrinoOutputFile newOutputFile(Location location)
        {
            return delegate.newOutputFile(toLocalLocation(location));
        }

        @Override
        public void deleteFile(Location location)
                throws IOException
        {
            delegate.deleteFile(toLocalLocation(location));
        }

        @Override
        public void deleteFiles(Collection<Location> locations)
                throws IOException
        {
            delegate.deleteFiles(locations.stream()
                    .map(LocalFileUriFileSystemFactory::toLocalLocation)
                    .collect(toImmutableList()));
        }

        @Override
        public void deleteDirectory(Location location)
                throws IOException
        {
            delegate.deleteDirectory(toLocalLocation(location));
        }

        @Override
        public void renameFile(Location source, Location target)
                throws IOException
        {
            delegate.renameFile(toLocalLocation(source), toLocalLocation(target));
        }

        @Override
        public FileIterator listFiles(Location location)
                throws IOException
        {
            return delegate.listFiles(toLocalLocation(location));
        }

        @Override
        public Optional<Boolean> directoryExists(Location location)
                throws IOException
        {
            return delegate.directoryExists(toLocalLocation(location));
        }

        @Override
        public void createDirectory(Location location)
                throws IOException
        {
            delegate.createDirectory(toLocalLocation(location));
        }

        @Override
        public void renameDirectory(Location source, Location target)
                throws IOException
        {
            delegate.renameDirectory(toLocalLocation(source), toLocalLocation(target));
        }

        @Override
        public Set<Location> listDirectories(Location location)
                throws IOException
        {
            return delegate.listDirectories(toLocalLocation(location));
        }

        @Override
        public Optional<Location> createTemporaryDirectory(Location targetPath, String temporaryPrefix, String relativePrefix)
                throws IOException
        {
            return delegate.createTemporaryDirectory(toLocalLocation(targetPath), temporaryPrefix, relativePrefix);
        }
    }
}
