package io.freshet.ingest.verify;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.LostOffsets;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.error.TransactionLogException;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.vector.BigIntVector;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.util.SnapshotUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * The {@code _partition_offset} of every row a query of the table sees, per Kafka partition, and the offset
 * below which the table claims to hold every record: the high-water mark of a cut, or the offset watermark
 * of a snapshot when only committed rows are read.
 */
public final class TableContents
{
    private final Map<Integer, long[]> offsets;
    private final Map<Integer, Long> checkedUntilOffsets;
    private final List<LostOffsets> lostOffsets;

    private TableContents(Map<Integer, OffsetList> offsets, Map<Integer, Long> checkedUntilOffsets, List<LostOffsets> lostOffsets)
    {
        this.lostOffsets = List.copyOf(lostOffsets);
        Map<Integer, long[]> sorted = new TreeMap<>();
        offsets.forEach((partition, list) -> sorted.put(partition, list.sorted()));
        this.offsets = sorted;
        this.checkedUntilOffsets = Map.copyOf(checkedUntilOffsets);
    }

    /** The rows of the table's current snapshot, checked up to its offset watermark. */
    public static TableContents committed(Table table)
    {
        CommittedState committed = new TransactionLog(table).current();
        Map<Integer, OffsetList> offsets = new HashMap<>();
        committed.snapshotId().ifPresent(snapshotId -> readSnapshot(table, snapshotId, offsets));
        return new TableContents(offsets, committed.watermark().nextOffsets(), committed.snapshotId().map(snapshotId -> lostOffsets(table, snapshotId)).orElse(List.of()));
    }

    /** What a query with this cut reads: the rows of its snapshot and the hot rows above its watermark. */
    public static TableContents of(Table table, HotCut cut)
    {
        requireNonNull(cut, "cut is null");
        Map<Integer, OffsetList> offsets = new HashMap<>();
        cut.snapshotId().ifPresent(snapshotId -> readSnapshot(table, snapshotId, offsets));
        OffsetWatermark watermark = cut.watermark();
        Map<Integer, Long> checkedUntil = new HashMap<>(watermark.nextOffsets());
        for (HotCut.HotRange range : cut.ranges()) {
            checkedUntil.merge(range.partition(), range.endOffset(), Math::max);
            OffsetList partitionOffsets = offsets.computeIfAbsent(range.partition(), _ -> new OffsetList());
            for (HotBatch batch : cut.batches(range.partition(), range.startOffset(), range.endOffset())) {
                BigIntVector vector = (BigIntVector) batch.vector(batch.schema().findField(KafkaMetadataColumns.PARTITION_OFFSET).fieldId());
                for (int row = batch.firstRowAtOrAfter(range.startOffset()); row < batch.rowCount(); row++) {
                    long offset = vector.get(row);
                    if (offset >= range.endOffset()) {
                        break;
                    }
                    partitionOffsets.add(offset);
                }
            }
        }
        return new TableContents(offsets, checkedUntil, cut.snapshotId().map(snapshotId -> lostOffsets(table, snapshotId)).orElse(List.of()));
    }

    /** The ranges the commits up to a snapshot record as lost to Kafka's retention. */
    private static List<LostOffsets> lostOffsets(Table table, long snapshotId)
    {
        List<LostOffsets> lost = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.ancestorsOf(snapshotId, table::snapshot)) {
            lost.addAll(0, LostOffsets.fromSummary(snapshot.summary().get(LostOffsets.SUMMARY_KEY)));
        }
        return lost;
    }

    private static void readSnapshot(Table table, long snapshotId, Map<Integer, OffsetList> offsets)
    {
        Snapshot snapshot = table.snapshot(snapshotId);
        if (snapshot == null) {
            throw new TransactionLogException("Snapshot %s of %s no longer exists; run the check again".formatted(snapshotId, table.name()));
        }
        try (CloseableIterable<Record> records = IcebergGenerics.read(table)
                .useSnapshot(snapshotId)
                .select(KafkaMetadataColumns.PARTITION_ID, KafkaMetadataColumns.PARTITION_OFFSET)
                .build()) {
            for (Record record : records) {
                int partition = ((Long) record.getField(KafkaMetadataColumns.PARTITION_ID)).intValue();
                offsets.computeIfAbsent(partition, _ -> new OffsetList()).add((Long) record.getField(KafkaMetadataColumns.PARTITION_OFFSET));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot read the data files of " + table.name(), e);
        }
    }

    /** The ranges of a partition the table's commits record as deleted by Kafka's retention before they were ingested. */
    public List<LostOffsets> lostOffsets(int partition)
    {
        return lostOffsets.stream().filter(range -> range.partition() == partition).toList();
    }

    /** Whether the table claims offsets of this partition: a watermark entry or hot rows. */
    public boolean hasCheckedOffset(int partition)
    {
        return checkedUntilOffsets.containsKey(partition);
    }

    /** Partitions with rows or with a checked offset. */
    public Set<Integer> partitions()
    {
        Set<Integer> partitions = new TreeSet<>(offsets.keySet());
        partitions.addAll(checkedUntilOffsets.keySet());
        return partitions;
    }

    /** The partition's offsets in ascending order, one entry per row. */
    public long[] offsets(int partition)
    {
        return offsets.getOrDefault(partition, new long[0]);
    }

    public long checkedUntilOffset(int partition)
    {
        return Optional.ofNullable(checkedUntilOffsets.get(partition)).orElse(0L);
    }

    private static final class OffsetList
    {
        private long[] values = new long[1024];
        private int size;

        void add(long value)
        {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = value;
        }

        long[] sorted()
        {
            long[] result = Arrays.copyOf(values, size);
            Arrays.sort(result);
            return result;
        }
    }
}
