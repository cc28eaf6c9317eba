package io.freshet.trino.system;

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

import java.util.Set;

import static java.util.Objects.requireNonNull;

/**
 * A system table of the state of the nodes that ingest and keep up the tables, from rows built when it is
 * read. On a cluster each node answers for its own tables and partitions: Trino reads it with one split per
 * node ({@link Distribution#ALL_NODES}) and the rows name their node.
 */
abstract class CoordinatorSystemTable
        implements SystemTable
{
    private final ConnectorTableMetadata metadata;

    protected CoordinatorSystemTable(ConnectorTableMetadata metadata)
    {
        this.metadata = requireNonNull(metadata, "metadata is null");
    }

    @Override
    public final Distribution getDistribution()
    {
        return Distribution.ALL_NODES;
    }

    @Override
    public final ConnectorTableMetadata getTableMetadata()
    {
        return metadata;
    }

    @Override
    public final RecordCursor cursor(ConnectorTransactionHandle transaction, ConnectorSession session, TupleDomain<Integer> constraint)
    {
        // Trino always passes the caller's access control; without it no table is visible
        return rowsOf(Set.of());
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
