package io.freshet.trino.system;

import io.freshet.trino.ownership.ClusterNodes;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.NodeManager;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static java.util.Objects.requireNonNull;

/** A table of the state of each node, with rows for the tables this node's ingest worker runs; each row names the node. */
abstract class RunningTablesSystemTable
        extends CoordinatorSystemTable
{
    protected final IngestionManager ingestion;
    protected final String node;

    protected RunningTablesSystemTable(ConnectorTableMetadata metadata, IngestionManager ingestion, NodeManager nodeManager, ClusterNodes clusterNodes)
    {
        super(metadata, clusterNodes);
        this.node = nodeManager.getCurrentNode().getNodeIdentifier();
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
    }

    @Override
    protected final Set<SchemaTableName> tables()
    {
        return ingestion.worker().listRunning().stream()
                .map(CoordinatorSystemTable::schemaTableName)
                .collect(Collectors.toUnmodifiableSet());
    }

    /** The running tables among those the user may see. */
    protected final List<TableIdentifier> visibleRunningTables(Set<SchemaTableName> visibleTables)
    {
        return ingestion.worker().listRunning().stream()
                .filter(identifier -> visibleTables.contains(schemaTableName(identifier)))
                .toList();
    }
}
