package io.freshet.trino.system;

import io.freshet.trino.ownership.ClusterNodes;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.RecordCursor;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.predicate.TupleDomain;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.Optional;
import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A system table from rows built when it is read, on the coordinator with the rows of the tables the user may
 * see. A table of the state of the nodes that ingest and keep up the tables is answered there as long as the
 * coordinator is the only worker. On a cluster each node answers for its own tables and partitions: Trino reads
 * the table with one split per node ({@link Distribution#ALL_NODES}), the rows name their node, and since Trino
 * gives a connector no access control on workers, the rows of every table show to users who may read it.
 */
abstract class CoordinatorSystemTable
        implements SystemTable
{
    private final ConnectorTableMetadata metadata;
    private final Optional<ClusterNodes> clusterNodes;

    /** A table answered on the coordinator. */
    protected CoordinatorSystemTable(ConnectorTableMetadata metadata)
    {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clusterNodes = Optional.empty();
    }

    /** A table of the state of each node: on a cluster, answered by every node. */
    protected CoordinatorSystemTable(ConnectorTableMetadata metadata, ClusterNodes clusterNodes)
    {
        this.metadata = requireNonNull(metadata, "metadata is null");
        this.clusterNodes = Optional.of(clusterNodes);
    }

    @Override
    public final Distribution getDistribution()
    {
        return clusterNodes.isEmpty() || clusterNodes.get().isOnlyWorker() ? Distribution.SINGLE_COORDINATOR : Distribution.ALL_NODES;
    }

    @Override
    public final ConnectorTableMetadata getTableMetadata()
    {
        return metadata;
    }

    @Override
    public final RecordCursor cursor(ConnectorTransactionHandle transaction, ConnectorSession session, TupleDomain<Integer> constraint)
    {
        // Trino reads a table of all nodes without access control; on the coordinator alone it always passes the caller's, and without it no table is visible
        return rowsOf(getDistribution() == Distribution.ALL_NODES ? tables() : Set.of());
    }

    @Override
    public final RecordCursor cursor(ConnectorTransactionHandle transaction, ConnectorSession session, TupleDomain<Integer> constraint, Set<Integer> requiredColumns, ConnectorSplit split,
            ConnectorAccessControl accessControl)
    {
        // rows of a table the user may not see would leak its name, topic and progress
        return rowsOf(accessControl.filterTables(null, tables()));
    }

    private RecordCursor rowsOf(Set<SchemaTableName> visibleTables)
    {
        InMemoryRecordSet.Builder rows = InMemoryRecordSet.builder(metadata);
        addRows(rows, visibleTables);
        return rows.build().cursor();
    }

    /** The tables this system table has rows for. */
    protected abstract Set<SchemaTableName> tables();

    protected abstract void addRows(InMemoryRecordSet.Builder rows, Set<SchemaTableName> visibleTables);

    protected static SchemaTableName schemaTableName(TableIdentifier identifier)
    {
        return new SchemaTableName(identifier.namespace().level(0), identifier.name());
    }
}
