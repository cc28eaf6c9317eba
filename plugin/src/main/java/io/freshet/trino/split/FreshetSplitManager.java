package io.freshet.trino.split;

import com.google.inject.Inject;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.trino.FreshetColumnHandle;
import io.freshet.trino.FreshetTableHandle;
import io.freshet.trino.FreshetTableHandle.HotRange;
import io.freshet.trino.function.VerifyFunctionHandle;
import io.freshet.trino.function.VerifySplit;
import io.freshet.trino.ingestion.IngestionManager;
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
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.trino.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.FreshetMetadata.toIdentifier;
import static io.freshet.trino.ingestion.IngestionManager.withPluginClassLoader;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * Splits a cut into Iceberg file-scan splits for the snapshot and hot-buffer splits for the offsets above
 * its watermark: together every row of the cut exactly once.
 */
public class FreshetSplitManager
        implements ConnectorSplitManager
{
    private final IngestionManager ingestion;
    private final NodeManager nodeManager;

    @Inject
    public FreshetSplitManager(IngestionManager ingestion, NodeManager nodeManager)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.nodeManager = requireNonNull(nodeManager, "nodeManager is null");
    }

    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableHandle tableHandle, DynamicFilter dynamicFilter, Constraint constraint)
    {
        FreshetTableHandle handle = (FreshetTableHandle) tableHandle;
        if (handle.constraint().isNone()) {
            return FixedSplitSource.emptySplitSource();
        }
        List<ConnectorSplit> splits = new ArrayList<>(hotSplits(handle));
        handle.snapshotId().ifPresent(snapshotId -> splits.addAll(fileSplits(handle, snapshotId)));
        return new FixedSplitSource(splits);
    }

    /** The one split of a {@code system.verify} call, on this node, which holds the hot buffers. */
    @Override
    public ConnectorSplitSource getSplits(ConnectorTransactionHandle transaction, ConnectorSession session, ConnectorTableFunctionHandle function)
    {
        if (function instanceof VerifyFunctionHandle verify) {
            return new FixedSplitSource(List.of(new VerifySplit(verify.schemaName(), verify.tableName(), nodeManager.getCurrentNode().getHostAndPort())));
        }
        throw new TrinoException(NOT_SUPPORTED, "Unknown table function " + function);
    }

    private List<ConnectorSplit> fileSplits(FreshetTableHandle handle, long snapshotId)
    {
        return withPluginClassLoader(() -> {
            Table table;
            try {
                table = ingestion.catalog().loadTable(toIdentifier(handle.schemaTableName()));
            }
            catch (RuntimeException e) {
                throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot load table %s: %s".formatted(handle.schemaTableName(), e.getMessage()), e);
            }
            List<ConnectorSplit> splits = new ArrayList<>();
            try (CloseableIterable<FileScanTask> tasks = table.newScan()
                    .useSnapshot(snapshotId)
                    .filter(IcebergExpressions.toExpression(handle.constraint()))
                    .planFiles()) {
                for (FileScanTask task : tasks) {
                    if (!task.deletes().isEmpty()) {
                        throw new TrinoException(NOT_SUPPORTED, "Table %s has delete files, which Freshet does not read yet".formatted(handle.schemaTableName()));
                    }
                    splits.add(new FileSplit(task.file().location(), task.start(), task.length(), task.file().fileSizeInBytes(), task.file().recordCount()));
                }
            }
            catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            return splits;
        });
    }

    private List<ConnectorSplit> hotSplits(FreshetTableHandle handle)
    {
        if (handle.leaseId().isEmpty()) {
            return List.of();
        }
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
            if (start < end) {
                splits.add(new HotSplit(handle.schemaName(), handle.tableName(), handle.leaseId().get(), range.partition(), start, end, nodeManager.getCurrentNode().getHostAndPort()));
            }
        }
        return splits;
    }

    private static Domain domain(Optional<Map<FreshetColumnHandle, Domain>> domains, String column)
    {
        return domains.flatMap(map -> map.entrySet().stream()
                        .filter(entry -> entry.getKey().name().equals(column))
                        .map(Map.Entry::getValue)
                        .findFirst())
                .orElse(null);
    }
}
