package io.freshet.ingest.flush;

import io.freshet.ingest.buffer.HotBatch;
import org.apache.arrow.vector.FieldVector;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.GenericRecord;
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

/**
 * Writes hot batches to Parquet data files, one file per Kafka partition per flush, so that each file's
 * column statistics prune on {@code _partition_id} and on offset ranges.
 */
public final class ParquetFlusher
{
    private final Table table;

    public ParquetFlusher(Table table)
    {
        this.table = table;
    }

    public List<DataFile> write(List<HotBatch> batches)
    {
        Map<Integer, List<HotBatch>> byPartition = new TreeMap<>();
        for (HotBatch batch : batches) {
            if (batch.rowCount() > 0) {
                byPartition.computeIfAbsent(batch.partition(), _ -> new ArrayList<>()).add(batch);
            }
        }
        List<DataFile> files = new ArrayList<>();
        try {
            for (Map.Entry<Integer, List<HotBatch>> entry : byPartition.entrySet()) {
                files.add(writeFile(entry.getKey(), entry.getValue()));
            }
        }
        catch (RuntimeException e) {
            // the files were never committed: remove them now rather than leave them to orphan cleanup
            files.forEach(file -> deleteQuietly(file.location()));
            throw e;
        }
        return files;
    }

    private DataFile writeFile(int partition, List<HotBatch> batches)
    {
        Schema schema = table.schema();
        String fileName = "%05d-%s.parquet".formatted(partition, UUID.randomUUID());
        OutputFile output = table.io().newOutputFile(table.locationProvider().newDataLocation(fileName));
        DataWriter<GenericRecord> writer;
        try {
            writer = Parquet.writeData(output)
                    .forTable(table)
                    .schema(schema)
                    .createWriterFunc(GenericParquetWriter::create)
                    .withSpec(PartitionSpec.unpartitioned())
                    .overwrite()
                    .build();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create data file " + output.location(), e);
        }
        try (writer) {
            GenericRecord record = GenericRecord.create(schema);
            for (HotBatch batch : batches) {
                List<FieldVector> vectors = batch.root().getFieldVectors();
                for (int row = 0; row < batch.rowCount(); row++) {
                    ArrowRows.readRow(vectors, schema.asStruct(), row, record);
                    writer.write(record);
                }
            }
        }
        catch (IOException e) {
            deleteQuietly(output.location());
            throw new UncheckedIOException("Cannot write data file " + output.location(), e);
        }
        catch (RuntimeException e) {
            deleteQuietly(output.location());
            throw e;
        }
        DataFile file = writer.toDataFile();
        if (file.format() != FileFormat.PARQUET) {
            throw new IllegalStateException("Unexpected file format " + file.format());
        }
        return file;
    }

    private void deleteQuietly(String location)
    {
        try {
            table.io().deleteFile(location);
        }
        catch (RuntimeException ignored) {
            // a leftover is removed by orphan cleanup
        }
    }
}
