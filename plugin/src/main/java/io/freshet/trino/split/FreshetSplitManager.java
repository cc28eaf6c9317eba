package io.freshet.trino.split;

import com.google.inject.Inject;
import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.trino.catalog.FileScanPlans;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.metadata.FreshetMetadata;
import io.freshet.trino.config.FreshetSessionProperties;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.handle.FreshetTransactionHandle;
import io.freshet.trino.metadata.FreshetTransactionManager;
import io.freshet.trino.handle.FreshetTableHandle.HotRange;
import io.freshet.trino.function.VerifyFunctionHandle;
import io.freshet.trino.function.VerifySplit;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.ownership.ClusterNodes;
import io.freshet.trino.handle.FileSplit;
import io.freshet.trino.handle.HotSplit;
import io.trino.spi.Node;
import io.trino.spi.HostAddress;
import io.trino.spi.NodeManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorSplitManager;
import io.trino.spi.connector.ConnectorSplitSource;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.Constraint;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.connector.FixedSplitSource;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.Range;
import io.trino.spi.predicate.TupleDomain;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Table;
import org.apache.iceberg.expressions.Evaluator;
import org.apache.iceberg.expressions.Expression;
import org.apache.iceberg.expressions.InclusiveMetricsEvaluator;
import org.apache.iceberg.expressions.Projections;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_HOT_RANGE_MOVED;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static io.freshet.trino.catalog.TableIdentifiers.toIdentifier;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.NO_NODES_AVAILABLE;
import static java.util.Objects.requireNonNull;

/**
 * Splits a cut into Iceberg file-scan splits for the snapshot and hot-buffer splits for the offsets above
 * its watermark: together every row of the cut exactly once.
 */
public class FreshetSplitManager
        implements ConnectorSplitManager
{
    // large enough that per-split overhead stays small, small enough that 1 M hot rows run on many drivers
    private static final long HOT_SPLIT_ROWS = 65_536;

    private final IngestionManager ingestion;
    private final FreshetTransactionManager transactionManager;
    private final FileScanPlans fileScanPlans;
    private final NodeManager nodeManager;
    private final ClusterNodes clusterNodes;

    @Inject
    public FreshetSplitManager(IngestionManager ingestion, FreshetTransactionManager transactionManager, FileScanPlans fileScanPlans, NodeManager nodeManager, ClusterNodes clusterNodes)
    {
        this.clusterNodes = requireNonNull(clusterNodes, "clusterNodes is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.transactionManager = requireNonNull(transactionManager, "transactionManager is null");
        this.fileScanPlans = requireNonNull(fileScanPlans, "fileScanPlans is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
    }

    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableHandle tableHandle, DynamicFilter dynamicFilter, Constraint constraint)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        handle.ingestionFailure().ifPresent(failure -> {
            throw new TrinoException(FRESHET_INGESTION_NOT_RUNNING,
                    ("Ingestion of %s failed, so the table misses the records consumed since its last commit: %s. "
                            + "Fix the cause and restart ingestion with ALTER TABLE ... SET PROPERTIES, or run SET SESSION <catalog>.%s = true to read the committed rows only")
                            .formatted(handle.schemaTableName(), failure, FreshetSessionProperties.COMMITTED_ONLY));
        });
        if (handle.constraint().isNone()) {
            return FixedSplitSource.emptySplitSource();
        }
        FreshetMetadata metadata = transactionManager.get((FreshetTransactionHandle) transaction);
        List<ConnectorSplit> splits = new ArrayList<>(hotSplits(handle));
        handle.snapshotId().ifPresent(snapshotId -> splits.addAll(fileSplits(metadata, handle, snapshotId)));
        return new FixedSplitSource(splits);
    }

    /**
     * The one split of a {@code system.verify} call: on this node when it is the only worker and holds every hot
     * buffer; on a cluster on one worker, which verifies the committed rows.
     */
    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableFunctionHandle function)
    {
        if (function instanceof VerifyFunctionHandle verify) {
            HostAddress address = clusterNodes.isOnlyWorker()
                    ? nodeManager.getCurrentNode().getHostAndPort()
                    : clusterNodes.workerNodes().stream().min(Comparator.comparing(Node::getNodeIdentifier)).map(Node::getHostAndPort)
                            .orElseThrow(() -> new TrinoException(NO_NODES_AVAILABLE, "No worker node is active to verify %s.%s".formatted(verify.schemaName(), verify.tableName())));
            return new FixedSplitSource(List.of(new VerifySplit(verify.schemaName(), verify.tableName(), address)));
        }
        throw new TrinoException(NOT_SUPPORTED, "Unknown table function " + function);
    }

    /** One split per data file of the snapshot that the predicate's column statistics and partition values cannot rule out. */
    private List<ConnectorSplit> fileSplits(FreshetMetadata metadata, FreshetTableHandle handle, long snapshotId)
    {
        Table table = metadata.table(handle);
        FileScanPlans.Plan plan;
        try {
            plan = fileScanPlans.plan(table, snapshotId);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot plan the files of %s at snapshot %s: %s".formatted(handle.schemaTableName(), snapshotId, e.getMessage()), e);
        }
        if (plan.hasDeletes()) {
            throw new TrinoException(NOT_SUPPORTED, "Table %s has delete files, which Freshet does not read yet".formatted(handle.schemaTableName()));
        }
        Expression filter = IcebergExpressions.toExpression(handle.constraint());
        InclusiveMetricsEvaluator metrics = new InclusiveMetricsEvaluator(table.schema(), filter);
        Map<Integer, Evaluator> partitions = new HashMap<>();
        List<ConnectorSplit> splits = new ArrayList<>();
        for (DataFile file : plan.files()) {
            Evaluator partition = partitions.computeIfAbsent(file.specId(), specId -> {
                PartitionSpec spec = table.specs().get(specId);
                return new Evaluator(spec.partitionType(), Projections.inclusive(spec).project(filter));
            });
            if (partition.eval(file.partition()) && metrics.eval(file)) {
                splits.add(new FileSplit(file.location(), 0, file.fileSizeInBytes(), file.fileSizeInBytes(), file.recordCount()));
            }
        }
        return splits;
    }

    private List<ConnectorSplit> hotSplits(FreshetTableHandle handle)
    {
        if (handle.leaseId().isEmpty()) {
            return List.of();
        }
        String leaseId = handle.leaseId().get();
        Optional<HotCut> cut = ingestion.ingester(toIdentifier(handle.schemaTableName())).flatMap(ingester -> ingester.buffer().lease(leaseId));
        Optional<Map<FreshetColumnHandle, Domain>> domains = handle.constraint().getDomains();
        Domain partitionDomain = domain(domains, KafkaMetadataColumns.PARTITION_ID);
        Domain offsetDomain = domain(domains, KafkaMetadataColumns.PARTITION_OFFSET);
        List<ConnectorSplit> splits = new ArrayList<>();
        for (HotRange range : handle.hotRanges()) {
            if (partitionDomain != null && !partitionDomain.includesNullableValue((long) range.partition())) {
                continue;
            }
            long start = range.startOffset();
            long end = range.endOffset();
            if (offsetDomain != null && !offsetDomain.isAll()) {
                if (offsetDomain.getValues().isNone()) {
                    continue;
                }
                Range span = offsetDomain.getValues().getRanges().getSpan();
                if (!span.isLowUnbounded()) {
                    start = Math.max(start, (Long) span.getLowBoundedValue());
                }
                if (!span.isHighUnbounded()) {
                    end = Math.min(end, (Long) span.getHighBoundedValue() + 1);
                }
            }
            if (start >= end) {
                continue;
            }
            if (range.hasOpenEnd()) {
                splits.add(ownerSplit(handle, leaseId, range, start, end));
                continue;
            }
            if (cut.isEmpty()) {
                // the lease is gone: one split whose page source tells the user to run the query again
                splits.add(hotSplit(handle, leaseId, range.partition(), start, end));
                continue;
            }
            for (OffsetRange offsets : matchingBatchRanges(cut.get().batches(range.partition(), start, end), handle.constraint(), start, end)) {
                splits.add(hotSplit(handle, leaseId, range.partition(), offsets.start(), offsets.end()));
            }
        }
        return splits;
    }

    /**
     * Offset ranges covering the batches whose statistics may match the predicate, consecutive batches joined
     * until a range holds about {@link #HOT_SPLIT_ROWS} rows, so that Trino reads a large hot range on several drivers.
     */
    private static List<OffsetRange> matchingBatchRanges(List<HotBatch> batches, TupleDomain<FreshetColumnHandle> predicate, long start, long end)
    {
        List<OffsetRange> ranges = new ArrayList<>();
        long rangeStart = -1;
        long rangeEnd = -1;
        long rows = 0;
        for (HotBatch batch : batches) {
            if (!batch.retain()) {
                // freed since the cut was looked up: its lease ended, and the page source reports it
                return List.of(new OffsetRange(start, end));
            }
            boolean matches;
            try {
                matches = HotBatchPredicate.mayMatch(batch, predicate);
            }
            finally {
                batch.release();
            }
            if (!matches) {
                if (rangeStart >= 0) {
                    ranges.add(new OffsetRange(rangeStart, rangeEnd));
                    rangeStart = -1;
                    rows = 0;
                }
                continue;
            }
            if (rangeStart < 0) {
                rangeStart = Math.max(start, batch.startOffset());
            }
            rangeEnd = Math.min(end, batch.endOffset());
            rows += batch.rowCount();
            if (rows >= HOT_SPLIT_ROWS) {
                ranges.add(new OffsetRange(rangeStart, rangeEnd));
                rangeStart = -1;
                rows = 0;
            }
        }
        if (rangeStart >= 0) {
            ranges.add(new OffsetRange(rangeStart, rangeEnd));
        }
        return ranges;
    }

    private HotSplit hotSplit(FreshetTableHandle handle, String leaseId, int partition, long start, long end)
    {
        return new HotSplit(handle.schemaName(), handle.tableName(), leaseId, partition, start, end, Optional.empty(), Optional.empty(), nodeManager.getCurrentNode().getHostAndPort());
    }

    /**
     * The split of a partition that another node owns, addressed to that owner: it reads the partition's rows
     * from the cut's watermark up to the owner's high-water mark, which the owner fixes on the query's first
     * split. One split per partition, since only the owner knows its batches.
     */
    private HotSplit ownerSplit(FreshetTableHandle handle, String leaseId, HotRange range, long start, long end)
    {
        Node owner = clusterNodes.owner(toIdentifier(handle.schemaTableName()), range.partition())
                .orElseThrow(() -> new TrinoException(FRESHET_HOT_RANGE_MOVED,
                        "No worker node is active to read partition %s of %s: run the query again once the workers are up".formatted(range.partition(), handle.schemaTableName())));
        return new HotSplit(handle.schemaName(), handle.tableName(), leaseId, range.partition(), start, end, Optional.of(range.startOffset()), handle.snapshotId(), owner.getHostAndPort());
    }

    private record OffsetRange(long start, long end) {}

    private static Domain domain(Optional<Map<FreshetColumnHandle, Domain>> domains, String column)
    {
        return domains.flatMap(map -> map.entrySet().stream()
                        .filter(entry -> entry.getKey().name().equals(column))
                        .map(Map.Entry::getValue)
                        .findFirst())
                .orElse(null);
    }
}
