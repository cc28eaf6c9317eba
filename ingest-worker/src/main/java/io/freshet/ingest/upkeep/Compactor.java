package io.freshet.ingest.upkeep;

import io.freshet.ingest.flush.ParquetFlusher;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.ManifestFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.RewriteFiles;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetReaders;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.exceptions.ValidationException;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.parquet.Parquet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Bin-packs the small data files of each Kafka partition, within each Iceberg partition, into files of the target size, in offset order,
 * and rewrites fragmented manifests. Commits go through Iceberg's rewrite with validation from the
 * planned snapshot: an ingest commit racing it keeps its rows, and a file already rewritten by someone
 * else fails the rewrite instead of coming back. Rewrite commits carry no offset watermark; it is read
 * from the nearest ingest commit, so a rewrite rebased on top of a newer ingest commit cannot move it back.
 */
public final class Compactor
{
    private static final Logger log = LoggerFactory.getLogger(Compactor.class);
    /** Files written by other engines may span Kafka partitions; they are packed together. */
    private static final int MIXED_PARTITIONS = -1;

    private final Table table;
    private final ParquetFlusher writer;

    public Compactor(Table table, ParquetFlusher writer)
    {
        this.table = requireNonNull(table, "table is null");
        this.writer = requireNonNull(writer, "writer is null");
    }

    /**
     * One pass over the current snapshot: per Kafka partition at most one output file's worth of small
     * files, chosen so that a file is rewritten again only once enough newer data joins it.
     */
    public CompactionResult compact(long targetFileSizeBytes, int minInputFiles)
    {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return CompactionResult.NONE;
        }
        long smallFileBytes = targetFileSizeBytes * 3 / 4;
        Map<GroupKey, List<DataFile>> smallFiles = smallFilesByPartition(snapshot, smallFileBytes);
        CompactionResult result = CompactionResult.NONE;
        for (Map.Entry<GroupKey, List<DataFile>> entry : smallFiles.entrySet()) {
            List<DataFile> group = selectGroup(entry.getValue(), targetFileSizeBytes);
            if (group.size() >= minInputFiles) {
                result = result.plus(rewrite(snapshot.snapshotId(), entry.getKey().kafkaPartition(), group, targetFileSizeBytes));
            }
        }
        return result;
    }

    /** Rewrites the manifests of the current snapshot into fewer when there are more than {@code maxManifests}. */
    public int rewriteManifests(int maxManifests)
    {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return 0;
        }
        List<ManifestFile> manifests = snapshot.allManifests(table.io());
        if (manifests.size() <= maxManifests) {
            return 0;
        }
        table.rewriteManifests()
                .clusterBy(_ -> "all")
                .set("freshet.maintenance", "rewrite-manifests")
                .commit();
        log.info("Rewrote {} manifests of {}", manifests.size(), table.name());
        return manifests.size();
    }

    /**
     * Small files by Kafka partition and Iceberg partition (spec and partition values): a rewrite never merges
     * rows of two Iceberg partitions, so its output keeps its inputs' partition and their tight offset ranges.
     */
    private Map<GroupKey, List<DataFile>> smallFilesByPartition(Snapshot snapshot, long smallFileBytes)
    {
        Map<GroupKey, List<DataFile>> files = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshot.snapshotId()).includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                if (!task.deletes().isEmpty() || file.fileSizeInBytes() >= smallFileBytes) {
                    continue;
                }
                int kafkaPartition = KafkaMetadataColumns.kafkaPartition(table.schema(), file).orElse(MIXED_PARTITIONS);
                PartitionSpec spec = table.specs().get(file.specId());
                files.computeIfAbsent(new GroupKey(kafkaPartition, file.specId(), spec.partitionToPath(file.partition())), _ -> new ArrayList<>()).add(file);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot plan compaction of " + table.name(), e);
        }
        return files;
    }

    /**
     * Smallest files first, then each next file only while it is at most twice the bytes chosen so far:
     * a large earlier output waits until enough new small files join it, so every byte is rewritten a
     * logarithmic number of times rather than once per pass.
     */
    private static List<DataFile> selectGroup(List<DataFile> candidates, long targetFileSizeBytes)
    {
        List<DataFile> bySize = new ArrayList<>(candidates);
        bySize.sort(Comparator.comparingLong(DataFile::fileSizeInBytes));
        List<DataFile> group = new ArrayList<>();
        long bytes = 0;
        for (DataFile file : bySize) {
            if (!group.isEmpty() && (file.fileSizeInBytes() > 2 * bytes || bytes + file.fileSizeInBytes() > targetFileSizeBytes * 2)) {
                break;
            }
            group.add(file);
            bytes += file.fileSizeInBytes();
        }
        return group;
    }

    private CompactionResult rewrite(long snapshotId, int kafkaPartition, List<DataFile> inputs, long targetFileSizeBytes)
    {
        long started = System.nanoTime();
        List<DataFile> ordered = new ArrayList<>(inputs);
        ordered.sort(Comparator.comparingLong(file -> KafkaMetadataColumns.minOffset(table.schema(), file).orElse(Long.MIN_VALUE)));
        List<DataFile> outputs = new ArrayList<>();
        try {
            writeOutputs(kafkaPartition, ordered, targetFileSizeBytes, outputs);
        }
        catch (RuntimeException e) {
            writer.discard(outputs);
            throw e;
        }
        RewriteFiles rewrite = table.newRewrite()
                .validateFromSnapshot(snapshotId)
                .rewriteFiles(new HashSet<>(inputs), new HashSet<>(outputs))
                .set("freshet.maintenance", "compaction");
        try {
            rewrite.commit();
        }
        catch (ValidationException e) {
            writer.discard(outputs);
            log.info("Compaction of {} partition {} skipped: its files changed meanwhile ({})", table.name(), kafkaPartition, e.getMessage());
            return CompactionResult.NONE;
        }
        catch (CommitStateUnknownException e) {
            // the files may be committed: keep them; orphan cleanup removes them if they are not
            writer.release(outputs);
            throw e;
        }
        catch (RuntimeException e) {
            writer.discard(outputs);
            throw e;
        }
        writer.release(outputs);
        long bytesRead = inputs.stream().mapToLong(DataFile::fileSizeInBytes).sum();
        long bytesWritten = outputs.stream().mapToLong(DataFile::fileSizeInBytes).sum();
        long rows = outputs.stream().mapToLong(DataFile::recordCount).sum();
        long nanos = System.nanoTime() - started;
        log.info("Compacted {} files ({} bytes) of {} partition {} into {} files ({} bytes, {} rows) in {} ms",
                inputs.size(), bytesRead, table.name(), kafkaPartition, outputs.size(), bytesWritten, rows, nanos / 1_000_000);
        return new CompactionResult(1, inputs.size(), outputs.size(), bytesRead, bytesWritten, rows, nanos);
    }

    private void writeOutputs(int kafkaPartition, List<DataFile> ordered, long targetFileSizeBytes, List<DataFile> outputs)
    {
        Schema schema = table.schema();
        DataWriter<Record> output = null;
        String outputLocation = null;
        try {
            for (DataFile input : ordered) {
                try (CloseableIterable<Record> rows = Parquet.read(table.io().newInputFile(input.location()))
                        .project(schema)
                        .createReaderFunc(fileSchema -> GenericParquetReaders.buildReader(schema, fileSchema))
                        .reuseContainers()
                        .build()) {
                    for (Record row : rows) {
                        if (output == null) {
                            PartitionSpec spec = table.specs().get(input.specId());
                            outputLocation = writer.newLocation(Math.max(kafkaPartition, 0), spec, input.partition());
                            output = writer.newDataFile(outputLocation, spec, input.partition());
                        }
                        output.write(row);
                        if (output.length() >= targetFileSizeBytes) {
                            output.close();
                            outputs.add(output.toDataFile());
                            output = null;
                        }
                    }
                }
            }
            if (output != null) {
                output.close();
                outputs.add(output.toDataFile());
                output = null;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot compact files of " + table.name(), e);
        }
        finally {
            if (output != null) {
                try {
                    output.close();
                }
                catch (IOException | RuntimeException ignored) {
                    // deleted below either way
                }
                writer.discard(outputLocation);
            }
        }
    }

    private record GroupKey(int kafkaPartition, int specId, String partition)
            implements Comparable<GroupKey>
    {
        @Override
        public int compareTo(GroupKey other)
        {
            return Comparator.comparingInt(GroupKey::kafkaPartition)
                    .thenComparingInt(GroupKey::specId)
                    .thenComparing(GroupKey::partition)
                    .compare(this, other);
        }
    }

    /** What compaction did: groups rewritten, files in and out, bytes read and written, and time spent. */
    public record CompactionResult(int groups, int inputFiles, int outputFiles, long bytesRead, long bytesWritten, long rows, long nanos)
    {
        public static final CompactionResult NONE = new CompactionResult(0, 0, 0, 0, 0, 0, 0);

        public CompactionResult plus(CompactionResult other)
        {
            return new CompactionResult(groups + other.groups, inputFiles + other.inputFiles, outputFiles + other.outputFiles,
                    bytesRead + other.bytesRead, bytesWritten + other.bytesWritten, rows + other.rows, nanos + other.nanos);
        }
    }
}
