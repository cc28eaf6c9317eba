package io.freshet.trino.cluster;

import com.google.inject.Inject;
import io.freshet.ingest.cluster.PartitionEpochs;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.error.IngestException;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.config.ClusterReadConfig;
import io.freshet.trino.config.FreshetConfig;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.handle.FreshetTableHandle.HotRange;
import io.freshet.trino.ownership.ClusterNodes;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.predicate.TupleDomain;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static java.util.Objects.requireNonNull;

/**
 * Plans a query's cut on a node that does not own every partition of the table (the coordinator of a
 * cluster): the newest snapshot it knows, at most {@code freshet.cluster.snapshot-max-age} old, and per Kafka
 * partition claimed at that snapshot a hot range from its offset watermark with an open end, which the partition's owner
 * closes at its high-water mark. The owners keep committed batches longer than that age, so the range's
 * start is still in their hot buffers.
 */
public final class ClusterCuts
{
    private final ClusterNodes clusterNodes;
    private final KafkaTopicAdmin topicAdmin;
    private final TableCache tableCache;
    private final long snapshotMaxAgeMillis;
    private final boolean ingestionEnabled;

    @Inject
    public ClusterCuts(ClusterNodes clusterNodes, KafkaTopicAdmin topicAdmin, TableCache tableCache, ClusterReadConfig config, FreshetConfig freshetConfig)
    {
        this.clusterNodes = requireNonNull(clusterNodes, "clusterNodes is null");
        this.topicAdmin = requireNonNull(topicAdmin, "topicAdmin is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.snapshotMaxAgeMillis = config.getSnapshotMaxAge().toMillis();
        this.ingestionEnabled = freshetConfig.isIngestionEnabled();
    }

    /** Whether cuts are planned here from the catalog, with hot splits on the partitions' owners. */
    public boolean plansOnOwners()
    {
        return ingestionEnabled && !clusterNodes.isOnlyWorker();
    }

    /** The table's metadata, at most {@code freshet.cluster.snapshot-max-age} old. */
    public Table recentTable(TableIdentifier identifier)
    {
        return tableCache.recent(identifier, snapshotMaxAgeMillis);
    }

    /** The cut of a table bound to a topic: its current snapshot and, per partition, the hot range above that snapshot's watermark. */
    public FreshetTableHandle cut(String leaseId, SchemaTableName name, Table table, TableBinding binding)
    {
        Snapshot snapshot = table.currentSnapshot();
        OffsetWatermark watermark;
        PartitionEpochs epochs;
        try {
            watermark = snapshot == null ? OffsetWatermark.EMPTY : new TransactionLog(table).watermark(snapshot);
            epochs = snapshot == null ? PartitionEpochs.EMPTY : new TransactionLog(table).epochs(snapshot);
        }
        catch (IngestException e) {
            throw FreshetErrors.fromIngest(e);
        }
        int partitions;
        try {
            partitions = topicAdmin.partitionCount(binding.topic());
        }
        catch (IngestException e) {
            throw FreshetErrors.fromIngest("Cannot plan the hot rows of %s".formatted(name), e);
        }
        // the partition count is cached: a topic that just grew may already have a watermark for a partition beyond it
        int partitionLimit = Math.max(partitions, watermark.nextOffsets().keySet().stream().mapToInt(partition -> partition + 1).max().orElse(0));
        List<HotRange> ranges = new ArrayList<>();
        for (int partition = 0; partition < partitionLimit; partition++) {
            // a node consumes a partition only after its claim commit: a partition no one had claimed at the snapshot
            // has no row above the watermark in any hot buffer the query must read, so it gets no hot split
            if (epochs.epochs().containsKey(partition)) {
                ranges.add(new HotRange(partition, watermark.nextOffset(partition), HotRange.OPEN_END));
            }
        }
        return new FreshetTableHandle(name.getSchemaName(), name.getTableName(), Optional.ofNullable(snapshot).map(Snapshot::snapshotId), Optional.of(leaseId), ranges,
                TupleDomain.all(), Optional.empty());
    }
}
