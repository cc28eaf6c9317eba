package io.freshet.trino.metrics;

import io.freshet.ingest.buffer.PartitionStatus;
import io.freshet.ingest.consumer.IngestStages;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import org.weakref.jmx.Managed;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * One table's ingestion, flushes, commits and upkeep on this node, read live from its ingester. Exported through
 * Trino's MBean exporter, so it shows in the {@code jmx} catalog and Trino's OpenMetrics endpoint; the names are
 * listed in docs/operations.md.
 */
public final class TableMetrics
{
    private final TableIngester ingester;
    private final Optional<TableUpkeepTasks> upkeep;

    public TableMetrics(TableIngester ingester, Optional<TableUpkeepTasks> upkeep)
    {
        this.ingester = requireNonNull(ingester, "ingester is null");
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
    }

    @Managed(description = "STARTING, RUNNING, WAITING_FOR_TOPIC, FAILED or STOPPED")
    public String getState()
    {
        return ingester.status().state().name();
    }

    @Managed(description = "Whether consumption is paused because the hot buffers reached freshet.hot-buffer.max-size")
    public boolean isPaused()
    {
        return ingester.status().paused();
    }

    @Managed(description = "Offsets consumed into the hot buffer and not yet committed to Iceberg, summed over partitions")
    public long getUncommittedOffsets()
    {
        return ingester.status().partitions().stream()
                .mapToLong(partition -> Math.max(0, partition.highWaterMark() - partition.committedOffset()))
                .sum();
    }

    @Managed(description = "Rows in the hot buffer")
    public long getHotRows()
    {
        return ingester.status().partitions().stream().mapToLong(PartitionStatus::hotRows).sum();
    }

    @Managed(description = "Bytes of the hot buffer")
    public long getHotBytes()
    {
        return ingester.status().partitions().stream().mapToLong(PartitionStatus::hotBytes).sum();
    }

    @Managed(description = "Largest 99th percentile over partitions of the time from a record's Kafka timestamp until it is queryable, over the last 10 seconds")
    public long getIngestLagMillisP99()
    {
        return ingester.status().partitions().stream()
                .mapToLong(partition -> partition.ingestLagMillisP99().orElse(0))
                .max()
                .orElse(0);
    }

    @Managed(description = "Records consumed from Kafka")
    public long getConsumedRecords()
    {
        return ingester.status().consumedRecords();
    }

    @Managed(description = "Records that could not be decoded")
    public long getBadRecords()
    {
        return ingester.status().badRecords();
    }

    @Managed(description = "Bad records sent to the dead-letter topic")
    public long getDeadLetteredRecords()
    {
        return ingester.status().deadLetteredRecords();
    }

    @Managed(description = "Iceberg snapshots committed by ingestion")
    public long getCommits()
    {
        return ingester.status().commits();
    }

    @Managed(description = "Wall time of all commits, nanoseconds")
    public long getCommitNanos()
    {
        return stages().getCommitNanos();
    }

    @Managed(description = "Wall time of the last commit, nanoseconds")
    public long getLastCommitNanos()
    {
        return stages().getLastCommitNanos();
    }

    @Managed(description = "Flushes that wrote Parquet files")
    public long getFlushes()
    {
        return stages().getFlushes();
    }

    @Managed(description = "Wall time of all flushes writing Parquet, nanoseconds")
    public long getFlushNanos()
    {
        return stages().getFlushNanos();
    }

    @Managed(description = "Wall time of the last flush writing Parquet, nanoseconds")
    public long getLastFlushNanos()
    {
        return stages().getLastFlushNanos();
    }

    @Managed(description = "Bytes of the Parquet files written by flushes")
    public long getFlushedBytes()
    {
        return stages().getFlushedBytes();
    }

    @Managed(description = "Time flushes slept to stay within their CPU share, nanoseconds")
    public long getFlushThrottledNanos()
    {
        return stages().getFlushThrottledNanos();
    }

    @Managed(description = "CPU time polling Kafka, nanoseconds")
    public long getKafkaPollCpuNanos()
    {
        return stages().getKafkaPollCpuNanos();
    }

    @Managed(description = "CPU time decoding records into the hot buffer, nanoseconds")
    public long getDecodeCpuNanos()
    {
        return stages().getDecodeCpuNanos();
    }

    @Managed(description = "CPU time sealing and merging hot batches, nanoseconds")
    public long getBufferCpuNanos()
    {
        return stages().getBufferCpuNanos();
    }

    @Managed(description = "CPU time writing Parquet, nanoseconds")
    public long getParquetCpuNanos()
    {
        return stages().getParquetCpuNanos();
    }

    @Managed(description = "CPU time committing to Iceberg, nanoseconds")
    public long getCommitCpuNanos()
    {
        return stages().getCommitCpuNanos();
    }

    @Managed(description = "Scheduled upkeep runs")
    public long getUpkeepRuns()
    {
        return upkeep.map(TableUpkeepTasks::scheduledRuns).orElse(0L);
    }

    @Managed(description = "Scheduled upkeep runs in which a task failed")
    public long getUpkeepFailedRuns()
    {
        return upkeep.map(TableUpkeepTasks::failedRuns).orElse(0L);
    }

    @Managed(description = "Compactions by upkeep and CALL")
    public long getCompactions()
    {
        return upkeep.map(maintenance -> maintenance.status().compactions()).orElse(0L);
    }

    @Managed(description = "Snapshots expired by upkeep and CALL")
    public long getExpiredSnapshots()
    {
        return upkeep.map(maintenance -> maintenance.status().expiredSnapshots()).orElse(0L);
    }

    @Managed(description = "Orphan files deleted by upkeep and CALL")
    public long getOrphanFilesDeleted()
    {
        return upkeep.map(maintenance -> maintenance.status().orphanFilesDeleted()).orElse(0L);
    }

    private IngestStages stages()
    {
        return ingester.stages();
    }
}
