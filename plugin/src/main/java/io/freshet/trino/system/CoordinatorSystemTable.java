package io.freshet.trino.system;

import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.RecordCursor;
import io.trino.spi.connector.SystemTable;
import io.trino.spi.predicate.TupleDomain;

import static java.util.Objects.requireNonNull;

/** A system table answered on the coordinator, which ingests and keeps up the tables, from rows built when it is read. */
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
        return Distribution.SINGLE_COORDINATOR;
    }

    @Override
    public final ConnectorTableMetadata getTableMetadata()
    {
        return metadata;
    }

    @Override
    public final RecordCursor cursor(ConnectorTransactionHandle transaction, ConnectorSession session, TupleDomain<Integer> constraint)
    {
        InMemoryRecordSet.Builder rows = InMemoryRecordSet.builder(metadata);
        addRows(rows);
        return rows.build().cursor();
    }

    protected abstract void addRows(InMemoryRecordSet.Builder rows);
}
