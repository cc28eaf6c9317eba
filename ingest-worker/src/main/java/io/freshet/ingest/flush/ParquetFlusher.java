package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.flush.parquet.ArrowParquetWriter;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.Parquet;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * Writes hot batches to Parquet data files, one file per Kafka partition per flush, so that each file's
 * column statistics prune on {@code _partition_id} and on offset ranges. Compaction writes rows through
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

    public List<DataFile> write(List<HotBatch> batches)
    {
        return List.copyOf(writeByPartition(batches).values());
    }

    /** Writes one file per Kafka partition with rows, keyed by the partition. */
    public Map<Integer, DataFile> writeByPartition(List<HotBatch> batches)
    {
        Map<Integer, List<HotBatch>> byPartition = new TreeMap<>();
        for (HotBatch batch : batches) {
            if (batch.rowCount() > 0) {
                byPartition.computeIfAbsent(batch.partition(), _ -> new ArrayList<>()).add(batch);
            }
        }
        Map<Integer, DataFile> files = new TreeMap<>();
        try {
            for (Map.Entry<Integer, List<HotBatch>> entry : byPartition.entrySet()) {
                files.put(entry.getKey(), writeFile(entry.getKey(), entry.getValue()));
            }
        }
        catch (RuntimeException e) {
            // the files were never committed: remove them now rather than leave them to orphan cleanup
            files.values().forEach(file -> deleteQuietly(file.location()));
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
        inFlightFiles.add(location);
        OutputFile output = table.io().newOutputFile(location);
        try {
            return Parquet.writeData(output)
                    .forTable(table)
                    .schema(table.schema())
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(PartitionSpec.unpartitioned())
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
    private DataFile writeFile(int partition, List<HotBatch> batches)
    {
        String location = newLocation(partition);
        inFlightFiles.add(location);
        ArrowParquetWriter writer;
        try {
            writer = new ArrowParquetWriter(table.schema(), table.properties(), MetricsConfig.forTable(table), table.io().newOutputFile(location), throttle);
        }
        catch (RuntimeException e) {
            deleteQuietly(location);
            throw e;
        }
        try {
            for (HotBatch batch : batches) {
                writer.write(batch.root(), batch.rowCount());
            }
            return writer.close();
        }
        catch (RuntimeException e) {
            writer.abort();
            deleteQuietly(location);
            throw e;
        }
    }

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
