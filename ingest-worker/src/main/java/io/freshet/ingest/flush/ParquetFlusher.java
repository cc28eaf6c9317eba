package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.flush.parquet.ArrowParquetWriter;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Writes hot batches to Parquet data files, one file per Kafka partition and Iceberg partition per flush, so
 * that each file prunes on the table's partition values and, by its column statistics, on {@code _partition_id}
 * and on offset ranges. Compaction writes rows through
 * {@link #newDataFile}, Iceberg's generic writer.
 */
public final class ParquetFlusher
{
    private final Table table;
    private final InFlightFiles inFlightFiles;
    private final FlushThrottle throttle;

    public ParquetFlusher(Table table, InFlightFiles inFlightFiles)
    {
        this(table, inFlightFiles, FlushThrottle.unlimited());
    }

    /** @param throttle paces the writing of hot batches; used by one thread at a time */
    public ParquetFlusher(Table table, InFlightFiles inFlightFiles, FlushThrottle throttle)
    {
        this.table = requireNonNull(table, "table is null");
        this.inFlightFiles = requireNonNull(inFlightFiles, "inFlightFiles is null");
        this.throttle = requireNonNull(throttle, "throttle is null");
    }

    /**
     * Writes the batches' rows: one file per Kafka partition, Iceberg partition of the table's current spec and
     * schema the batches were decoded with (each file is written with its batches' own field ids), rows in
     * offset order, so each file's column statistics keep a tight {@code _partition_offset} range.
     */
    public List<DataFile> write(List<HotBatch> batches)
    {
        return writeByPartition(batches).values().stream().flatMap(List::stream).toList();
    }

    /** Writes the files of each Kafka partition with rows (one per Iceberg partition and schema), keyed by the Kafka partition. */
    public Map<Integer, List<DataFile>> writeByPartition(List<HotBatch> batches)
    {
        Map<Integer, List<HotBatch>> byPartition = new TreeMap<>();
        for (HotBatch batch : batches) {
            if (batch.rowCount() > 0) {
                byPartition.computeIfAbsent(batch.partition(), _ -> new ArrayList<>()).add(batch);
            }
        }
        PartitionRows partitionRows = new PartitionRows(table.spec());
        Map<Integer, List<DataFile>> files = new TreeMap<>();
        try {
            for (Map.Entry<Integer, List<HotBatch>> entry : byPartition.entrySet()) {
                List<DataFile> written = new ArrayList<>();
                files.put(entry.getKey(), written);
                writeFiles(entry.getKey(), entry.getValue(), partitionRows, written);
            }
        }
        catch (RuntimeException e) {
            // the files were never committed: remove them now rather than leave them to orphan cleanup
            files.values().forEach(written -> written.forEach(file -> deleteQuietly(file.location())));
            throw e;
        }
        return files;
    }

    /**
     * Opens a new data file for the rows of one Kafka partition, registered as in flight until the caller
     * commits or deletes it.
     */
    public DataWriter<Record> newDataFile(String location)
    {
        return newDataFile(location, PartitionSpec.unpartitioned(), null);
    }

    /** Like {@link #newDataFile(String)}, for rows of one partition of {@code spec}. */
    public DataWriter<Record> newDataFile(String location, PartitionSpec spec, StructLike partition)
    {
        inFlightFiles.add(location);
        OutputFile output = table.io().newOutputFile(location);
        try {
            return Parquet.writeData(output)
                    .forTable(table)
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(spec)
                    .withPartition(spec.isPartitioned() ? partition : null)
                    .overwrite()
                    .build();
        }
        catch (IOException e) {
            inFlightFiles.remove(location);
            throw new UncheckedIOException("Cannot create data file " + location, e);
        }
    }

    /** A new data file location for rows of one Kafka partition; its name starts with the partition. */
    public String newLocation(int partition)
    {
        return table.locationProvider().newDataLocation("%05d-%s.parquet".formatted(partition, UUID.randomUUID()));
    }

    /** Deletes files that were written but will not be committed. */
    public void discard(List<DataFile> files)
    {
        files.forEach(file -> discard(file.location()));
    }

    /** Deletes a file that was written but will not be committed. */
    public void discard(String location)
    {
        deleteQuietly(location);
    }

    /** Forgets files once they are committed, or once their fate is left to orphan cleanup. */
    public void release(List<DataFile> files)
    {
        files.forEach(file -> inFlightFiles.remove(file.location()));
    }

    /** Writes the rows of one Kafka partition column by column, straight from the hot batches' vectors. */
    private void writeFiles(int partition, List<HotBatch> batches, PartitionRows partitionRows, List<DataFile> files)
    {
        PartitionSpec spec = partitionRows.spec();
        Map<FileKey, OpenFile> open = new LinkedHashMap<>();
        try {
            for (HotBatch batch : batches) {
                if (!spec.isPartitioned()) {
                    open(open, new FileKey(batch.schema().schemaId(), null), batch, partition, spec)
                            .writer().write(batch.root(), batch.rowCount());
                    continue;
                }
                for (Map.Entry<PartitionRows.Partition, int[]> rows : partitionRows.rows(batch).entrySet()) {
                    open(open, new FileKey(batch.schema().schemaId(), rows.getKey()), batch, partition, spec)
                            .writer().write(batch.root(), rows.getValue(), rows.getValue().length);
                }
            }
            for (OpenFile file : List.copyOf(open.values())) {
                files.add(file.writer().close(spec, file.key().partition() == null ? null : file.key().partition().toStruct()));
                open.remove(file.key());
            }
        }
        catch (RuntimeException e) {
            for (OpenFile file : open.values()) {
                file.writer().abort();
                deleteQuietly(file.location());
            }
            throw e;
        }
    }

    private OpenFile open(Map<FileKey, OpenFile> open, FileKey key, HotBatch batch, int partition, PartitionSpec spec)
    {
        OpenFile file = open.get(key);
        if (file != null) {
            return file;
        }
        String location = key.partition() == null ? newLocation(partition) : newLocation(partition, spec, key.partition().toStruct());
        inFlightFiles.add(location);
        try {
            ArrowParquetWriter writer = new ArrowParquetWriter(batch.schema(), table.properties(), MetricsConfig.forTable(table), table.io().newOutputFile(location), throttle::pace);
            file = new OpenFile(key, location, writer);
        }
        catch (RuntimeException e) {
            deleteQuietly(location);
            throw e;
        }
        open.put(key, file);
        return file;
    }

    /** A new data file location for rows of one Kafka partition in one Iceberg partition. */
    public String newLocation(int partition, PartitionSpec spec, StructLike partitionValues)
    {
        if (!spec.isPartitioned()) {
            return newLocation(partition);
        }
        return table.locationProvider().newDataLocation(spec, partitionValues, "%05d-%s.parquet".formatted(partition, UUID.randomUUID()));
    }

    private record FileKey(int schemaId, PartitionRows.Partition partition) {}

    private record OpenFile(FileKey key, String location, ArrowParquetWriter writer) {}

    private void deleteQuietly(String location)
    {
        try {
            table.io().deleteFile(location);
            inFlightFiles.remove(location);
        }
        catch (RuntimeException ignored) {
            // a leftover stays protected until orphan cleanup finds it after this process is gone
        }
    }
}
