package io.freshet.trino.metrics;

import com.google.inject.Binder;
import com.google.inject.Module;
import io.trino.plugin.base.jmx.ConnectorObjectNameGeneratorModule;
import io.trino.plugin.base.jmx.MBeanServerModule;
import org.weakref.jmx.guice.MBeanModule;

/** Per-table metrics in Trino's MBean server, named per catalog as Trino's connectors name theirs. */
public class MetricsModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        binder.install(new MBeanServerModule());
        binder.install(new MBeanModule());
        binder.install(new ConnectorObjectNameGeneratorModule("io.freshet.trino", "freshet"));
        binder.bind(TableMetricsExporter.class).asEagerSingleton();
    }
}
