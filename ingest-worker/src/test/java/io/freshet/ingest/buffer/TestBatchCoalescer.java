package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.flush.ArrowRows;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.stream.LongStream;

import static org.assertj.core.api.Assertions.assertThat;

class TestBatchCoalescer
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(NestedField.optional(1, "id", Types.LongType.get())));
    private static final int MINIMUM_BATCHES = 16;
    private static final int MAXIMUM_ROWS = 64 * 1024;

    /**
     * A stream of polls of varying size, coalesced after every poll as the ingest loop does: every row stays
     * readable exactly once in offset order, the batches stay few, and a row is copied a few times, not once per
     * run of small batches until its batch holds 64 K rows (about 8.4 copies a row for this stream).
     */
    @Test
    void smallPollsOfVaryingSizeAreCopiedAFewTimesIntoFewBatches()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            BatchCoalescer coalescer = new BatchCoalescer(MINIMUM_BATCHES, MAXIMUM_ROWS, _ -> List.of());
            List<HotBatchBuilder> builders = List.of(new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, 0), new HotBatchBuilder(buffer.allocator(), SCHEMA, 1, 0));
            long[] nextOffsets = new long[2];
            Random random = new Random(20261130);
            long ingested = 0;
            long copied = 0;
            // 2,000 polls in all, 100 to 400 rows each
            for (int poll = 0; poll < 1000; poll++) {
                for (int partition = 0; partition < 2; partition++) {
                    int rows = 100 + random.nextInt(301);
                    buffer.append(batch(builders.get(partition), nextOffsets[partition], rows));
                    nextOffsets[partition] += rows;
                    ingested += rows;
                }
                copied += coalescer.coalesce(buffer, Set.of(0, 1));

                try (HotCut cut = buffer.cut("poll-" + poll)) {
                    for (int partition = 0; partition < 2; partition++) {
                        List<HotBatch> batches = cut.batches(partition, 0, Long.MAX_VALUE);
                        assertThat(batches).allSatisfy(batch -> assertThat(batch.rowCount()).isLessThanOrEqualTo(MAXIMUM_ROWS));
                        // batches of more than half the limit are never merged again; of the others there are at most
                        // 15 polls not merged yet and one per doubling from 16 polls (1,600 rows or more) up to 32 K rows
                        assertThat(batches.stream().filter(batch -> 2 * batch.rowCount() <= MAXIMUM_ROWS).count()).isLessThanOrEqualTo(20);
                        if (poll % 100 == 99 || poll == 999) {
                            assertThat(ids(batches)).isEqualTo(LongStream.range(0, nextOffsets[partition]).boxed().toList());
                        }
                    }
                }
                buffer.releaseLeases("poll-");
            }
            try (HotCut cut = buffer.cut("end")) {
                for (int partition = 0; partition < 2; partition++) {
                    // about 250,000 rows a partition: at most 7 batches of more than 32 K rows and the 20 smaller ones
                    assertThat(cut.batches(partition, 0, Long.MAX_VALUE)).hasSizeLessThanOrEqualTo(27);
                }
            }
            buffer.releaseLeases("");
            assertThat((double) copied / ingested).as("rows copied by merges per row ingested").isBetween(1.0, 4.0);
            builders.forEach(HotBatchBuilder::close);
        }
    }

    /** A merged batch joins the small batches after it once they hold as many rows as it does; before that they merge among themselves. */
    @Test
    void mergedBatchJoinsTheSmallOnesAfterItOnceTheyHoldAsManyRows()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, 0);
            long offset = appendBatches(buffer, builder, 0, 16, 10);
            assertThat(buffer.coalesce(0, MINIMUM_BATCHES, MAXIMUM_ROWS)).isEqualTo(160);
            offset = appendBatches(buffer, builder, offset, 16, 5);
            assertThat(buffer.coalesce(0, MINIMUM_BATCHES, MAXIMUM_ROWS)).as("the 16 small ones only").isEqualTo(80);
            assertThat(batchSizes(buffer)).containsExactly(160, 80);
            offset = appendBatches(buffer, builder, offset, 15, 5);
            assertThat(buffer.coalesce(0, MINIMUM_BATCHES, MAXIMUM_ROWS)).as("155 rows after the batch of 160").isZero();
            offset = appendBatches(buffer, builder, offset, 1, 5);
            assertThat(buffer.coalesce(0, MINIMUM_BATCHES, MAXIMUM_ROWS)).isEqualTo(320);
            assertThat(batchSizes(buffer)).containsExactly(320);
            try (HotCut cut = buffer.cut("rows")) {
                assertThat(ids(cut.batches(0, 0, Long.MAX_VALUE))).isEqualTo(LongStream.range(0, offset).boxed().toList());
            }
            buffer.releaseLeases("");
            builder.close();
        }
    }

    /** One pass stops merging once it has copied a full merged batch's rows; the next starts with the partition after the last merged. */
    @Test
    void passStopsAfterAFullBatchOfRowsAndTheNextGoesOn()
            throws Exception
    {
        try (BufferAllocator allocator = new RootAllocator();
                HotBuffer buffer = new HotBuffer(allocator.newChildAllocator("test", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            List<HotBatchBuilder> builders = new ArrayList<>();
            for (int partition = 0; partition < 3; partition++) {
                HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, partition, 0);
                builders.add(builder);
                appendBatches(buffer, builder, 0, 16, 2500);
            }
            BatchCoalescer coalescer = new BatchCoalescer(MINIMUM_BATCHES, MAXIMUM_ROWS, _ -> List.of());
            assertThat(coalescer.coalesce(buffer, Set.of(0, 1, 2))).as("partitions 0 and 1").isEqualTo(80_000);
            assertThat(coalescer.coalesce(buffer, Set.of(0, 1, 2))).as("partition 2").isEqualTo(40_000);
            assertThat(coalescer.coalesce(buffer, Set.of(0, 1, 2))).isZero();
            try (HotCut cut = buffer.cut("rows")) {
                for (int partition = 0; partition < 3; partition++) {
                    assertThat(cut.batches(partition, 0, Long.MAX_VALUE)).singleElement().satisfies(batch -> assertThat(batch.rowCount()).isEqualTo(40_000));
                }
            }
            buffer.releaseLeases("");
            builders.forEach(HotBatchBuilder::close);
        }
    }

    private static long appendBatches(HotBuffer buffer, HotBatchBuilder builder, long firstOffset, int batches, int rows)
            throws Exception
    {
        long offset = firstOffset;
        for (int batch = 0; batch < batches; batch++) {
            buffer.append(batch(builder, offset, rows));
            offset += rows;
        }
        return offset;
    }

    private static List<Integer> batchSizes(HotBuffer buffer)
    {
        try (HotCut cut = buffer.cut("sizes")) {
            return cut.batches(0, 0, Long.MAX_VALUE).stream().map(HotBatch::rowCount).toList();
        }
        finally {
            buffer.releaseLeases("sizes");
        }
    }

    private static HotBatch batch(HotBatchBuilder builder, long firstOffset, int rows)
            throws Exception
    {
        JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
        for (long offset = firstOffset; offset < firstOffset + rows; offset++) {
            decoder.decode(("{\"id\": " + offset + "}").getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
            builder.completeRow(offset, 1000 + offset, null, new RecordHeaders());
        }
        return builder.seal();
    }

    private static List<Long> ids(List<HotBatch> batches)
    {
        List<Long> ids = new ArrayList<>();
        for (HotBatch batch : batches) {
            for (int row = 0; row < batch.rowCount(); row++) {
                ids.add((Long) ArrowRows.value(batch.root().getVector(0), SCHEMA.columns().getFirst().type(), row));
            }
        }
        return ids;
    }
}
