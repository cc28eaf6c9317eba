package io.freshet.trino;

import com.google.inject.Inject;
import io.airlift.bootstrap.LifeCycleManager;
import io.freshet.trino.config.FreshetSessionProperties;
import io.freshet.trino.handle.FreshetTransactionHandle;
import io.freshet.trino.metadata.FreshetTableProperties;
import io.freshet.trino.metadata.FreshetTransactionManager;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorMetadata;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorTableFunction;
import io.trino.plugin.base.classloader.ClassLoaderSafeSystemTable;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorMetadata;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.connector.TableProcedureMetadata;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunction;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.session.PropertyMetadata;
import io.trino.spi.transaction.IsolationLevel;

import java.util.List;
import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;
import static java.util.stream.Collectors.toUnmodifiableSet;

/**
 * The connector's services, each wrapped once so that every call from the engine runs with the plugin's class loader as
 * the thread's context class loader (Kafka and Iceberg look classes up through it). Threads Freshet starts itself set it
 * when they are created.
 */
public class FreshetConnector
        implements Connector
{
    private final LifeCycleManager lifeCycleManager;
    private final FreshetTransactionManager transactionManager;
    private final ClassLoader classLoader;
    private final ConnectorSplitManager splitManager;
    private final ConnectorPageSourceProvider pageSourceProvider;
    private final Set<Procedure> procedures;
    private final Set<TableProcedureMetadata> tableProcedures;
    private final Set<SystemTable> systemTables;
    private final Set<ConnectorTableFunction> tableFunctions;
    private final FunctionProvider functionProvider;

    @Inject
    public FreshetConnector(
            LifeCycleManager lifeCycleManager,
            FreshetTransactionManager transactionManager,
            ClassLoader classLoader,
            ConnectorSplitManager splitManager,
            ConnectorPageSourceProvider pageSourceProvider,
            Set<Procedure> procedures,
            Set<TableProcedureMetadata> tableProcedures,
            Set<SystemTable> systemTables,
            Set<ConnectorTableFunction> tableFunctions,
            FunctionProvider functionProvider)
    {
        this.lifeCycleManager = requireNonNull(lifeCycleManager, "lifeCycleManager is null");
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
        this.classLoader = requireNonNull(classLoader, "classLoader is null");
        this.splitManager = requireNonNull(splitManager, "splitManager is null");
        this.pageSourceProvider = requireNonNull(pageSourceProvider, "pageSourceProvider is null");
        this.procedures = Set.copyOf(requireNonNull(procedures, "procedures is null"));
        this.tableProcedures = Set.copyOf(requireNonNull(tableProcedures, "tableProcedures is null"));
        this.systemTables = requireNonNull(systemTables, "systemTables is null").stream()
                .map(table -> (SystemTable) new ClassLoaderSafeSystemTable(table, classLoader))
                .collect(toUnmodifiableSet());
        this.tableFunctions = requireNonNull(tableFunctions, "tableFunctions is null").stream()
                .map(function -> (ConnectorTableFunction) new ClassLoaderSafeConnectorTableFunction(function, classLoader))
                .collect(toUnmodifiableSet());
        this.functionProvider = requireNonNull(functionProvider, "functionProvider is null");
    }

    @Override
    public ConnectorTransactionHandle beginTransaction(IsolationLevel isolationLevel, boolean readOnly, boolean autoCommit)
    {
        return transactionManager.begin();
    }

    @Override
    public ConnectorMetadata getMetadata(ConnectorSession session, ConnectorTransactionHandle transactionHandle)
    {
        return new ClassLoaderSafeConnectorMetadata(transactionManager.get((FreshetTransactionHandle) transactionHandle), classLoader);
    }

    @Override
    public void commit(ConnectorTransactionHandle transactionHandle)
    {
        transactionManager.end((FreshetTransactionHandle) transactionHandle);
    }

    @Override
    public void rollback(ConnectorTransactionHandle transactionHandle)
    {
        transactionManager.end((FreshetTransactionHandle) transactionHandle);
    }

    @Override
    public List<PropertyMetadata<?>> getSessionProperties()
    {
        return FreshetSessionProperties.properties();
    }

    @Override
    public ConnectorSplitManager getSplitManager()
    {
        return splitManager;
    }

    @Override
    public ConnectorPageSourceProvider getPageSourceProvider()
    {
        return pageSourceProvider;
    }

    @Override
    public List<PropertyMetadata<?>> getTableProperties()
    {
        return FreshetTableProperties.properties();
    }

    @Override
    public Set<Procedure> getProcedures()
    {
        return procedures;
    }

    @Override
    public Set<TableProcedureMetadata> getTableProcedures()
    {
        return tableProcedures;
    }

    @Override
    public Set<SystemTable> getSystemTables()
    {
        return systemTables;
    }

    @Override
    public Set<ConnectorTableFunction> getTableFunctions()
    {
        return tableFunctions;
    }

    @Override
    public Optional<FunctionProvider> getFunctionProvider()
    {
        return Optional.of(functionProvider);
    }

    @Override
    public void shutdown()
    {
        lifeCycleManager.stop();
    }
}
