package io.freshet.trino.reader;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.trino.spi.block.Block;
import io.trino.spi.connector.SourcePage;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
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
import java.util.Map;
import java.util.Optional;

import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static org.assertj.core.api.Assertions.assertThat;

class TestHotPageSource
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "name", Types.StringType.get())));
    private static final FreshetColumnHandle ID = new FreshetColumnHandle("id", 1, BIGINT, true);
    private static final FreshetColumnHandle NAME = new FreshetColumnHandle("name", 2, VARCHAR, true);

    @Test
    void readerKeepsItsBatchesWhenTheLeaseEndsAndTheBufferCloses()
            throws Exception
    {
        try (BufferAllocator root = new RootAllocator()) {
            HotBuffer buffer = new HotBuffer(root.newChildAllocator("hot-buffer", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY));
            buffer.append(batch(buffer, 0, 100));
            buffer.append(batch(buffer, 100, 100));
            HotCut cut = buffer.cut("query/orders");
            List<HotBatch> batches = retained(cut.batches(0, 0, 200));
            HotPageSource pageSource = new HotPageSource(batches, List.of(ID, NAME), TupleDomain.all(), 50, 200);

            // the query's lease times out and ALTER TABLE closes the buffer while the query still reads
            buffer.releaseLeases("query/");
            buffer.close();
            assertThat(root.getAllocatedMemory()).isPositive();

            List<Long> ids = new ArrayList<>();
            SourcePage page;
            while ((page = pageSource.getNextSourcePage()) != null) {
                Block block = page.getBlock(0);
                Block names = page.getBlock(1);
                for (int position = 0; position < page.getPositionCount(); position++) {
                    long id = BIGINT.getLong(block, position);
                    ids.add(id);
                    assertThat(VARCHAR.getSlice(names, position).toStringUtf8()).isEqualTo("name-" + id);
                }
            }
            assertThat(ids).hasSize(150).startsWith(50L, 51L).endsWith(199L);

            pageSource.close();
            assertThat(root.getAllocatedMemory()).as("the last reader frees the memory").isZero();
        }
    }

    @Test
    void batchesOutsideThePredicateAreSkipped()
            throws Exception
    {
        try (BufferAllocator root = new RootAllocator();
                HotBuffer buffer = new HotBuffer(root.newChildAllocator("hot-buffer", 0, Long.MAX_VALUE), new CommittedState(Optional.empty(), OffsetWatermark.EMPTY))) {
            buffer.append(batch(buffer, 0, 100));
            buffer.append(batch(buffer, 100, 100));
            buffer.append(batch(buffer, 200, 100));
            HotCut cut = buffer.cut("query/orders");
            TupleDomain<FreshetColumnHandle> predicate = TupleDomain.withColumnDomains(Map.of(ID, Domain.singleValue(BIGINT, 150L)));
            try (HotPageSource pageSource = new HotPageSource(retained(cut.batches(0, 0, 300)), List.of(ID), predicate, 0, 300)) {
                SourcePage page = pageSource.getNextSourcePage();
                assertThat(page.getPositionCount()).as("only the batch whose ids span 150").isEqualTo(100);
                assertThat(BIGINT.getLong(page.getBlock(0), 0)).isEqualTo(100L);
                assertThat(pageSource.getNextSourcePage()).isNull();
                assertThat(pageSource.getCompletedPositions()).hasValue(100);
            }
        }
    }

    private static List<HotBatch> retained(List<HotBatch> batches)
    {
        batches.forEach(batch -> assertThat(batch.retain()).isTrue());
        return batches;
    }

    private static HotBatch batch(HotBuffer buffer, long firstOffset, int rows)
            throws Exception
    {
        JsonRecordDecoder decoder = new JsonRecordDecoder(SCHEMA);
        HotBatchBuilder builder = new HotBatchBuilder(buffer.allocator(), SCHEMA, 0, firstOffset);
        for (long offset = firstOffset; offset < firstOffset + rows; offset++) {
            decoder.decode(("{\"id\": %d, \"name\": \"name-%d\"}".formatted(offset, offset)).getBytes(StandardCharsets.UTF_8), builder.vectors(), builder.nextRow());
            builder.completeRow(offset, 1000 + offset, null, new RecordHeaders());
        }
        return builder.seal();
    }
}
