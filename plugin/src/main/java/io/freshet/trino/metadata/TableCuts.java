package io.freshet.trino.metadata;

import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.trino.cluster.ClusterCuts;
import io.freshet.trino.config.FreshetSessionProperties;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.predicate.TupleDomain;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.List;
import java.util.Optional;

import static io.freshet.trino.catalog.TableIdentifiers.toIdentifier;
import static java.util.Objects.requireNonNull;

/**
 * The cut of each table a query reads: the committed snapshot with its offset watermark and, when this node ingests
 * the table, the hot ranges above it, leased until the query ends. Every reference to the table in one query reads
 * the same cut. A table whose ingestion failed has a hot buffer nobody fills any more: reading it fails with the
 * reason, unless the session asks for committed rows only.
 */
final class TableCuts
{
    private final IngestionManager ingestion;
    private final ClusterCuts clusterCuts;

    TableCuts(IngestionManager ingestion, ClusterCuts clusterCuts)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.clusterCuts = requireNonNull(clusterCuts, "clusterCuts is null");
    }

    /** The query's cut of the table, as the handle it reads the table with; null when the table does not exist. */
    FreshetTableHandle cut(ConnectorSession session, SchemaTableName tableName, TransactionTables tables)
    {
        TableIdentifier identifier = toIdentifier(tableName);
        if (clusterCuts.plansOnOwners()) {
            return clusterCut(session, tableName, tables);
        }
        Optional<TableIngester> ingester = ingestion.ingester(identifier);
        if (ingester.isEmpty()) {
            Table table;
            try {
                table = tables.table(tableName, Optional.empty());
            }
            catch (TableNotFoundException e) {
                return null;
            }
            Optional<Long> snapshotId = Optional.ofNullable(table.currentSnapshot()).map(Snapshot::snapshotId);
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), snapshotId, Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        HotBuffer buffer = ingester.get().buffer();
        if (FreshetSessionProperties.isCommittedOnly(session)) {
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), buffer.committed().snapshotId(), Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        IngestionStatus status = ingester.get().status();
        if (status.state() == IngestionStatus.State.FAILED) {
            // DDL such as the ALTER TABLE that restarts ingestion still works; reading the table fails with the reason
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), buffer.committed().snapshotId(), Optional.empty(), List.of(), TupleDomain.all(),
                    Optional.of(status.failure().orElse("unknown error")));
        }
        HotCut cut = buffer.cut(session.getQueryId() + "/" + tableName);
        List<FreshetTableHandle.HotRange> ranges = cut.ranges().stream()
                .map(range -> new FreshetTableHandle.HotRange(range.partition(), range.startOffset(), range.endOffset()))
                .toList();
        return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), cut.snapshotId(), Optional.of(cut.leaseId()), ranges, TupleDomain.all(), Optional.empty());
    }

    /**
     * The cut on a cluster: the snapshot from the catalog (the partitions' owners commit it) and, per partition, a
     * hot range from its watermark that the owner closes, read by hot splits on the owners.
     */
    private FreshetTableHandle clusterCut(ConnectorSession session, SchemaTableName tableName, TransactionTables tables)
    {
        Table table;
        try {
            table = tables.table(tableName, () -> clusterCuts.recentTable(toIdentifier(tableName)));
        }
        catch (TableNotFoundException e) {
            return null;
        }
        Optional<TableBinding> binding = TableBinding.fromTableProperties(table.properties());
        Optional<Long> snapshotId = Optional.ofNullable(table.currentSnapshot()).map(Snapshot::snapshotId);
        if (binding.isEmpty() || FreshetSessionProperties.isCommittedOnly(session)) {
            return new FreshetTableHandle(tableName.getSchemaName(), tableName.getTableName(), snapshotId, Optional.empty(), List.of(), TupleDomain.all(), Optional.empty());
        }
        return clusterCuts.cut(session.getQueryId() + "/" + tableName, tableName, table, binding.get());
    }

    /** Releases the leases of the query's cuts on this node once Trino reports that the query ended. */
    void release(ConnectorSession session)
    {
        String prefix = session.getQueryId() + "/";
        for (TableIdentifier identifier : ingestion.worker().listRunning()) {
            ingestion.ingester(identifier).ifPresent(ingester -> ingester.buffer().releaseLeases(prefix));
        }
    }
}
