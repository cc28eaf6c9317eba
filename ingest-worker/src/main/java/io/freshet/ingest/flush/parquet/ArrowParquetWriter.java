package io.freshet.ingest.flush.parquet;

import io.freshet.ingest.flush.parquet.LeafColumns.Leaf;
import io.freshet.ingest.flush.parquet.LeafColumns.RowWriter;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataFiles;
import org.apache.iceberg.FileFormat;
import org.apache.iceberg.Metrics;
import org.apache.iceberg.MetricsConfig;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.SchemaParser;
import org.apache.iceberg.StructLike;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.io.OutputFile;
import org.apache.iceberg.parquet.ParquetSchemaUtil;
import org.apache.iceberg.parquet.ParquetUtil;
import org.apache.iceberg.types.Type;
import org.apache.parquet.bytes.HeapByteBufferAllocator;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.column.ColumnWriteStore;
import org.apache.parquet.column.ParquetProperties;
import org.apache.parquet.compression.CompressionCodecFactory.BytesInputCompressor;
import org.apache.parquet.hadoop.ColumnChunkPageWriteStore;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.metadata.ParquetMetadata;
import org.apache.parquet.schema.MessageType;
import org.apache.iceberg.util.PropertyUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;

import static java.util.Objects.requireNonNull;

/**
 * Writes Arrow record batches to one Parquet data file column by column, with Iceberg's field ids and the column
 * statistics Iceberg keeps in its manifests, without building a row object per record. Rows go in slices: every
 * leaf column takes a slice of rows in turn, so pages and row groups end on row boundaries as Parquet requires.
 * Dictionary encoding is used only for columns whose first values repeat, so that high-cardinality text is not
 * hashed for nothing. Files go through the table's FileIO, and pages are compressed without Hadoop's codecs.
 */
public final class ArrowParquetWriter
{
    private static final int SLICE_ROWS = 1024;
    private static final int DICTIONARY_SAMPLE = 2048;
    private static final int COLUMN_INDEX_TRUNCATE_LENGTH = 64;

    private final Schema schema;
    private final String location;
    private final MetricsConfig metricsConfig;
    // runs after each slice of rows: a flush's CPU limit sleeps there
    private final Runnable pace;
    private final MessageType parquetSchema;
    private final List<ColumnDescriptor> columns;
    private final long rowGroupSize;
    private final BytesInputCompressor compressor;
    private final Map<String, String> properties;
    private final ParquetFileWriter writer;
    private final List<FloatingPointMetrics> floatingPointMetrics = new ArrayList<>();

    private ParquetProperties parquetProperties;
    private ColumnChunkPageWriteStore pageStore;
    private ColumnWriteStore columnStore;
    private List<RowWriter> rowWriters;
    private VectorSchemaRoot boundBatch;
    private long rowsInGroup;

    public ArrowParquetWriter(Schema schema, Map<String, String> tableProperties, MetricsConfig metricsConfig, OutputFile output, Runnable pace)
    {
        this.schema = requireNonNull(schema, "schema is null");
        this.properties = Map.copyOf(requireNonNull(tableProperties, "tableProperties is null"));
        this.metricsConfig = requireNonNull(metricsConfig, "metricsConfig is null");
        this.pace = requireNonNull(pace, "pace is null");
        this.location = output.location();
        this.parquetSchema = ParquetSchemaUtil.convert(schema, "table");
        this.columns = parquetSchema.getColumns();
        this.rowGroupSize = PropertyUtil.propertyAsLong(properties, TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES, TableProperties.PARQUET_ROW_GROUP_SIZE_BYTES_DEFAULT);
        this.compressor = PageCompressors.forCodec(
                properties.getOrDefault(TableProperties.PARQUET_COMPRESSION, TableProperties.PARQUET_COMPRESSION_DEFAULT),
                properties.get(TableProperties.PARQUET_COMPRESSION_LEVEL));
        try {
            this.writer = new ParquetFileWriter(new IcebergParquetOutput(output), parquetSchema, ParquetFileWriter.Mode.OVERWRITE,
                    rowGroupSize, 0, COLUMN_INDEX_TRUNCATE_LENGTH, Integer.MAX_VALUE, false);
            writer.start();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create data file " + location, e);
        }
    }

    /** Appends the first {@code rowCount} rows of a batch whose vectors carry the schema's field ids. */
    public void write(VectorSchemaRoot batch, int rowCount)
    {
        write(batch, null, rowCount);
    }

    /**
     * Appends the rows {@code rows[0..count)} of a batch whose vectors carry the schema's field ids, in that order;
     * with {@code rows} null, the first {@code count} rows.
     */
    public void write(VectorSchemaRoot batch, int[] rows, int rowCount)
    {
        if (rowCount == 0) {
            return;
        }
        if (parquetProperties == null) {
            parquetProperties = properties(batch);
            for (Leaf leaf : leaves(batch)) {
                Type.TypeID type = leaf.type().typeId();
                floatingPointMetrics.add(type == Type.TypeID.FLOAT || type == Type.TypeID.DOUBLE ? new FloatingPointMetrics(leaf.fieldId(), type == Type.TypeID.FLOAT) : null);
            }
        }
        for (int start = 0; start < rowCount; start += SLICE_ROWS) {
            if (columnStore == null) {
                startRowGroup();
            }
            if (boundBatch != batch) {
                bind(batch);
            }
            int end = Math.min(rowCount, start + SLICE_ROWS);
            for (RowWriter rowWriter : rowWriters) {
                if (rows == null) {
                    rowWriter.write(start, end);
                }
                else {
                    rowWriter.write(rows, start, end);
                }
            }
            for (int row = start; row < end; row++) {
                columnStore.endRecord();
            }
            rowsInGroup += end - start;
            if (columnStore.getBufferedSize() >= rowGroupSize) {
                flushRowGroup();
            }
            pace.run();
        }
    }

    /** Finishes the file and describes it as an Iceberg data file of an unpartitioned table. */
    public DataFile close()
    {
        return close(PartitionSpec.unpartitioned(), null);
    }

    /** Finishes the file and describes it as an Iceberg data file of one partition of {@code spec}. */
    public DataFile close(PartitionSpec spec, StructLike partition)
    {
        try {
            if (columnStore != null) {
                flushRowGroup();
            }
            writer.end(Map.of("iceberg.schema", SchemaParser.toJson(schema)));
            ParquetMetadata footer = writer.getFooter();
            Stream<org.apache.iceberg.FieldMetrics<?>> fieldMetrics = floatingPointMetrics.stream()
                    .filter(metrics -> metrics != null)
                    .map(FloatingPointMetrics::toFieldMetrics);
            Metrics metrics = ParquetUtil.footerMetrics(footer, fieldMetrics, metricsConfig);
            DataFiles.Builder builder = DataFiles.builder(spec);
            if (spec.isPartitioned()) {
                builder.withPartition(partition);
            }
            return builder
                    .withPath(location)
                    .withFormat(FileFormat.PARQUET)
                    .withFileSizeInBytes(writer.getPos())
                    .withMetrics(metrics)
                    .withSplitOffsets(ParquetUtil.getSplitOffsets(footer))
                    .build();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot finish data file " + location, e);
        }
        finally {
            compressor.release();
        }
    }

    /** Closes the output after a failure; the caller deletes the file. */
    public void abort()
    {
        try {
            if (pageStore != null) {
                pageStore.close();
            }
            writer.getFooter();
        }
        catch (RuntimeException ignored) {
            // the file is deleted anyway
        }
        finally {
            compressor.release();
        }
    }

    private List<Leaf> leaves(VectorSchemaRoot batch)
    {
        List<Leaf> leaves = LeafColumns.leaves(schema.columns(), batch.getFieldVectors());
        if (leaves.size() != columns.size()) {
            throw new IllegalStateException("hot batch has %s leaf columns, the Parquet schema %s".formatted(leaves.size(), columns.size()));
        }
        return leaves;
    }

    private void bind(VectorSchemaRoot batch)
    {
        List<Leaf> leaves = leaves(batch);
        List<RowWriter> writers = new ArrayList<>(leaves.size());
        for (int i = 0; i < leaves.size(); i++) {
            writers.add(leaves.get(i).bind(columnStore.getColumnWriter(columns.get(i)), floatingPointMetrics.get(i)));
        }
        rowWriters = writers;
        boundBatch = batch;
    }

    private void startRowGroup()
    {
        pageStore = new ColumnChunkPageWriteStore(compressor, parquetSchema, new HeapByteBufferAllocator(), COLUMN_INDEX_TRUNCATE_LENGTH, false);
        columnStore = parquetProperties.newColumnWriteStore(parquetSchema, pageStore, pageStore);
        boundBatch = null;
        rowsInGroup = 0;
    }

    private void flushRowGroup()
    {
        try {
            writer.startBlock(rowsInGroup);
            columnStore.flush();
            pageStore.flushToFileWriter(writer);
            writer.endBlock();
            columnStore.close();
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot write a row group of data file " + location, e);
        }
        columnStore = null;
        pageStore = null;
        boundBatch = null;
    }

    /** Parquet settings from the table's properties, with dictionary encoding only for columns whose values repeat. */
    private ParquetProperties properties(VectorSchemaRoot firstBatch)
    {
        ParquetProperties.Builder builder = ParquetProperties.builder()
                .withWriterVersion(ParquetProperties.WriterVersion.PARQUET_1_0)
                .withPageSize(PropertyUtil.propertyAsInt(properties, TableProperties.PARQUET_PAGE_SIZE_BYTES, TableProperties.PARQUET_PAGE_SIZE_BYTES_DEFAULT))
                .withPageRowCountLimit(PropertyUtil.propertyAsInt(properties, TableProperties.PARQUET_PAGE_ROW_LIMIT, TableProperties.PARQUET_PAGE_ROW_LIMIT_DEFAULT))
                .withDictionaryPageSize(PropertyUtil.propertyAsInt(properties, TableProperties.PARQUET_DICT_SIZE_BYTES, TableProperties.PARQUET_DICT_SIZE_BYTES_DEFAULT))
                .withColumnIndexTruncateLength(COLUMN_INDEX_TRUNCATE_LENGTH)
                .withPageWriteChecksumEnabled(false)
                .withDictionaryEncoding(false);
        List<Leaf> leaves = leaves(firstBatch);
        for (int i = 0; i < leaves.size(); i++) {
            if (repeats(leaves.get(i).vector())) {
                builder.withDictionaryEncoding(String.join(".", columns.get(i).getPath()), true);
            }
        }
        return builder.build();
    }

    /** Whether the first values of a column hold at most half as many distinct values as values: then a dictionary pays. */
    static boolean repeats(FieldVector vector)
    {
        int sample = Math.min(vector.getValueCount(), DICTIONARY_SAMPLE);
        Set<Integer> distinct = new HashSet<>();
        int values = 0;
        for (int i = 0; i < sample; i++) {
            if (!vector.isNull(i)) {
                values++;
                distinct.add(vector.hashCode(i));
            }
        }
        return values > 0 && distinct.size() * 2 <= values;
    }
}
