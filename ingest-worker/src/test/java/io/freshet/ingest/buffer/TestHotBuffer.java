package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.flush.ArrowRows;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class TestHotBuffer
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "tags", Types.ListType.ofOptional(3, Types.StringType.get())),
            NestedField.optional(4, "address", Types.StructType.of(NestedField.optional(5, "city", Types.StringType.get())))));

    @Test
    void smallBatchesMergeIntoOneWithTheSameRows()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
            HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, 0);
            long offset = 0;
            for (int batch = 0; batch < 20; batch++) {
                for (int row = 0; row < 3; row++) {
                    String value = "{\"id\": %d, \"tags\": [\"t%d\", null], \"address\": %s}".formatted(offset, offset, offset % 2 == 0 ? "{\"city\": \"Oslo\"}" : "null");
                    decoder.decode(value.getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
                    RecordHeaders headers = new RecordHeaders();
                    headers.add("h", new byte[] {(byte) offset});
                    builder.completeRow(offset, 1000 + offset, null, headers);
                    offset++;
                }
                buffer.append(builder.seal());
            }
            List<List<Object>> before = rows(buffer.cut("before"));

            assertThat(buffer.coalesce(0, 16, 64 * 1024)).isEqualTo(60);
            try (HotCut after = buffer.cut("after")) {
                assertThat(after.batches(0, 0, 60)).hasSize(1);
                assertThat(rows(after)).isEqualTo(before).hasSize(60);
                assertThat(buffer.bufferedBytes()).isEqualTo(after.batches(0, 0, 60).getFirst().sizeInBytes());
            }
            assertThat(buffer.coalesce(0, 16, 64 * 1024)).isZero();
            buffer.releaseLeases("");
            assertThat(buffer.status()).singleElement().satisfies(status -> {
                assertThat(status.hotRows()).isEqualTo(60);
                assertThat(status.highWaterMark()).isEqualTo(60);
            });
            assertThat(buffer.highWaterMarks()).isEqualTo(Map.of(0, 60L));

            buffer.publishCommit(new CommittedState(Optional.of(1L), new OffsetWatermark(Map.of(0, 60L))));
            assertThat(buffer.bufferedBytes()).isZero();
            assertThat(buffer.status()).singleElement().satisfies(status -> assertThat(status.hotRows()).isZero());
        }
    }

    /** A merged batch merges again with the small ones after it; nulls, empty lists and headers survive both copies. */
    @Test
    void mergedBatchesMergeAgainWithEveryValue()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
            HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, 0);
            long offset = 0;
            for (int batch = 0; batch < 40; batch++) {
                // 1 to 7 rows a batch, so that no batch starts at a multiple of a buffer's word
                for (int row = 0; row <= batch % 7; row++) {
                    String tags = switch ((int) (offset % 4)) {
                        case 0 -> "[\"t%d\", null]".formatted(offset);
                        case 1 -> "[]";
                        case 2 -> "null";
                        default -> "[\"%s\"]".formatted("long tag ".repeat((int) (offset % 13)));
                    };
                    String value = "{\"id\": %s, \"tags\": %s, \"address\": %s}".formatted(offset % 5 == 0 ? "null" : offset, tags, offset % 3 == 0 ? "{\"city\": \"Oslo\"}" : "null");
                    decoder.decode(value.getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
                    RecordHeaders headers = new RecordHeaders();
                    for (int header = 0; header < offset % 3; header++) {
                        headers.add("h" + header, offset % 2 == 0 ? null : new byte[] {(byte) offset, (byte) header});
                    }
                    builder.completeRow(offset, 1000 + offset, offset % 2 == 0 ? null : ("key-" + offset).getBytes(StandardCharsets.UTF_8), headers);
                    offset++;
                }
                buffer.append(builder.seal());
                if (batch == 19) {
                    assertThat(buffer.coalesce(0, 16, 64 * 1024)).isEqualTo(77);
                }
            }
            List<List<Object>> before = rows(buffer.cut("before"));
            assertThat(before.get(7)).contains("7", "null", "key-7", "[h0=[[7, 0]]]");

            // the batch merged before (77 rows) and the 20 small ones after it (78 rows, as many as it holds) make one run
            assertThat(buffer.coalesce(0, 16, 64 * 1024)).isEqualTo(155);
            try (HotCut after = buffer.cut("after")) {
                assertThat(after.batches(0, 0, offset)).hasSize(1);
                assertThat(rows(after)).isEqualTo(before).hasSize((int) offset);
                assertThat(buffer.bufferedBytes()).isEqualTo(after.batches(0, 0, offset).getFirst().sizeInBytes());
            }
            buffer.releaseLeases("");
            builder.close();
        }
    }

    /** Vectors grow by doubling; a sealed batch keeps only what its rows use, and keeps the same rows. */
    @Test
    void batchesAreSealedAtTheirUsedSize()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, new SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE));
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
            HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, 0);
            // 5,000 rows: past the first doubling of every vector, far from the next
            for (long offset = 0; offset < 5000; offset++) {
                String value = "{\"id\": %d, \"tags\": [\"tag-%d\"], \"address\": {\"city\": \"city-%d\"}}".formatted(offset, offset, offset % 100);
                decoder.decode(value.getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
                builder.completeRow(offset, 1000 + offset, null, new RecordHeaders());
            }
            long grown = buffer.allocator().getAllocatedMemory();
            HotBatch batch = builder.seal();
            assertThat(batch.rowCount()).isEqualTo(5000);
            assertThat(buffer.allocator().getAllocatedMemory()).isLessThanOrEqualTo((long) (batch.sizeInBytes() * 1.3)).isLessThan(grown);
            buffer.append(batch);
            try (HotCut cut = buffer.cut("sealed")) {
                List<List<Object>> rows = rows(cut);
                assertThat(rows).hasSize(5000);
                assertThat(rows.get(4321).subList(0, 3)).containsExactly("4321", "[tag-4321]", "Record(city-21)");
            }
            buffer.releaseLeases("");
            builder.close();
        }
    }

    @Test
    void closedBufferLeavesReadersTheirBatchesAndClosesItsAllocatorAfterTheLast()
            throws Exception
    {
        try (BufferAllocator root = new RootAllocator()) {
            HotBuffer buffer = new HotBuffer(root.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY));
            buffer.append(batch(buffer, 0, 10));
            HotCut cut = buffer.cut("query/orders");
            assertThat(buffer.cut("query/orders")).as("the same query reads the same cut").isSameAs(cut);
            HotBatch read = cut.batches(0, 0, 10).getFirst();
            assertThat(read.retain()).isTrue();

            buffer.close();
            assertThat(root.getAllocatedMemory()).as("a reader still holds the batch").isPositive();
            assertThat(read.rowCount()).isEqualTo(10);
            assertThat(read.firstRowAtOrAfter(7)).isEqualTo(7);
            assertThat(read.statistics(KafkaMetadataColumns.PARTITION_OFFSET)).hasValueSatisfying(statistics -> {
                assertThat(statistics.min()).contains(0L);
                assertThat(statistics.max()).contains(9L);
            });

            read.release();
            assertThat(root.getAllocatedMemory()).isZero();
            assertThat(read.retain()).as("freed").isFalse();
        }
    }

    @Test
    void ingestLagIsTheAgeOfEachBatchsOldestRecordWhenItBecomesVisible()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            long before = System.currentTimeMillis();
            // the batch's records carry Kafka timestamps 1000 to 1009 ms after the epoch
            buffer.append(batch(buffer, 0, 10));
            long after = System.currentTimeMillis();
            assertThat(buffer.status()).singleElement().satisfies(status -> {
                assertThat(status.ingestLagMillisP50()).isPresent();
                assertThat(status.ingestLagMillisP50().getAsLong()).isBetween(before - 1000, after - 1000);
                assertThat(status.ingestLagMillisP99()).isEqualTo(status.ingestLagMillisP50());
            });
        }
    }

    @Test
    void columnStatisticsCountNullsAndBoundEveryValue()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            Schema schema = KafkaMetadataColumns.withMetadataColumns(List.of(
                    NestedField.optional(1, "id", Types.LongType.get()),
                    NestedField.optional(2, "name", Types.StringType.get()),
                    NestedField.optional(3, "price", Types.DoubleType.get()),
                    NestedField.optional(4, "tags", Types.ListType.ofOptional(5, Types.StringType.get()))));
            JsonRecordDecoder decoder = new JsonRecordDecoder(schema);
            HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), schema, 0, 0);
            List<String> values = List.of(
                    "{\"id\": 5, \"name\": \"b\", \"price\": 0.0, \"tags\": [\"x\"]}",
                    "{\"id\": null, \"name\": \"ä\", \"price\": -2.5}",
                    "{\"id\": -3, \"name\": null, \"price\": null}");
            for (int offset = 0; offset < values.size(); offset++) {
                decoder.decode(values.get(offset).getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
                builder.completeRow(offset, 1000 + offset, null, new RecordHeaders());
            }
            HotBatch batch = builder.seal();
            buffer.append(batch);

            assertThat(batch.statistics("id")).contains(new ColumnStatistics(3, 1, Optional.of(-3L), Optional.of(5L)));
            assertThat(batch.statistics("name")).hasValueSatisfying(statistics -> {
                assertThat(statistics.nullCount()).isEqualTo(1);
                assertThat((byte[]) statistics.min().orElseThrow()).isEqualTo("b".getBytes(StandardCharsets.UTF_8));
                // unsigned byte order: the UTF-8 of ä sorts after ASCII, as varchar compares
                assertThat((byte[]) statistics.max().orElseThrow()).isEqualTo("ä".getBytes(StandardCharsets.UTF_8));
            });
            // 0.0 widens to the signed zeros, which SQL holds equal
            assertThat(batch.statistics("price")).contains(new ColumnStatistics(3, 1, Optional.of(-2.5), Optional.of(0.0)));
            assertThat(batch.statistics(KafkaMetadataColumns.TIMESTAMP)).contains(new ColumnStatistics(3, 0, Optional.of(1_000_000L), Optional.of(1_002_000L)));
            assertThat(batch.statistics("tags")).as("nested columns have none").isEmpty();
            assertThat(batch.statistics("missing")).isEmpty();
        }
    }

    /**
     * A query planned elsewhere on the snapshot before a commit reads the partition from that snapshot's
     * watermark: the owner still holds the committed batches, every split of the query gets the same range,
     * and once the committed batches are gone the lease is refused instead of served partially.
     */
    @Test
    void partitionLeaseReadsFromThePlannedWatermarkAcrossACommit()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            buffer.retainCommittedBatches(() -> 60_000);
            buffer.append(batch(buffer, 0, 10));
            buffer.append(batch(buffer, 10, 10));
            buffer.publishCommit(new CommittedState(Optional.of(1L), new OffsetWatermark(Map.of(0, 20L))));
            buffer.append(batch(buffer, 20, 5));
            assertThat(buffer.retainedCommittedBytes()).isPositive();

            HotCut beforeCommit = buffer.leasePartition("query_1/s.t", 0, 0, Optional.empty()).orElseThrow();
            assertThat(beforeCommit.ranges()).containsExactly(new HotCut.HotRange(0, 0, 25));
            assertThat(ids(beforeCommit)).isEqualTo(LongStream.range(0, 25).boxed().toList());

            buffer.append(batch(buffer, 25, 5));
            assertThat(buffer.leasePartition("query_1/s.t", 0, 0, Optional.empty())).containsSame(beforeCommit);

            HotCut afterCommit = buffer.leasePartition("query_2/s.t", 0, 20, Optional.of(1L)).orElseThrow();
            assertThat(afterCommit.ranges()).containsExactly(new HotCut.HotRange(0, 20, 30));
            assertThat(ids(afterCommit)).isEqualTo(LongStream.range(20, 30).boxed().toList());
            assertThat(buffer.snapshotsInUse()).contains(1L);

            // a partition that has no rows yet leases an empty range from the watermark
            assertThat(buffer.leasePartition("query_2/s.t", 3, 0, Optional.empty()).orElseThrow().ranges()).isEmpty();

            // a partition this buffer starts to hold at a commit made elsewhere: its rows below that commit are not here
            buffer.publishCommit(new CommittedState(Optional.of(2L), new OffsetWatermark(Map.of(0, 20L, 1, 500L))));
            assertThat(buffer.leasePartition("query_4/s.t", 1, 400, Optional.of(1L))).isEmpty();
            assertThat(buffer.leasePartition("query_4/s.t", 1, 500, Optional.of(2L)).orElseThrow().ranges()).isEmpty();
            assertThat(buffer.leasePartition("query_5/s.t", 0, 0, Optional.of(1L))).as("partition 0 held all along").isPresent();

            buffer.retainCommittedBatches(() -> 0);
            assertThat(buffer.retainedCommittedBytes()).isZero();
            assertThat(buffer.leasePartition("query_3/s.t", 0, 0, Optional.empty())).isEmpty();
            // the cut taken before still holds its batches
            assertThat(ids(beforeCommit)).hasSize(25);
            buffer.releaseLeases("query_");
        }
    }

    private static List<Long> ids(HotCut cut)
    {
        List<Long> ids = new ArrayList<>();
        for (HotBatch batch : cut.batches(0, 0, Long.MAX_VALUE)) {
            for (int row = 0; row < batch.rowCount(); row++) {
                ids.add((Long) ArrowRows.value(batch.root().getVector(0), SCHEMA.columns().getFirst().type(), row));
            }
        }
        return ids;
    }

    private static HotBatch batch(HotBuffer buffer, long firstOffset, int rows)
            throws Exception
    {
        JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
        HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, firstOffset);
        for (long offset = firstOffset; offset < firstOffset + rows; offset++) {
            decoder.decode(("{\"id\": " + offset + "}").getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
            builder.completeRow(offset, 1000 + offset, null, new RecordHeaders());
        }
        return builder.seal();
    }

    private static List<List<Object>> rows(HotCut cut)
    {
        List<List<Object>> rows = new ArrayList<>();
        for (HotBatch batch : cut.batches(0, 0, Long.MAX_VALUE)) {
            for (int row = 0; row < batch.rowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (int column = 0; column < SCHEMA.columns().size(); column++) {
                    Object value = ArrowRows.value(batch.root().getVector(column), SCHEMA.columns().get(column).type(), row);
                    values.add(describe(value));
                }
                rows.add(values);
            }
        }
        return rows;
    }

    /** A value as text, with the bytes of binary values (header values) spelled out, which ByteBuffer.toString leaves out. */
    private static String describe(Object value)
    {
        if (value instanceof Map<?, ?> map) {
            List<String> entries = new ArrayList<>();
            map.forEach((key, entry) -> entries.add(describe(key) + "=" + describe(entry)));
            return entries.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TestHotBuffer::describe).toList().toString();
        }
        if (value instanceof ByteBuffer bytes) {
            byte[] copy = new byte[bytes.remaining()];
            bytes.duplicate().get(copy);
            return Arrays.toString(copy);
        }
        return String.valueOf(value);
    }
}
