package io.freshet.trino;

import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.catalog.NotFreshetTableException;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.schema.Partitioning;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.cluster.ClusterCuts;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.procedure.FreshetTableExecuteHandle;
import io.freshet.trino.procedure.TableExecutes;
import io.freshet.trino.security.AllowedTopics;
import io.freshet.trino.schema.SchemaEvolution;
import io.freshet.trino.schema.TableChanges;
import io.freshet.trino.system.TableMetadataTables;
import io.freshet.trino.type.TypeConverter;
import io.freshet.trino.upkeep.TableUpkeep;
import io.trino.plugin.base.classloader.ClassLoaderSafeSystemTable;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ColumnPosition;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTableProperties;
import io.trino.spi.connector.ConnectorTableVersion;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.ConstraintApplicationResult;
import io.trino.spi.connector.RetryMode;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.security.TrinoPrincipal;
import io.trino.spi.type.TypeManager;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types.NestedField;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static io.freshet.trino.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.FreshetErrorCode.FRESHET_INVALID_NAME;
import static io.freshet.trino.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.freshet.trino.FreshetErrorCode.FRESHET_NOT_FRESHET_TABLE;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.SCHEMA_NOT_EMPTY;
import static java.util.Objects.requireNonNull;

/**
 * The metadata of one transaction. Each table is loaded at most once per transaction, at the snapshot of the
 * query's cut, and taken from the {@link TableCache} when that snapshot is already known on this node.
 */
public class FreshetMetadata
        implements ConnectorMetadata
{
    private final IngestionManager ingestion;
    private final TableUpkeep upkeep;
    private final TypeManager typeManager;
    private final TableCache tableCache;
    private final AllowedTopics allowedTopics;
    private final ClusterCuts clusterCuts;
    private final TableCreation tableCreation;
    private final TablePropertyChanges tablePropertyChanges;
    private final Map<SchemaTableName, Table> tables = new ConcurrentHashMap<>();

    public FreshetMetadata(IngestionManager ingestion, TableUpkeep upkeep, TypeManager typeManager, TableCache tableCache, AllowedTopics allowedTopics, ClusterCuts clusterCuts)
    {
        this.clusterCuts = requireNonNull(clusterCuts, "clusterCuts is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
        this.typeManager = requireNonNull(typeManager, "typeManager is null");
        this.allowedTopics = requireNonNull(allowedTopics, "allowedTopics is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.tableCreation = new TableCreation(ingestion, tableCache, allowedTopics, this::namespaces);
        this.tablePropertyChanges = new TablePropertyChanges(ingestion, tableCache, allowedTopics, this::loadTable);
    }

    private Catalog catalog()
    {
        return ingestion.catalog();
    }

    private SupportsNamespaces namespaces()
    {
        if (catalog() instanceof SupportsNamespaces namespaces) {
            return namespaces;
        }
        throw new TrinoException(NOT_SUPPORTED, "The Iceberg catalog does not support schemas");
    }

    @Override
    public boolean schemaExists(ConnectorSession session, String schemaName)
    {
        return namespaces().namespaceExists(Namespace.of(schemaName));
    }

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return namespaces().listNamespaces().stream()
                .map(namespace -> namespace.level(0))
                .toList();
    }

    @Override
    public void createSchema(ConnectorSession session, String schemaName, Map<String, Object> properties, TrinoPrincipal owner)
    {
        try {
            SafeNames.requireSafeSchemaName(schemaName);
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(FRESHET_INVALID_NAME, e.getMessage(), e);
        }
        namespaces().createNamespace(Namespace.of(schemaName));
    }

    @Override
    public void dropSchema(ConnectorSession session, String schemaName, boolean cascade)
    {
        try {
            if (cascade) {
                catalog().listTables(Namespace.of(schemaName)).forEach(tableCache::invalidate);
                ingestion.worker().dropNamespaceCascade(Namespace.of(schemaName));
            }
            else {
                namespaces().dropNamespace(Namespace.of(schemaName));
            }
        }
        catch (NotFreshetTableException e) {
            throw new TrinoException(FRESHET_NOT_FRESHET_TABLE, "Schema %s is not dropped: %s".formatted(schemaName, e.getMessage()), e);
        }
        catch (NamespaceNotEmptyException e) {
            throw new TrinoException(SCHEMA_NOT_EMPTY, "Schema %s is not empty: drop its tables first or use DROP SCHEMA ... CASCADE".formatted(schemaName));
        }
    }

    @Override
    public List<SchemaTableName> listTables(ConnectorSession session, Optional<String> schemaName)
    {
        List<String> schemas = schemaName.map(List::of).orElseGet(() -> listSchemaNames(session));
        List<SchemaTableName> tables = new ArrayList<>();
        for (String schema : schemas) {
            try {
                for (TableIdentifier identifier : catalog().listTables(Namespace.of(schema))) {
                    tables.add(new SchemaTableName(schema, identifier.name()));
                }
            }
            catch (NoSuchNamespaceException ignored) {
                // listed schema dropped concurrently
            }
        }
        return tables;
    }

    /**
     * Fixes the cut of this query: the committed snapshot with its offset watermark and, when this node ingests
     * the table, the hot ranges above it, leased until the query ends. Every reference to the table in one
     * query reads the same cut. A table whose ingestion failed has a hot buffer nobody fills any more: reading
     * it fails with the reason, unless the session asks for committed rows only.
     */
    @Override
    public ConnectorTableHandle getTableHandle(ConnectorSession session, SchemaTableName tableName, Optional<ConnectorTableVersion> startVersion, Optional<ConnectorTableVersion> endVersion)
    {
        if (startVersion.isPresent() || endVersion.isPresent()) {
            throw new TrinoException(NOT_SUPPORTED, "Freshet tables do not support time travel; read older snapshots with Trino's Iceberg connector");
        }
        TableIdentifier identifier = toIdentifier(tableName);
        if (clusterCuts.plansOnOwners()) {
            return clusterTableHandle(session, tableName);
        }
        Optional<TableIngester> ingester = ingestion.ingester(identifier);
        if (ingester.isEmpty()) {
            Table table;
            try {
                table = table(tableName, Optional.empty());
            }
            catch (TableNotFoundException e) {
                return null;
            }
            Optional<Long> snapshotId = Optional.ofNullable(table.currentSnapshot()).map(Snapshot::snapshotId);
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), snapshotId, Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        HotBuffer buffer = ingester.get().buffer();
        if (FreshetSessionProperties.isCommittedOnly(session)) {
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), buffer.committed().snapshotId(), Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        IngestionStatus status = ingester.get().status();
        if (status.state() == IngestionStatus.State.FAILED) {
            // DDL such as the ALTER TABLE that restarts ingestion still works; reading the table fails with the reason
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), buffer.committed().snapshotId(), Optional.empty(), List.of(), TupleDomain.all(),
                    Optional.of(status.failure().orElse("unknown error")));
        }
        HotCut cut = buffer.cut(session.getQueryId() + "/" + tableName);
        List<FreshetTableHandle.HotRange> ranges = cut.ranges().stream()
                .map(range -> new FreshetTableHandle.HotRange(range.partition(), range.startOffset(), range.endOffset()))
                .toList();
        return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), cut.snapshotId(), Optional.of(cut.leaseId()), ranges, TupleDomain.all(), Optional.empty());
    }

    /**
     * The cut on a cluster: the snapshot from the catalog (the partitions' owners commit it) and, per partition, a
     * hot range from its watermark that the owner closes, read by hot splits on the owners.
     */
    private FreshetTableHandle clusterTableHandle(ConnectorSession session, SchemaTableName tableName)
    {
        Table table;
        try {
            table = tables.computeIfAbsent(tableName, _ -> loadTable(tableName, () -> clusterCuts.recentTable(toIdentifier(tableName))));
        }
        catch (TableNotFoundException e) {
            return null;
        }
        Optional<TableBinding> binding = TableBinding.fromTableProperties(table.properties());
        Optional<Long> snapshotId = Optional.ofNullable(table.currentSnapshot()).map(Snapshot::snapshotId);
        if (binding.isEmpty() || FreshetSessionProperties.isCommittedOnly(session)) {
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), snapshotId, Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        return clusterCuts.cut(session.getQueryId() + "/" + tableName, tableName, table, binding.get());
    }

    private static Table loadTable(SchemaTableName name, java.util.function.Supplier<Table> loader)
    {
        try {
            return loader.get();
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(name);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot load table %s: %s".formatted(name, e.getMessage()), e);
        }
    }

    /** The Iceberg table a handle reads, loaded at most once in this transaction. */
    public Table table(FreshetTableHandle handle)
    {
        return table(handle.schemaTableName(), handle.leaseId().isPresent() || handle.snapshotId().isPresent() ? Optional.of(handle.snapshotId()) : Optional.empty());
    }

    /**
     * @param cutSnapshot the snapshot a cut reads (itself empty for a table without one), or empty to read the
     *         catalog's current version
     */
    private Table table(SchemaTableName name, Optional<Optional<Long>> cutSnapshot)
    {
        TableIdentifier identifier = toIdentifier(name);
        return tables.computeIfAbsent(name, _ -> loadTable(name, () -> cutSnapshot.isPresent() ? tableCache.tableAt(identifier, cutSnapshot.get()) : tableCache.current(identifier)));
    }

    /** {@code "orders$commits"}, {@code "orders$snapshots"}, {@code "orders$files"} and {@code "orders$partitions"} of a Freshet table. */
    @Override
    public Optional<SystemTable> getSystemTable(ConnectorSession session, SchemaTableName tableName)
    {
        Optional<TableMetadataTables.Kind> kind = TableMetadataTables.kind(tableName.getTableName());
        if (kind.isEmpty()) {
            return Optional.empty();
        }
        SchemaTableName baseName = new SchemaTableName(tableName.getSchemaName(), TableMetadataTables.baseTableName(tableName.getTableName()));
        boolean exists = catalog().tableExists(toIdentifier(baseName));
        if (!exists) {
            return Optional.empty();
        }
        return Optional.of(new ClassLoaderSafeSystemTable(TableMetadataTables.create(tableName, kind.get(), () -> loadTable(baseName)), getClass().getClassLoader()));
    }

    @Override
    public Optional<ConnectorTableExecuteHandle> getTableHandleForExecute(
            ConnectorSession session,
            ConnectorAccessControl accessControl,
            ConnectorTableHandle tableHandle,
            String procedureName,
            Map<String, Object> executeProperties,
            RetryMode retryMode)
    {
        return Optional.of(TableExecutes.handle(accessControl, (FreshetTableHandle) tableHandle, procedureName, executeProperties));
    }

    @Override
    public void executeTableExecute(ConnectorSession session, ConnectorTableExecuteHandle tableExecuteHandle)
    {
        TableExecutes.execute(upkeep, (FreshetTableExecuteHandle) tableExecuteHandle);
    }

    @Override
    public void cleanupQuery(ConnectorSession session)
    {
        String prefix = session.getQueryId() + "/";
        for (TableIdentifier identifier : ingestion.worker().listRunning()) {
            ingestion.ingester(identifier).ifPresent(ingester -> ingester.buffer().releaseLeases(prefix));
        }
    }

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        Table table = table(handle);
        List<ColumnMetadata> columns = columnHandles(table.schema()).values().stream()
                .map(FreshetColumnHandle::toColumnMetadata)
                .toList();
        Map<String, Object> properties = new java.util.HashMap<>(TableBinding.fromTableProperties(table.properties())
                .map(binding -> FreshetTableProperties.toProperties(binding, table.properties()))
                .orElse(Map.of()));
        List<String> partitioning = Partitioning.toProperty(table.schema(), table.spec());
        if (!partitioning.isEmpty()) {
            properties.put(FreshetTableProperties.PARTITIONING, partitioning);
        }
        return new ConnectorTableMetadata(handle.schemaTableName(), columns, properties, Optional.ofNullable(table.properties().get("comment")));
    }

    @Override
    public Map<String, ColumnHandle> getColumnHandles(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        return new LinkedHashMap<>(columnHandles(table(handle).schema()));
    }

    @Override
    public ColumnMetadata getColumnMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle columnHandle)
    {
        return ((FreshetColumnHandle) columnHandle).toColumnMetadata();
    }

    private Map<String, FreshetColumnHandle> columnHandles(Schema schema)
    {
        Map<String, FreshetColumnHandle> columns = new LinkedHashMap<>();
        for (NestedField field : schema.columns()) {
            columns.put(field.name(), new FreshetColumnHandle(field.name(), field.fieldId(), TypeConverter.toTrinoType(field.type(), typeManager), field.isOptional()));
        }
        return columns;
    }

    @Override
    public void createTable(ConnectorSession session, ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        tableCreation.createTable(tableMetadata, saveMode);
    }

    @Override
    public void dropTable(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        try {
            tableCache.invalidate(toIdentifier(handle.schemaTableName()));
            ingestion.worker().dropTable(toIdentifier(handle.schemaTableName()));
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(handle.schemaTableName());
        }
        catch (NotFreshetTableException e) {
            throw FreshetErrors.notFreshetTable(e);
        }
    }

    /**
     * Changes how bad records are handled and restarts the table's ingestion from its offset watermark, so
     * a table stopped by the FAIL policy resumes with SKIP or DEAD_LETTER. The topic and format are fixed.
     */
    @Override
    public void setTableProperties(ConnectorSession session, ConnectorTableHandle tableHandle, Map<String, Optional<Object>> properties)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        TablePropertyChanges.checkChangeable(properties);
        if (properties.containsKey(FreshetTableProperties.PARTITIONING)) {
            // the spec changes for new data: no restart, the next flush writes it
            List<String> partitioning = properties.get(FreshetTableProperties.PARTITIONING).map(value -> FreshetTableProperties.partitioning(Map.of(FreshetTableProperties.PARTITIONING, value))).orElse(List.of());
            changeTable(handle, table -> {
                try {
                    Partitioning.update(table, partitioning);
                }
                catch (IllegalArgumentException e) {
                    throw new TrinoException(FRESHET_INVALID_TABLE_PROPERTY, e.getMessage(), e);
                }
            });
            if (properties.size() == 1) {
                return;
            }
        }
        tablePropertyChanges.setIngestionProperties(handle.schemaTableName(), properties);
    }

    @Override
    public void addColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnMetadata column, ColumnPosition position)
    {
        if (!(position instanceof ColumnPosition.Last)) {
            throw new TrinoException(NOT_SUPPORTED, "Columns are added after the last declared column; FIRST and AFTER are not supported");
        }
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.addColumn(table, column));
    }

    @Override
    public void addField(ConnectorSession session, ConnectorTableHandle tableHandle, List<String> parentPath, String fieldName, io.trino.spi.type.Type type, boolean ignoreExisting)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.addField(table, parentPath, fieldName, type, ignoreExisting));
    }

    @Override
    public void dropColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle column)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.dropColumn(table, ((FreshetColumnHandle) column).name()));
    }

    @Override
    public void dropField(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle column, List<String> fieldPath)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.dropField(table, ((FreshetColumnHandle) column).name(), fieldPath));
    }

    @Override
    public void renameColumn(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle source, String target)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.renameColumn(table, ((FreshetColumnHandle) source).name(), target));
    }

    @Override
    public void renameField(ConnectorSession session, ConnectorTableHandle tableHandle, List<String> fieldPath, String target)
    {
        SchemaEvolution.renameField();
    }

    @Override
    public void setColumnType(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle column, io.trino.spi.type.Type type)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.setType(table, List.of(((FreshetColumnHandle) column).name()), type));
    }

    @Override
    public void setFieldType(ConnectorSession session, ConnectorTableHandle tableHandle, List<String> fieldPath, io.trino.spi.type.Type type)
    {
        changeTable((FreshetTableHandle) tableHandle, table -> SchemaEvolution.setType(table, fieldPath, type));
    }

    /**
     * Applies a schema or partitioning change to the catalog's current table, then has the table's ingestion adopt it
     * between two polls and the next query read it.
     */
    private void changeTable(FreshetTableHandle handle, java.util.function.Consumer<Table> change)
    {
        TableChanges.apply(handle.schemaTableName(), loadTable(handle.schemaTableName()), change);
        TableIdentifier identifier = toIdentifier(handle.schemaTableName());
        // a schema or spec change makes no snapshot: the cached metadata would not notice it
        tableCache.invalidate(identifier);
        tables.remove(handle.schemaTableName());
        TableChanges.awaitAdoption(ingestion, identifier);
    }

    @Override
    public ConnectorTableProperties getTableProperties(ConnectorSession session, ConnectorTableHandle table)
    {
        return new ConnectorTableProperties();
    }

    @Override
    public Optional<ConstraintApplicationResult<ConnectorTableHandle>> applyFilter(ConnectorSession session, ConnectorTableHandle tableHandle, Constraint constraint)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        TupleDomain<FreshetColumnHandle> newConstraint = constraint.getSummary()
                .transformKeys(FreshetColumnHandle.class::cast)
                .intersect(handle.constraint());
        if (newConstraint.equals(handle.constraint())) {
            return Optional.empty();
        }
        // the constraint prunes files, row groups and hot ranges; Trino still filters the rows
        return Optional.of(new ConstraintApplicationResult<>(handle.withConstraint(newConstraint), constraint.getSummary(), constraint.getExpression(), false));
    }

    private Table loadTable(SchemaTableName name)
    {
        try {
            return catalog().loadTable(toIdentifier(name));
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(name);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot load table %s: %s".formatted(name, e.getMessage()), e);
        }
    }

    public static TableIdentifier toIdentifier(SchemaTableName name)
    {
        return TableIdentifier.of(Namespace.of(name.getSchemaName()), name.getTableName());
    }
}
