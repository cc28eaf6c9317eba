package io.freshet.trino;

import com.google.inject.Injector;
import io.airlift.bootstrap.Bootstrap;
import io.freshet.trino.cluster.ClusterModule;
import io.freshet.trino.filesystem.StorageProperties;
import io.freshet.trino.config.KafkaClientProperties;
import io.freshet.trino.metrics.MetricsModule;
import io.freshet.trino.procedure.ProcedureModule;
import io.freshet.trino.upkeep.UpkeepModule;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.trace.Tracer;
import io.trino.filesystem.manager.FileSystemModule;
import io.trino.plugin.base.jmx.ConnectorObjectNameGeneratorModule;
import io.trino.plugin.base.jmx.MBeanServerModule;
import io.trino.spi.NodeManager;
import io.trino.spi.catalog.CatalogName;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.Connector;
import io.trino.spi.connector.ConnectorContext;
import io.trino.spi.connector.ConnectorFactory;
import io.trino.spi.type.TypeManager;

import org.weakref.jmx.guice.MBeanModule;

import java.util.HashMap;
import java.util.Map;

import static io.trino.plugin.base.Versions.checkStrictSpiVersionMatch;

public class FreshetConnectorFactory
        implements ConnectorFactory
{
    @Override
    public String getName()
    {
        return "freshet";
    }

    @Override
    public Connector create(String catalogName, Map<String, String> config, ConnectorContext context)
    {
        checkStrictSpiVersionMatch(context, this);

        // kafka.* properties go to the Kafka clients as they are; the rest are Freshet's own
        KafkaClientProperties kafkaProperties = KafkaClientProperties.fromCatalogProperties(config);
        Map<String, String> freshetProperties = new HashMap<>(config);
        freshetProperties.keySet().removeIf(name -> name.startsWith(KafkaClientProperties.PREFIX));
        freshetProperties = StorageProperties.withDefaults(freshetProperties);

        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(FreshetConnectorFactory.class.getClassLoader())) {
            Bootstrap app = new Bootstrap(
                    new MBeanModule(),
                    new MBeanServerModule(),
                    new ConnectorObjectNameGeneratorModule("io.freshet.trino", "trino.plugin.freshet"),
                    // Trino's file systems, with the property names of Trino's Iceberg connector
                    new FileSystemModule(catalogName, context.getNodeManager(), context.getOpenTelemetry(), false),
                    new FreshetModule(),
                    new UpkeepModule(),
                    new ProcedureModule(),
                    new ClusterModule(),
                    new MetricsModule(),
                    binder -> {
                        binder.bind(CatalogName.class).toInstance(new CatalogName(catalogName));
                        // the ClassLoaderSafe* wrappers make it the context class loader of every call into the connector
                        binder.bind(ClassLoader.class).toInstance(FreshetConnectorFactory.class.getClassLoader());
                        binder.bind(OpenTelemetry.class).toInstance(context.getOpenTelemetry());
                        binder.bind(Tracer.class).toInstance(context.getTracer());
                        binder.bind(KafkaClientProperties.class).toInstance(kafkaProperties);
                        binder.bind(NodeManager.class).toInstance(context.getNodeManager());
                        binder.bind(TypeManager.class).toInstance(context.getTypeManager());
                    });
            Injector injector = app
                    .doNotInitializeLogging()
                    .setRequiredConfigurationProperties(freshetProperties)
                    .initialize();
            return injector.getInstance(FreshetConnector.class);
        }
    }
}
