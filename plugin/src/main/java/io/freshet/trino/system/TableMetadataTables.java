package io.freshet.trino.system;

import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.commit.LogEntry;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.InMemoryRecordSet;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.SystemTable;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.Set;
import java.util.Locale;
import java.util.Optional;
import java.util.function.Supplier;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.DateTimeEncoding.packDateTimeWithZone;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * Metadata tables of one Freshet table, read as {@code "orders$commits"}: the commit log with each
 * commit's offset watermark, the Iceberg-style {@code $snapshots} and {@code $files}, and {@code $partitions}
 * with the Iceberg and Kafka partitions of the data files side by side.
 */
public final class TableMetadataTables
{
    private TableMetadataTables() {}

    public enum Kind
    {
        COMMITS, SNAPSHOTS, FILES, PARTITIONS
    }

    /** The kind named after the {@code $} of a table name, if it names one. */
    public static Optional<Kind> kind(String tableName)
    {
        int dollar = tableName.indexOf('$');
        if (dollar < 0) {
            return Optional.empty();
        }
        String suffix = tableName.substring(dollar + 1).toUpperCase(Locale.ROOT);
        for (Kind kind : Kind.values()) {
            if (kind.name().equals(suffix)) {
                return Optional.of(kind);
            }
        }
        return Optional.empty();
    }

    public static String baseTableName(String tableName)
    {
        int dollar = tableName.indexOf('$');
        return dollar < 0 ? tableName : tableName.substring(0, dollar);
    }

    public static SystemTable create(SchemaTableName name, Kind kind, Supplier<Table> table)
    {
        return switch (kind) {
            case COMMITS -> new MetadataTable(name, COMMITS_COLUMNS, table, TableMetadataTables::commits);
            case SNAPSHOTS -> new MetadataTable(name, SNAPSHOTS_COLUMNS, table, TableMetadataTables::snapshots);
            case FILES -> new MetadataTable(name, FILES_COLUMNS, table, TableMetadataTables::files);
            case PARTITIONS -> new MetadataTable(name, PARTITIONS_COLUMNS, table, TableMetadataTables::partitions);
        };
    }

    private static final List<ColumnMetadata> COMMITS_COLUMNS = List.of(
            new ColumnMetadata("committed_at", TIMESTAMP_TZ_MILLIS),
            new ColumnMetadata("snapshot_id", BIGINT),
            new ColumnMetadata("parent_id", BIGINT),
            new ColumnMetadata("operation", VARCHAR),
            new ColumnMetadata("ingest_commit", BOOLEAN),
            new ColumnMetadata("offset_watermark", VARCHAR),
            new ColumnMetadata("added_files", BIGINT),
            new ColumnMetadata("removed_files", BIGINT),
            new ColumnMetadata("added_rows", BIGINT),
            new ColumnMetadata("removed_rows", BIGINT),
            new ColumnMetadata("total_files", BIGINT),
            new ColumnMetadata("total_rows", BIGINT),
            new ColumnMetadata("claim", BOOLEAN));

    private static void commits(Table table, InMemoryRecordSet.Builder rows)
    {
        for (LogEntry entry : new TransactionLog(table).history()) {
            rows.addRow(
                    packDateTimeWithZone(entry.timestampMillis(), UTC_KEY),
                    entry.snapshotId(),
                    entry.parentId().orElse(null),
                    entry.operation(),
                    entry.ingestCommit(),
                    entry.watermark().toJson(),
                    entry.addedFiles(),
                    entry.removedFiles(),
                    entry.addedRecords(),
                    entry.removedRecords(),
                    entry.totalFiles(),
                    entry.totalRecords(),
                    entry.claim());
        }
    }

    private static final List<ColumnMetadata> SNAPSHOTS_COLUMNS = List.of(
            new ColumnMetadata("committed_at", TIMESTAMP_TZ_MILLIS),
            new ColumnMetadata("snapshot_id", BIGINT),
            new ColumnMetadata("parent_id", BIGINT),
            new ColumnMetadata("operation", VARCHAR),
            new ColumnMetadata("manifest_list", VARCHAR),
            new ColumnMetadata("summary", VARCHAR));

    private static void snapshots(Table table, InMemoryRecordSet.Builder rows)
    {
        for (Snapshot snapshot : table.snapshots()) {
            rows.addRow(
                    packDateTimeWithZone(snapshot.timestampMillis(), UTC_KEY),
                    snapshot.snapshotId(),
                    snapshot.parentId(),
                    snapshot.operation(),
                    snapshot.manifestListLocation(),
                    snapshot.summary().toString());
        }
    }

    private static final List<ColumnMetadata> FILES_COLUMNS = List.of(
            new ColumnMetadata("file_path", VARCHAR),
            new ColumnMetadata("file_format", VARCHAR),
            new ColumnMetadata("record_count", BIGINT),
            new ColumnMetadata("file_size_in_bytes", BIGINT),
            new ColumnMetadata("kafka_partition", INTEGER),
            new ColumnMetadata("min_offset", BIGINT),
            new ColumnMetadata("max_offset", BIGINT));

    private static void files(Table table, InMemoryRecordSet.Builder rows)
    {
        if (table.currentSnapshot() == null) {
            return;
        }
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                Schema schema = table.schema();
                rows.addRow(
                        file.location(),
                        file.format().name(),
                        file.recordCount(),
                        file.fileSizeInBytes(),
                        KafkaMetadataColumns.kafkaPartition(schema, file).orElse(null),
                        KafkaMetadataColumns.minOffset(schema, file).orElse(null),
                        KafkaMetadataColumns.maxOffset(schema, file).orElse(null));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static final List<ColumnMetadata> PARTITIONS_COLUMNS = List.of(
            new ColumnMetadata("partition", VARCHAR),
            new ColumnMetadata("spec_id", INTEGER),
            new ColumnMetadata("kafka_partition", INTEGER),
            new ColumnMetadata("record_count", BIGINT),
            new ColumnMetadata("file_count", BIGINT),
            new ColumnMetadata("total_size", BIGINT),
            new ColumnMetadata("min_offset", BIGINT),
            new ColumnMetadata("max_offset", BIGINT));

    /**
     * One row per Iceberg partition and Kafka partition of the current snapshot: both layouts side by side. The
     * partition is Iceberg's partition path ({@code ts_day=2026-11-28/id_bucket=3}, empty when unpartitioned).
     */
    private static void partitions(Table table, InMemoryRecordSet.Builder rows)
    {
        if (table.currentSnapshot() == null) {
            return;
        }
        Schema schema = table.schema();
        Map<PartitionKey, long[]> partitions = new TreeMap<>();
        try (CloseableIterable<FileScanTask> tasks = table.newScan().includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                DataFile file = task.file();
                PartitionSpec spec = table.specs().get(file.specId());
                PartitionKey key = new PartitionKey(spec.partitionToPath(file.partition()), file.specId(), KafkaMetadataColumns.kafkaPartition(schema, file).orElse(-1));
                long[] totals = partitions.computeIfAbsent(key, _ -> new long[] {0, 0, 0, Long.MAX_VALUE, Long.MIN_VALUE});
                totals[0] += file.recordCount();
                totals[1]++;
                totals[2] += file.fileSizeInBytes();
                totals[3] = Math.min(totals[3], KafkaMetadataColumns.minOffset(schema, file).orElse(Long.MAX_VALUE));
                totals[4] = Math.max(totals[4], KafkaMetadataColumns.maxOffset(schema, file).orElse(Long.MIN_VALUE));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        partitions.forEach((key, totals) -> rows.addRow(
                key.path(),
                key.specId(),
                key.kafkaPartition() < 0 ? null : key.kafkaPartition(),
                totals[0],
                totals[1],
                totals[2],
                totals[3] == Long.MAX_VALUE ? null : totals[3],
                totals[4] == Long.MIN_VALUE ? null : totals[4]));
    }

    private record PartitionKey(String path, int specId, int kafkaPartition)
            implements Comparable<PartitionKey>
    {
        @Override
        public int compareTo(PartitionKey other)
        {
            return java.util.Comparator.comparing(PartitionKey::path).thenComparingInt(PartitionKey::specId).thenComparingInt(PartitionKey::kafkaPartition).compare(this, other);
        }
    }

    private interface RowWriter
    {
        void write(Table table, InMemoryRecordSet.Builder rows);
    }

    private static final class MetadataTable
            extends CoordinatorSystemTable
    {
        private final SchemaTableName baseTable;
        private final Supplier<Table> table;
        private final RowWriter rowWriter;

        private MetadataTable(SchemaTableName name, List<ColumnMetadata> columns, Supplier<Table> table, RowWriter rowWriter)
        {
            super(new ConnectorTableMetadata(requireNonNull(name, "name is null"), columns));
            this.baseTable = new SchemaTableName(name.getSchemaName(), baseTableName(name.getTableName()));
            this.table = requireNonNull(table, "table is null");
            this.rowWriter = requireNonNull(rowWriter, "rowWriter is null");
        }

        @Override
        protected Set<SchemaTableName> tables()
        {
            return Set.of(baseTable);
        }

        @Override
        protected void addRows(InMemoryRecordSet.Builder rows, Set<SchemaTableName> visibleTables)
        {
            if (!visibleTables.contains(baseTable)) {
                return;
            }
            rowWriter.write(table.get(), rows);
        }
    }
}
