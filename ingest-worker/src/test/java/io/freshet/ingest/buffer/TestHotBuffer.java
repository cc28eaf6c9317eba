package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog.CommittedState;
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
import java.util.Map;
import java.util.Optional;

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

            assertThat(buffer.coalesce(0, 16, 64 * 1024)).isTrue();
            try (HotCut after = buffer.cut("after")) {
                assertThat(after.batches(0, 0, 60)).hasSize(1);
                assertThat(rows(after)).isEqualTo(before).hasSize(60);
                assertThat(buffer.bufferedBytes()).isEqualTo(after.batches(0, 0, 60).getFirst().sizeInBytes());
            }
            assertThat(buffer.coalesce(0, 16, 64 * 1024)).isFalse();
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

    private static List<List<Object>> rows(HotCut cut)
    {
        List<List<Object>> rows = new ArrayList<>();
        for (HotBatch batch : cut.batches(0, 0, Long.MAX_VALUE)) {
            for (int row = 0; row < batch.rowCount(); row++) {
                List<Object> values = new ArrayList<>();
                for (int column = 0; column < SCHEMA.columns().size(); column++) {
                    Object value = ArrowRows.value(batch.root().getVector(column), SCHEMA.columns().get(column).type(), row);
                    values.add(value instanceof Map<?, ?> map ? map.toString() : String.valueOf(value));
                }
                rows.add(values);
            }
        }
        return rows;
    }
}
