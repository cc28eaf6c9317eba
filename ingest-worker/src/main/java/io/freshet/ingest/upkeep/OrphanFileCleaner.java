package io.freshet.ingest.upkeep;

import org.apache.iceberg.ManifestContent;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.ManifestFiles;
import org.apache.iceberg.PartitionStatisticsFile;
import org.apache.iceberg.ReachableFileUtil;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.FileInfo;
import org.apache.iceberg.io.SupportsPrefixOperations;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;

import static java.util.Objects.requireNonNull;

/**
 * Deletes files under the table location that no snapshot, manifest or metadata file references and that
 * are older than the retention. Files of a flush or compaction still in progress are skipped whatever
 * their age.
 */
public final class OrphanFileCleaner
{
    private static final Logger log = LoggerFactory.getLogger(OrphanFileCleaner.class);

    private final Table table;
    private final Supplier<Set<String>> inFlightFiles;

    public OrphanFileCleaner(Table table, Supplier<Set<String>> inFlightFiles)
    {
        this.table = requireNonNull(table, "table is null");
        this.inFlightFiles = requireNonNull(inFlightFiles, "inFlightFiles is null");
    }

    public OrphanResult removeOrphans(Duration retention)
    {
        if (!(table.io() instanceof SupportsPrefixOperations files)) {
            throw new UnsupportedOperationException("Orphan cleanup of %s needs to list files, which %s cannot do".formatted(table.name(), table.io().getClass().getSimpleName()));
        }
        long olderThan = System.currentTimeMillis() - retention.toMillis();
        String prefix = table.location().endsWith("/") ? table.location() : table.location() + "/";
        // order matters: list, then note files in flight, then read what is referenced; a file listed
        // here is either still in flight below or committed before the references are read
        List<FileInfo> candidates = new ArrayList<>();
        for (FileInfo file : files.listPrefix(prefix)) {
            if (file.createdAtMillis() < olderThan) {
                candidates.add(file);
            }
        }
        TableLocationGuard guard = new TableLocationGuard(table);
        Set<String> protectedFiles = new HashSet<>();
        inFlightFiles.get().forEach(location -> protectedFiles.add(normalize(location)));
        table.refresh();
        protectedFiles.addAll(referencedFiles());
        long deleted = 0;
        long deletedBytes = 0;
        for (FileInfo file : candidates) {
            if (!protectedFiles.contains(normalize(file.location())) && guard.mayDelete(file.location())) {
                table.io().deleteFile(file.location());
                deleted++;
                deletedBytes += file.size();
                log.debug("Deleted orphan file {} of {}", file.location(), table.name());
            }
        }
        if (deleted > 0) {
            log.info("Deleted {} orphan files ({} bytes) of {}", deleted, deletedBytes, table.name());
        }
        return new OrphanResult(candidates.size(), deleted, deletedBytes);
    }

    private Set<String> referencedFiles()
    {
        FileIO io = table.io();
        Set<String> referenced = new HashSet<>();
        ReachableFileUtil.metadataFileLocations(table, true).forEach(location -> referenced.add(normalize(location)));
        referenced.add(normalize(ReachableFileUtil.versionHintLocation(table)));
        ReachableFileUtil.manifestListLocations(table).forEach(location -> referenced.add(normalize(location)));
        ReachableFileUtil.statisticsFilesLocations(table).forEach(location -> referenced.add(normalize(location)));
        for (PartitionStatisticsFile file : table.partitionStatisticsFiles()) {
            referenced.add(normalize(file.path()));
        }
        Set<String> manifests = new HashSet<>();
        for (Snapshot snapshot : table.snapshots()) {
            for (ManifestFile manifest : snapshot.allManifests(io)) {
                if (!manifests.add(manifest.path())) {
                    continue;
                }
                referenced.add(normalize(manifest.path()));
                try (CloseableIterable<String> paths = manifest.content() == ManifestContent.DATA
                        ? ManifestFiles.readPaths(manifest, io)
                        : CloseableIterable.transform(ManifestFiles.readDeleteManifest(manifest, io, table.specs()), file -> file.location())) {
                    paths.forEach(path -> referenced.add(normalize(path)));
                }
                catch (IOException e) {
                    throw new UncheckedIOException("Cannot read manifest " + manifest.path(), e);
                }
            }
        }
        return referenced;
    }

    /** {@code file:/a}, {@code file:///a} and {@code /a} name the same local file. */
    static String normalize(String location)
    {
        if (location.startsWith("file:")) {
            return URI.create(location.startsWith("file://") && !location.startsWith("file:///") ? "file:///" + location.substring("file://".length()) : location).getPath();
        }
        if (location.startsWith("/")) {
            return location;
        }
        try {
            return URI.create(location).normalize().toString();
        }
        catch (IllegalArgumentException e) {
            return location;
        }
    }

    public record OrphanResult(long filesOlderThanRetention, long deletedFiles, long deletedBytes)
    {
        public static final OrphanResult NONE = new OrphanResult(0, 0, 0);
    }
}
