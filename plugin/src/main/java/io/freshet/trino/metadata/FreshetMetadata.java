package io.freshet.trino.metadata;

import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.error.IngestException;
import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.ingest.schema.Partitioning;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.cluster.ClusterCuts;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.procedure.FreshetTableExecuteHandle;
import io.freshet.trino.procedure.TableExecutes;
import io.freshet.trino.security.AllowedTopics;
import io.freshet.trino.schema.SchemaEvolution;
import io.freshet.trino.schema.TableChanges;
import io.freshet.trino.system.TableMetadataTables;
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
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.trino.catalog.TableIdentifiers.toIdentifier;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_NAME;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * The metadata of one transaction: schemas, tables and their columns and properties, and the changes to them. Each table
 * is loaded at most once per transaction ({@link TransactionTables}), at the snapshot of the query's cut ({@link TableCuts}).
 */
public class FreshetMetadata
        implements ConnectorMetadata
{
    private final IngestionManager ingestion;
    private final TableUpkeep upkeep;
    private final TypeManager typeManager;
    private final TableCache tableCache;
    private final Schemas schemas;
    private final TransactionTables tables;
    private final TableCuts tableCuts;
    private final TableCreation tableCreation;
    private final TablePropertyChanges tablePropertyChanges;

    public FreshetMetadata(IngestionManager ingestion, TableUpkeep upkeep, TypeManager typeManager, TableCache tableCache, AllowedTopics allowedTopics, ClusterCuts clusterCuts)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
        this.typeManager = requireNonNull(typeManager, "typeManager is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.schemas = new Schemas(ingestion, tableCache);
        this.tables = new TransactionTables(ingestion, tableCache);
        this.tableCuts = new TableCuts(ingestion, requireNonNull(clusterCuts, "clusterCuts is null"));
        this.tableCreation = new TableCreation(ingestion, tableCache, allowedTopics, schemas::namespaces);
        this.tablePropertyChanges = new TablePropertyChanges(ingestion, tableCache, allowedTopics, tables::current);
    }

    @Override
    public boolean schemaExists(ConnectorSession session, String schemaName)
    {
        return schemas.exists(schemaName);
    }

    @Override
    public List<String> listSchemaNames(ConnectorSession session)
    {
        return schemas.names();
    }

    @Override
    public void createSchema(ConnectorSession session, String schemaName, Map<String, Object> properties, TrinoPrincipal owner)
    {
        try {
            SafeNames.requireSafeSchemaName(schemaName);
        }
        catch (IngestException e) {
            throw FreshetErrors.fromIngest(e);
        }
        schemas.namespaces().createNamespace(Namespace.of(schemaName));
    }

    @Override
    public void dropSchema(ConnectorSession session, String schemaName, boolean cascade)
    {
        schemas.drop(schemaName, cascade);
    }

    @Override
    public List<SchemaTableName> listTables(ConnectorSession session, Optional<String> schemaName)
    {
        return schemas.tables(schemaName);
    }

    /** Fixes the cut of this query ({@link TableCuts}); every reference to the table in one query reads the same cut. */
    @Override
    public ConnectorTableHandle getTableHandle(ConnectorSession session, SchemaTableName tableName, Optional<ConnectorTableVersion> startVersion, Optional<ConnectorTableVersion> endVersion)
    {
        if (startVersion.isPresent() || endVersion.isPresent()) {
            throw new TrinoException(NOT_SUPPORTED, "Freshet tables do not support time travel; read older snapshots with Trino's Iceberg connector");
        }
        return tableCuts.cut(session, tableName, tables);
    }

    /** The Iceberg table a handle reads, loaded at most once in this transaction. */
    public Table table(FreshetTableHandle handle)
    {
        return tables.table(handle);
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
        boolean exists = ingestion.catalog().tableExists(toIdentifier(baseName));
        if (!exists) {
            return Optional.empty();
        }
        return Optional.of(new ClassLoaderSafeSystemTable(TableMetadataTables.create(tableName, kind.get(), () -> tables.current(baseName)), getClass().getClassLoader()));
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
        tableCuts.release(session);
    }

    @Override
    public ConnectorTableMetadata getTableMetadata(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        return TableDescriptions.tableMetadata(handle.schemaTableName(), tables.table(handle), typeManager);
    }

    @Override
    public Map<String, ColumnHandle> getColumnHandles(ConnectorSession session, ConnectorTableHandle tableHandle)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        return new LinkedHashMap<>(TableDescriptions.columnHandles(tables.table(handle).schema(), typeManager));
    }

    @Override
    public ColumnMetadata getColumnMetadata(ConnectorSession session, ConnectorTableHandle tableHandle, ColumnHandle columnHandle)
    {
        return ((FreshetColumnHandle) columnHandle).toColumnMetadata();
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
            throw FreshetErrors.fromIngest(e);
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
            changeTable(handle, table -> Partitioning.update(table, partitioning));
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
        TableChanges.apply(handle.schemaTableName(), tables.current(handle.schemaTableName()), change);
        TableIdentifier identifier = toIdentifier(handle.schemaTableName());
        // a schema or spec change makes no snapshot: the cached metadata would not notice it
        tableCache.invalidate(identifier);
        tables.forget(handle.schemaTableName());
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
}
