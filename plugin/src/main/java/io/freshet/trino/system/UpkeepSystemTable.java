package io.freshet.trino.system;

import com.google.inject.Inject;
import io.freshet.ingest.upkeep.TableUpkeepTasks.UpkeepStatus;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.cluster.ClusterNodes;
import io.trino.spi.NodeManager;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.List;
import java.util.Set;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;

/** {@code system.upkeep}: one row per table each node keeps up, with what upkeep has done there since start. */
public class UpkeepSystemTable
        extends RunningTablesSystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName("system", "upkeep"),
            List.of(
                    new ColumnMetadata("schema_name", VARCHAR),
                    new ColumnMetadata("table_name", VARCHAR),
                    new ColumnMetadata("compactions", BIGINT),
                    new ColumnMetadata("compacted_files", BIGINT),
                    new ColumnMetadata("written_files", BIGINT),
                    new ColumnMetadata("rewritten_bytes", BIGINT),
                    new ColumnMetadata("manifest_rewrites", BIGINT),
                    new ColumnMetadata("expired_snapshots", BIGINT),
                    new ColumnMetadata("expiry_deleted_files", BIGINT),
                    new ColumnMetadata("orphan_files_deleted", BIGINT),
                    new ColumnMetadata("last_run", TIMESTAMP_TZ_MILLIS),
                    new ColumnMetadata("last_failure", VARCHAR),
                    new ColumnMetadata("node", VARCHAR)));

    @Inject
    public UpkeepSystemTable(IngestionManager ingestion, NodeManager nodeManager, ClusterNodes clusterNodes)
    {
        super(METADATA, ingestion, nodeManager, clusterNodes);
    }

    @Override
    protected void addRows(InMemoryRecordSet.Builder rows, Set<SchemaTableName> visibleTables)
    {
        for (TableIdentifier identifier : visibleRunningTables(visibleTables)) {
            TableUpkeepTasks maintenance = ingestion.worker().runningUpkeep(identifier).orElse(null);
            if (maintenance == null) {
                continue;
            }
            UpkeepStatus status = maintenance.status();
            rows.addRow(
                    identifier.namespace().level(0),
                    identifier.name(),
                    status.compactions(),
                    status.compactedFiles(),
                    status.writtenFiles(),
                    status.rewrittenBytes(),
                    status.manifestRewrites(),
                    status.expiredSnapshots(),
                    status.expiryDeletedFiles(),
                    status.orphanFilesDeleted(),
                    status.lastRunMillis().map(millis -> packDateTimeWithZone(millis, UTC_KEY)).orElse(null),
                    status.lastFailure().orElse(null),
                    node);
        }
    }
}
