package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableList;
import com.google.common.collect.ImmutableSet;
import io.trino.filesystem.Location;
import com.google.inject.Inject;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.filesystem.TrinoInputFile;
import io.trino.memory.context.AggregatedMemoryContext;
import io.trino.parquet.Column;
import io.trino.parquet.Field;
import io.trino.parquet.ParquetCorruptionException;
import io.trino.parquet.ParquetDataSource;
import io.trino.parquet.ParquetDataSourceId;
import io.trino.parquet.ParquetReaderOptions;
import io.trino.parquet.PrimitiveField;
import io.trino.parquet.metadata.FileMetadata;
import io.trino.parquet.metadata.ParquetMetadata;
import io.trino.parquet.predicate.TupleDomainParquetPredicate;
import io.trino.parquet.reader.MetadataReader;
import io.trino.parquet.reader.ParquetReader;
import io.trino.parquet.reader.RowGroupInfo;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.EmptyPageSource;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.Type;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.MessageColumnIO;
import org.apache.parquet.schema.MessageType;

import java.io.IOException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static com.google.common.collect.ImmutableMap.toImmutableMap;
import static com.google.common.collect.ImmutableSet.toImmutableSet;
import static io.freshet.trino.reader.parquet.ColumnMappingSourcePage.NULL_COLUMN;
import static io.freshet.trino.reader.parquet.ParquetColumnMatching.constructField;
import static io.freshet.trino.reader.parquet.ParquetColumnMatching.toParquetTupleDomain;
import static io.freshet.trino.reader.parquet.ParquetFileErrorCode.FRESHET_PARQUET_BAD_DATA;
import static io.freshet.trino.reader.parquet.ParquetFileErrorCode.FRESHET_PARQUET_CANNOT_OPEN_SPLIT;
import static io.trino.memory.context.AggregatedMemoryContext.newSimpleAggregatedMemoryContext;
import static io.trino.parquet.ParquetTypeUtils.getColumnIO;
import static io.trino.parquet.ParquetTypeUtils.getDescriptors;
import static io.trino.parquet.predicate.PredicateUtils.buildPredicate;
import static io.trino.parquet.predicate.PredicateUtils.getFilteredRowGroups;
import static java.util.Objects.requireNonNull;
import static java.util.function.Function.identity;
import static org.joda.time.DateTimeZone.UTC;

/**
 * Opens splits of Iceberg Parquet data files with Trino's own Parquet reader, the way Trino's Iceberg
 * connector does: columns are found by Iceberg field id, row groups are pruned by statistics, dictionaries
 * and (within a row group) column indexes.
 */
public final class ParquetFilePageSourceFactory
{
    // Trino's Iceberg connector simplifies larger domains before checking them against statistics
    private static final int DOMAIN_COMPACTION_THRESHOLD = 1000;

    private final TrinoFileSystemFactory fileSystemFactory;
    private final ParquetReaderOptions options;

    public ParquetFilePageSourceFactory(TrinoFileSystemFactory fileSystemFactory, ParquetReaderOptions options)
    {
        this.fileSystemFactory = requireNonNull(fileSystemFactory, "fileSystemFactory is null");
        this.options = requireNonNull(options, "options is null");
    }

    /**
     * Reads through the catalog's file systems with Trino's default Parquet reader options.
     */
    @Inject
    public ParquetFilePageSourceFactory(TrinoFileSystemFactory fileSystemFactory)
    {
        this(fileSystemFactory, ParquetReaderOptions.defaultOptions());
    }

    /**
     * Reads the row groups of a data file that start within {@code [start, start + length)}.
     *
     * @param columns the columns to return, in order; a column the file lacks is all nulls. No columns gives pages with only a position count.
     * @param effectivePredicate prunes row groups (and pages) that cannot match; rows that do not match may still be returned
     */
    public ConnectorPageSource createPageSource(
            ConnectorSession session,
            String path,
            long start,
            long length,
            long fileSize,
            List<ParquetReadColumn> columns,
            TupleDomain<ParquetReadColumn> effectivePredicate)
    {
        requireNonNull(session, "session is null");
        requireNonNull(path, "path is null");
        requireNonNull(columns, "columns is null");
        requireNonNull(effectivePredicate, "effectivePredicate is null");
        checkArgument(start >= 0 && length >= 0 && fileSize >= 0, "Negative split range or file size: start %s, length %s, size %s", start, length, fileSize);
        if (effectivePredicate.isNone()) {
            return new EmptyPageSource();
        }

        TrinoInputFile inputFile = fileSystemFactory.create(session).newInputFile(Location.of(path), fileSize);
        AggregatedMemoryContext memoryContext = newSimpleAggregatedMemoryContext();
        ParquetDataSource dataSource = null;
        try {
            dataSource = createDataSource(inputFile, fileSize, !columns.isEmpty(), memoryContext);
            ParquetMetadata parquetMetadata = MetadataReader.readFooter(dataSource, Optional.empty());
            FileMetadata fileMetadata = parquetMetadata.getFileMetaData();
            MessageType fileSchema = fileMetadata.getSchema();

            Map<Integer, org.apache.parquet.schema.Type> topLevelFieldsById = new HashMap<>();
            for (org.apache.parquet.schema.Type field : fileSchema.getFields()) {
                if (field.getId() != null) {
                    topLevelFieldsById.putIfAbsent(field.getId().intValue(), field);
                }
            }
            Set<Integer> requestedFieldIds = columns.stream().map(ParquetReadColumn::fieldId).collect(toImmutableSet());
            // keep the file's field order; the reader looks fields up by name
            MessageType requestedSchema = new MessageType(fileSchema.getName(), fileSchema.getFields().stream()
                    .filter(field -> field.getId() != null && requestedFieldIds.contains(field.getId().intValue()))
                    .collect(toImmutableList()));
            MessageColumnIO messageColumnIO = getColumnIO(fileSchema, requestedSchema);

            // one reader column per field id, even if the caller asks for the field more than once
            Map<Integer, Integer> readerChannelsByFieldId = new HashMap<>();
            Map<Integer, Type> typesByFieldId = new HashMap<>();
            ImmutableList.Builder<Column> readerColumns = ImmutableList.builder();
            int readerColumnCount = 0;
            int[] readerChannels = new int[columns.size()];
            for (int channel = 0; channel < columns.size(); channel++) {
                ParquetReadColumn column = columns.get(channel);
                Type previousType = typesByFieldId.putIfAbsent(column.fieldId(), column.type());
                checkArgument(previousType == null || previousType.equals(column.type()), "Field %s requested as both %s and %s", column.fieldId(), previousType, column.type());
                Integer readerChannel = readerChannelsByFieldId.get(column.fieldId());
                if (readerChannel == null) {
                    readerChannel = NULL_COLUMN;
                    org.apache.parquet.schema.Type fileField = topLevelFieldsById.get(column.fieldId());
                    if (fileField != null) {
                        Optional<Field> field = constructField(column.type(), column.children(), messageColumnIO.getChild(fileField.getName()));
                        if (field.isPresent()) {
                            readerColumns.add(new Column(fileField.getName(), field.get()));
                            readerChannel = readerColumnCount++;
                        }
                    }
                    readerChannelsByFieldId.put(column.fieldId(), readerChannel);
                }
                readerChannels[channel] = readerChannel;
            }

            // Row groups are pruned against every predicate column the file has, projected or not
            TupleDomain<ColumnDescriptor> fileTupleDomain = options.isIgnoreStatistics() ? TupleDomain.all() : toParquetTupleDomain(fileSchema, effectivePredicate);
            if (fileTupleDomain.isNone()) {
                // contradictory domains for one field: nothing can match
                dataSource.close();
                return new EmptyPageSource();
            }
            Map<List<String>, ColumnDescriptor> fileDescriptorsByPath = getDescriptors(fileSchema, fileSchema);
            TupleDomainParquetPredicate rowGroupPredicate = buildPredicate(fileSchema, fileTupleDomain, fileDescriptorsByPath, UTC);
            List<RowGroupInfo> rowGroups = getFilteredRowGroups(
                    start,
                    length,
                    dataSource,
                    parquetMetadata,
                    ImmutableList.of(fileTupleDomain),
                    ImmutableList.of(rowGroupPredicate),
                    fileDescriptorsByPath,
                    UTC,
                    DOMAIN_COMPACTION_THRESHOLD,
                    options);

            // Column index filtering inside the reader treats a predicate column it does not decode as having
            // no matching rows, so it only gets the part of the predicate on the primitive columns it reads
            List<Column> readerColumnList = readerColumns.build();
            Map<List<String>, ColumnDescriptor> readDescriptorsByPath = ParquetReader.getPrimitiveFields(readerColumnList.stream().map(Column::field).collect(toImmutableList())).stream()
                    .map(PrimitiveField::getDescriptor)
                    .collect(toImmutableMap(descriptor -> ImmutableList.copyOf(descriptor.getPath()), identity(), (first, _) -> first));
            Set<ColumnDescriptor> readDescriptors = ImmutableSet.copyOf(readDescriptorsByPath.values());
            TupleDomain<ColumnDescriptor> readTupleDomain = fileTupleDomain.filter((descriptor, _) -> readDescriptors.contains(descriptor));
            Optional<TupleDomainParquetPredicate> readPredicate = readTupleDomain.isAll()
                    ? Optional.empty()
                    : Optional.of(buildPredicate(requestedSchema, readTupleDomain, readDescriptorsByPath, UTC));

            ParquetDataSourceId dataSourceId = dataSource.getId();
            ParquetReader parquetReader = new ParquetReader(
                    Optional.ofNullable(fileMetadata.getCreatedBy()),
                    readerColumnList,
                    false,
                    rowGroups,
                    dataSource,
                    UTC,
                    memoryContext,
                    options,
                    exception -> ParquetFilePageSource.handleException(dataSourceId, exception),
                    readPredicate,
                    Optional.empty());
            return new ParquetFilePageSource(
                    parquetReader,
                    columns.stream().map(ParquetReadColumn::type).collect(toImmutableList()),
                    readerChannels);
        }
        catch (IOException | RuntimeException e) {
            if (dataSource != null) {
                try {
                    dataSource.close();
                }
                catch (IOException | RuntimeException closeException) {
                    if (closeException != e) {
                        e.addSuppressed(closeException);
                    }
                }
            }
            if (e instanceof TrinoException trinoException) {
                throw trinoException;
            }
            if (e instanceof ParquetCorruptionException) {
                throw new TrinoException(FRESHET_PARQUET_BAD_DATA, e);
            }
            throw new TrinoException(FRESHET_PARQUET_CANNOT_OPEN_SPLIT, ParquetFilePageSource.storageFailureMessage(path, e), e);
        }
    }

    private ParquetDataSource createDataSource(TrinoInputFile inputFile, long fileSize, boolean readsColumnData, AggregatedMemoryContext memoryContext)
            throws IOException
    {
        // without columns (count(*)) only the footer is needed, so loading the whole file would be wasted
        if (readsColumnData && fileSize <= options.getSmallFileThreshold().toBytes()) {
            return new InMemoryParquetDataSource(inputFile, fileSize, memoryContext);
        }
        return new TrinoInputParquetDataSource(inputFile, fileSize, options);
    }
}
