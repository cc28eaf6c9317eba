package io.freshet.trino.system;

import com.google.inject.Inject;
import io.freshet.ingest.buffer.PartitionStatus;
import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
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
import java.util.stream.Collectors;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;

/**
 * {@code system.ingest_status}: one row per Kafka partition of every table, from the node that ingests it, with
 * its high-water mark, committed offset watermark, lag between them, hot rows, how long records took from
 * their Kafka timestamp into the hot buffer over the last 10 seconds, the table's counters and the offsets
 * Kafka's retention deleted before they were ingested. A partition another writer claimed from this node shows as
 * {@code FENCED} with the reason; while the catalog cannot be opened, one row {@code WAITING_FOR_CATALOG} says why.
 */
public class IngestStatusSystemTable
        extends RunningTablesSystemTable
{
    private static final ConnectorTableMetadata METADATA = new ConnectorTableMetadata(
            new SchemaTableName("system", "ingest_status"),
            List.of(
                    new ColumnMetadata("schema_name", VARCHAR),
                    new ColumnMetadata("table_name", VARCHAR),
                    new ColumnMetadata("topic", VARCHAR),
                    new ColumnMetadata("state", VARCHAR),
                    new ColumnMetadata("failure", VARCHAR),
                    new ColumnMetadata("partition", INTEGER),
                    new ColumnMetadata("high_water_mark", BIGINT),
                    new ColumnMetadata("offset_watermark", BIGINT),
                    new ColumnMetadata("uncommitted_offsets", BIGINT),
                    new ColumnMetadata("hot_rows", BIGINT),
                    new ColumnMetadata("hot_bytes", BIGINT),
                    new ColumnMetadata("consumed_records", BIGINT),
                    new ColumnMetadata("bad_records", BIGINT),
                    new ColumnMetadata("dead_lettered_records", BIGINT),
                    new ColumnMetadata("commits", BIGINT),
                    new ColumnMetadata("last_commit", TIMESTAMP_TZ_MILLIS),
                    new ColumnMetadata("paused", io.trino.spi.type.BooleanType.BOOLEAN),
                    new ColumnMetadata("ingest_lag_p50_ms", BIGINT),
                    new ColumnMetadata("ingest_lag_p99_ms", BIGINT),
                    new ColumnMetadata("lost_offsets", VARCHAR),
                    new ColumnMetadata("node", VARCHAR)));

    @Inject
    public IngestStatusSystemTable(IngestionManager ingestion, NodeManager nodeManager, ClusterNodes clusterNodes)
    {
        super(METADATA, ingestion, nodeManager, clusterNodes);
    }

    @Override
    protected void addRows(InMemoryRecordSet.Builder rows, Set<SchemaTableName> visibleTables)
    {
        CatalogConnection.Status catalog = ingestion.worker().catalogStatus();
        if (!catalog.open() && catalog.failure().isPresent()) {
            // no table is known before the catalog opens: one row says what ingestion waits for
            rows.addRow(null, null, null, IngestionStatus.State.WAITING_FOR_CATALOG.name(),
                    "Waiting for the Iceberg catalog (%s failed attempts): %s".formatted(catalog.failedAttempts(), catalog.failure().get()),
                    null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, node);
        }
        for (TableIdentifier identifier : visibleRunningTables(visibleTables)) {
            TableIngester ingester = ingestion.ingester(identifier).orElse(null);
            if (ingester == null) {
                continue;
            }
            IngestionStatus status = ingester.status();
            if (status.partitions().isEmpty()) {
                // no partition assigned yet (waiting for the topic or its brokers, or failed before): the state and failure still show
                addRow(rows, identifier, ingester, status, null, node);
            }
            for (PartitionStatus partition : status.partitions()) {
                addRow(rows, identifier, ingester, status, partition, node);
            }
            // partitions another writer claimed from this node: stopped here, with the reason
            status.fencedPartitions().forEach((partition, reason) -> rows.addRow(
                    identifier.namespace().level(0),
                    identifier.name(),
                    ingester.binding().topic(),
                    IngestionStatus.State.FENCED.name(),
                    reason,
                    partition,
                    null, null, null, null, null,
                    status.consumedRecords(),
                    status.badRecords(),
                    status.deadLetteredRecords(),
                    status.commits(),
                    status.lastCommitMillis().map(millis -> packDateTimeWithZone(millis, UTC_KEY)).orElse(null),
                    status.paused(),
                    null, null, null,
                    node));
        }
    }

    /** Ranges of the partition that Kafka's retention deleted before they were ingested, as {@code first-last, ...}. */
    private static String lostOffsets(IngestionStatus status, int partition)
    {
        String ranges = status.lostOffsets().stream()
                .filter(range -> range.partition() == partition)
                .map(range -> range.fromOffset() + "-" + (range.toOffset() - 1))
                .collect(Collectors.joining(", "));
        return ranges.isEmpty() ? null : ranges;
    }

    private static void addRow(InMemoryRecordSet.Builder rows, TableIdentifier identifier, TableIngester ingester, IngestionStatus status, PartitionStatus partition, String node)
    {
        boolean assigned = partition != null;
        rows.addRow(
                identifier.namespace().level(0),
                identifier.name(),
                ingester.binding().topic(),
                status.state().name(),
                status.failure().orElse(null),
                assigned ? partition.partition() : null,
                assigned ? partition.highWaterMark() : null,
                assigned ? partition.committedOffset() : null,
                assigned ? partition.highWaterMark() - partition.committedOffset() : null,
                assigned ? partition.hotRows() : null,
                assigned ? partition.hotBytes() : null,
                status.consumedRecords(),
                status.badRecords(),
                status.deadLetteredRecords(),
                status.commits(),
                status.lastCommitMillis().map(millis -> packDateTimeWithZone(millis, UTC_KEY)).orElse(null),
                status.paused(),
                assigned && partition.ingestLagMillisP50().isPresent() ? partition.ingestLagMillisP50().getAsLong() : null,
                assigned && partition.ingestLagMillisP99().isPresent() ? partition.ingestLagMillisP99().getAsLong() : null,
                assigned ? lostOffsets(status, partition.partition()) : null,
                node);
    }
}
