package io.freshet.trino;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import com.google.inject.multibindings.Multibinder;
import io.freshet.trino.config.RestCatalogConfig;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.catalog.TableCacheRefresher;
import io.freshet.trino.config.ClusterConfig;
import io.freshet.trino.config.FreshetConfig;
import io.freshet.trino.function.FreshetFunctionProvider;
import io.freshet.trino.function.VerifyTableFunction;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.reader.FreshetPageSourceProvider;
import io.freshet.trino.reader.parquet.ParquetFilePageSourceFactory;
import io.freshet.trino.security.AllowedTopics;
import io.freshet.trino.catalog.FileScanPlans;
import io.freshet.trino.metadata.FreshetTransactionManager;
import io.freshet.trino.split.FreshetSplitManager;
import io.freshet.trino.system.IngestStatusSystemTable;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorPageSourceProvider;
import io.trino.plugin.base.classloader.ClassLoaderSafeConnectorSplitManager;
import io.trino.plugin.base.classloader.ForClassLoaderSafe;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunction;

import static io.airlift.configuration.ConfigBinder.configBinder;

/** Connector services: metadata, splits, page sources and procedures. */
public class FreshetModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(FreshetConfig.class);
        configBinder(binder).bindConfig(RestCatalogConfig.class);
        configBinder(binder).bindConfig(ClusterConfig.class);
        binder.bind(IngestionManager.class).in(Scopes.SINGLETON);
        binder.bind(FreshetConnector.class).in(Scopes.SINGLETON);
        binder.bind(FreshetTransactionManager.class).in(Scopes.SINGLETON);
        binder.bind(TableCache.class).in(Scopes.SINGLETON);
        binder.bind(TableCacheRefresher.class).in(Scopes.SINGLETON);
        binder.bind(AllowedTopics.class).in(Scopes.SINGLETON);
        binder.bind(FreshetSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorSplitManager.class).annotatedWith(ForClassLoaderSafe.class).to(FreshetSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorSplitManager.class).to(ClassLoaderSafeConnectorSplitManager.class).in(Scopes.SINGLETON);
        binder.bind(FileScanPlans.class).in(Scopes.SINGLETON);
        binder.bind(FreshetPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorPageSourceProvider.class).annotatedWith(ForClassLoaderSafe.class).to(FreshetPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(ConnectorPageSourceProvider.class).to(ClassLoaderSafeConnectorPageSourceProvider.class).in(Scopes.SINGLETON);
        binder.bind(ParquetFilePageSourceFactory.class).in(Scopes.SINGLETON);

        Multibinder<ConnectorTableFunction> tableFunctions = Multibinder.newSetBinder(binder, ConnectorTableFunction.class);
        tableFunctions.addBinding().to(VerifyTableFunction.class).in(Scopes.SINGLETON);
        binder.bind(FunctionProvider.class).to(FreshetFunctionProvider.class).in(Scopes.SINGLETON);

        Multibinder<SystemTable> systemTables = Multibinder.newSetBinder(binder, SystemTable.class);
        systemTables.addBinding().to(IngestStatusSystemTable.class).in(Scopes.SINGLETON);
    }
}
