package io.freshet.trino.cluster;

import com.google.inject.Inject;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.trino.config.ClusterReadConfig;
import io.freshet.trino.config.FreshetSessionProperties;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.handle.HotSplit;
import io.freshet.trino.ownership.ClusterNodes;
import io.trino.spi.TrinoException;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.concurrent.TimeUnit;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_HOT_RANGE_MOVED;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static java.util.Objects.requireNonNull;

/**
 * The owner's side of a cut planned on another node: leases a partition's hot range from the cut's offset
 * watermark up to this node's high-water mark, or fails with an error that says to run the query again when
 * this node cannot serve exactly those rows (the partition moved, or a commit released them too long ago). A
 * partial range is never served.
 */
public final class OwnedHotRanges
{
    private final IngestionManager ingestion;
    private final ClusterNodes clusterNodes;

    @Inject
    public OwnedHotRanges(IngestionManager ingestion, ClusterNodes clusterNodes, ClusterReadConfig config)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.clusterNodes = requireNonNull(clusterNodes, "clusterNodes is null");
        // owners keep committed batches for queries that the coordinator planned on the snapshot before the commit;
        // a node that is the only worker plans every cut from its own hot buffer and needs none
        long retentionMillis = config.getCommittedBatchRetention().toMillis();
        ingestion.worker().retainCommittedBatches(() -> clusterNodes.isOnlyWorker() ? 0 : retentionMillis);
    }

    /** The partition's cut for the split's query, taken by its first split on this node. */
    public HotCut lease(HotSplit split)
    {
        long cutStart = split.cutStartOffset().orElseThrow(() -> new IllegalArgumentException("Split was planned on this node: " + split));
        TableIdentifier identifier = TableIdentifier.of(split.schemaName(), split.tableName());
        TableIngester ingester = ingestion.ingester(identifier)
                .orElseThrow(() -> moved(split, "node %s does not ingest the table".formatted(clusterNodes.currentNode().getNodeIdentifier())));
        IngestionStatus status = ingester.status();
        if (status.state() == IngestionStatus.State.FAILED) {
            throw new TrinoException(FRESHET_INGESTION_NOT_RUNNING,
                    ("Ingestion of %s.%s failed on node %s, so the table misses the records consumed since its last commit: %s. "
                            + "Fix the cause and restart ingestion with ALTER TABLE ... SET PROPERTIES, or run SET SESSION <catalog>.%s = true to read the committed rows only")
                            .formatted(split.schemaName(), split.tableName(), clusterNodes.currentNode().getNodeIdentifier(), status.failure().orElse("unknown error"),
                                    FreshetSessionProperties.COMMITTED_ONLY));
        }
        // what the ingester holds, not this node's view of the owners, decides: checked again after the lease, so
        // that a partition released meanwhile never leaves a lease without its rows
        requireHeld(ingester, split);
        HotCut cut = ingester.buffer().leasePartition(split.leaseId(), split.partition(), cutStart, split.snapshotId())
                .orElseThrow(() -> moved(split, "node %s no longer holds its rows from offset %s (committed more than %s s ago, or ingestion of the partition started here above it)"
                        .formatted(clusterNodes.currentNode().getNodeIdentifier(), cutStart, TimeUnit.MILLISECONDS.toSeconds(ingester.buffer().committedBatchRetentionMillis()))));
        try {
            requireHeld(ingester, split);
        }
        catch (TrinoException e) {
            ingester.buffer().releasePartitionLease(split.leaseId(), split.partition());
            throw e;
        }
        return cut;
    }

    private void requireHeld(TableIngester ingester, HotSplit split)
    {
        if (!ingester.heldPartitions().containsKey(split.partition())) {
            throw moved(split, "node %s does not hold it (it moved, or this node has not claimed it yet)".formatted(clusterNodes.currentNode().getNodeIdentifier()));
        }
    }

    private static TrinoException moved(HotSplit split, String reason)
    {
        return new TrinoException(FRESHET_HOT_RANGE_MOVED, "Hot rows of partition %s of %s.%s cannot be read as planned: %s. Run the query again"
                .formatted(split.partition(), split.schemaName(), split.tableName(), reason));
    }
}
