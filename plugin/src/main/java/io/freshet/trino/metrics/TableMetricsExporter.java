package io.freshet.trino.metrics;

import com.google.common.collect.ImmutableMap;
import com.google.inject.Inject;
import io.freshet.ingest.IngestionListener;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.trino.ingestion.IngestionManager;
import org.weakref.jmx.MBeanExporter;

import javax.management.ObjectName;

import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Exports a {@link TableMetrics} for each table ingested on this node while it runs, named
 * {@code trino.plugin.freshet.metrics:type=TableMetrics,catalog=<catalog>,table=<schema.table>} by Trino's connector name generator.
 */
public final class TableMetricsExporter
        implements IngestionListener
{
    private final MBeanExporter exporter;

    @Inject
    public TableMetricsExporter(MBeanExporter exporter, IngestionManager ingestionManager)
    {
        this.exporter = requireNonNull(exporter, "exporter is null");
        ingestionManager.worker().setIngestionListener(this);
    }

    @Override
    public void started(TableIngester ingester, TableUpkeepTasks maintenance)
    {
        exporter.exportWithGeneratedName(new TableMetrics(ingester, Optional.ofNullable(maintenance)), TableMetrics.class, nameProperties(ingester));
    }

    @Override
    public void stopped(TableIngester ingester)
    {
        exporter.unexportWithGeneratedName(TableMetrics.class, nameProperties(ingester));
    }

    private static Map<String, String> nameProperties(TableIngester ingester)
    {
        String table = ingester.identifier().toString();
        // values with JMX's reserved characters are quoted; plain schema.table names stay readable
        return ImmutableMap.of(
                "type", TableMetrics.class.getSimpleName(),
                "table", table.matches("[^,=:\"*?\\n]*") ? table : ObjectName.quote(table));
    }
}
