package io.freshet.trino;

import com.google.inject.Inject;
import io.airlift.bootstrap.LifeCycleManager;
import io.freshet.trino.maintenance.UpkeepProcedure;
import io.freshet.trino.reader.FreshetPageSourceProvider;
import io.freshet.trino.split.FreshetSplitManager;
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

public class FreshetConnector
        implements Connector
{
    private final LifeCycleManager lifeCycleManager;
    private final FreshetTransactionManager transactionManager;
    private final FreshetSplitManager splitManager;
    private final FreshetPageSourceProvider pageSourceProvider;
    private final Set<Procedure> procedures;
    private final Set<SystemTable> systemTables;
    private final Set<ConnectorTableFunction> tableFunctions;
    private final FunctionProvider functionProvider;

    @Inject
    public FreshetConnector(
            LifeCycleManager lifeCycleManager,
            FreshetTransactionManager transactionManager,
            FreshetSplitManager splitManager,
            FreshetPageSourceProvider pageSourceProvider,
            Set<Procedure> procedures,
            Set<SystemTable> systemTables,
            Set<ConnectorTableFunction> tableFunctions,
            FunctionProvider functionProvider)
    {
        this.lifeCycleManager = requireNonNull(lifeCycleManager, "lifeCycleManager is null");
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
        this.splitManager = requireNonNull(splitManager, "splitManager is null");
        this.pageSourceProvider = requireNonNull(pageSourceProvider, "pageSourceProvider is null");
        this.procedures = Set.copyOf(requireNonNull(procedures, "procedures is null"));
        this.systemTables = Set.copyOf(requireNonNull(systemTables, "systemTables is null"));
        this.tableFunctions = Set.copyOf(requireNonNull(tableFunctions, "tableFunctions is null"));
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
        return transactionManager.get((FreshetTransactionHandle) transactionHandle);
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
        return UpkeepProcedure.all();
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
