package io.freshet.trino.metrics;

import com.google.inject.Binder;
import com.google.inject.Module;

/**
 * Per-table metrics in Trino's MBean server, named per catalog as Trino's connectors name theirs; the MBean exporter
 * and its name generator are installed by the connector factory.
 */
public class MetricsModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        binder.bind(TableMetricsExporter.class).asEagerSingleton();
    }
}
