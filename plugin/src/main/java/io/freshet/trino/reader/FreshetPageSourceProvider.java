package io.freshet.trino.reader;

import com.google.inject.Inject;
import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.trino.cluster.OwnedHotRanges;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.reader.parquet.ParquetFilePageSourceFactory;
import io.freshet.trino.reader.parquet.ParquetReadColumn;
import io.freshet.trino.handle.FileSplit;
import io.freshet.trino.handle.HotSplit;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ConnectorPageSource;
import io.trino.spi.connector.ConnectorPageSourceProvider;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.ConnectorTableHandle;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.DynamicFilter;
import io.trino.spi.predicate.TupleDomain;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_HOT_RANGE_RELEASED;
import static java.util.Objects.requireNonNull;

public class FreshetPageSourceProvider
        implements ConnectorPageSourceProvider
{
    private final IngestionManager ingestion;
    private final ParquetFilePageSourceFactory parquetFactory;
    private final OwnedHotRanges ownedHotRanges;

    @Inject
    public FreshetPageSourceProvider(IngestionManager ingestion, ParquetFilePageSourceFactory parquetFactory, OwnedHotRanges ownedHotRanges)
    {
        this.ownedHotRanges = requireNonNull(ownedHotRanges, "ownedHotRanges is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.parquetFactory = requireNonNull(parquetFactory, "parquetFactory is null");
    }

    @Override
    public ConnectorPageSource createPageSource(
            ConnectorTransactionHandle transaction,
            ConnectorSession session,
            ConnectorSplit split,
            ConnectorTableHandle table,
            List<ColumnHandle> columns,
            DynamicFilter dynamicFilter)
    {
        List<FreshetColumnHandle> freshetColumns = columns.stream().map(FreshetColumnHandle.class::cast).toList();
        FreshetTableHandle handle = (FreshetTableHandle) table;
        TupleDomain<FreshetColumnHandle> predicate = handle.constraint().intersect(dynamicFilter.getCurrentPredicate().transformKeys(FreshetColumnHandle.class::cast));
        return switch (split) {
            case HotSplit hot -> hotPageSource(hot, freshetColumns, predicate);
            case FileSplit file -> filePageSource(session, file, freshetColumns, predicate);
            default -> throw new IllegalArgumentException("Unknown split " + split);
        };
    }

    private ConnectorPageSource hotPageSource(HotSplit split, List<FreshetColumnHandle> columns, TupleDomain<FreshetColumnHandle> predicate)
    {
        if (split.cutStartOffset().isPresent()) {
            // planned on another node: this owner fixes the partition's range on the query's first split
            HotCut cut = ownedHotRanges.lease(split);
            long highWaterMark = cut.ranges().stream()
                    .filter(range -> range.partition() == split.partition())
                    .mapToLong(HotCut.HotRange::endOffset)
                    .findFirst()
                    .orElse(split.cutStartOffset().get());
            long end = Math.min(split.endOffset(), highWaterMark);
            if (split.startOffset() >= end) {
                return new HotPageSource(List.of(), columns, predicate, split.startOffset(), split.startOffset());
            }
            List<HotBatch> owned = retain(cut.batches(split.partition(), split.startOffset(), end))
                    .orElseThrow(() -> released(split));
            return new HotPageSource(owned, columns, predicate, split.startOffset(), end);
        }
        List<HotBatch> batches = ingestion.ingester(TableIdentifier.of(split.schemaName(), split.tableName()))
                .flatMap(ingester -> ingester.buffer().lease(split.leaseId()))
                .flatMap(cut -> retain(cut.batches(split.partition(), split.startOffset(), split.endOffset())))
                .orElseThrow(() -> released(split));
        return new HotPageSource(batches, columns, predicate, split.startOffset(), split.endOffset());
    }

    private static TrinoException released(HotSplit split)
    {
        return new TrinoException(FRESHET_HOT_RANGE_RELEASED,
                "Rows of %s.%s from the hot buffer were released before the query read them (ingestion restarted or freshet.query-lease-timeout passed): run the query again"
                        .formatted(split.schemaName(), split.tableName()));
    }

    /** One reference on every batch for the page source, or empty when one was freed meanwhile (its lease ended). */
    private static Optional<List<HotBatch>> retain(List<HotBatch> batches)
    {
        List<HotBatch> retained = new ArrayList<>(batches.size());
        for (HotBatch batch : batches) {
            if (!batch.retain()) {
                retained.forEach(HotBatch::release);
                return Optional.empty();
            }
            retained.add(batch);
        }
        return Optional.of(retained);
    }

    private ConnectorPageSource filePageSource(ConnectorSession session, FileSplit split, List<FreshetColumnHandle> columns, TupleDomain<FreshetColumnHandle> predicate)
    {
        Map<FreshetColumnHandle, ParquetReadColumn> readColumns = new HashMap<>();
        for (FreshetColumnHandle column : columns) {
            readColumns.put(column, toReadColumn(column));
        }
        TupleDomain<ParquetReadColumn> filePredicate = predicate.transformKeys(column -> readColumns.computeIfAbsent(column, FreshetPageSourceProvider::toReadColumn));
        return parquetFactory.createPageSource(
                session,
                split.path(),
                split.start(),
                split.length(),
                split.fileSize(),
                columns.stream().map(readColumns::get).toList(),
                filePredicate);
    }

    private static ParquetReadColumn toReadColumn(FreshetColumnHandle column)
    {
        // top-level columns match by Iceberg field id; nested fields by name, which Freshet never renames
        return new ParquetReadColumn(column.fieldId(), column.name(), column.type());
    }
}
