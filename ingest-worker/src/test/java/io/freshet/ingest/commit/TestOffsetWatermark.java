package io.freshet.ingest.commit;

import io.freshet.ingest.error.TransactionLogException;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestOffsetWatermark
{
    @Test
    void jsonRoundTrip()
    {
        OffsetWatermark watermark = new OffsetWatermark(Map.of(10, 7L, 2, 1_000_000_000_000L, 0, 0L));

        // partitions in numeric order, so equal watermarks are equal summary text
        assertThat(watermark.toJson()).isEqualTo("{\"0\":0,\"2\":1000000000000,\"10\":7}");
        assertThat(OffsetWatermark.fromJson(watermark.toJson())).isEqualTo(watermark);
        assertThat(watermark).hasToString(watermark.toJson());
    }

    @Test
    void emptyRoundTrip()
    {
        assertThat(OffsetWatermark.EMPTY.toJson()).isEqualTo("{}");
        assertThat(OffsetWatermark.fromJson("{}")).isEqualTo(OffsetWatermark.EMPTY);
        assertThat(OffsetWatermark.fromJson(" { \"3\" : 5 } ").nextOffsets()).containsExactly(Map.entry(3, 5L));
    }

    @Test
    void nextOffsetOfUnknownPartitionIsZero()
    {
        OffsetWatermark watermark = new OffsetWatermark(Map.of(1, 40L));

        assertThat(watermark.nextOffset(1)).isEqualTo(40);
        assertThat(watermark.contains(1)).isTrue();
        assertThat(watermark.nextOffset(0)).isZero();
        assertThat(watermark.contains(0)).isFalse();
        assertThat(OffsetWatermark.EMPTY.nextOffset(5)).isZero();
    }

    @Test
    void advancedToKeepsTheLargerOffsetPerPartition()
    {
        OffsetWatermark watermark = new OffsetWatermark(Map.of(0, 100L, 1, 50L));

        OffsetWatermark advanced = watermark.advancedTo(Map.of(0, 90L, 1, 60L, 2, 5L));

        assertThat(advanced.nextOffsets()).isEqualTo(Map.of(0, 100L, 1, 60L, 2, 5L));
        // the original never changes
        assertThat(watermark.nextOffsets()).isEqualTo(Map.of(0, 100L, 1, 50L));
        assertThat(watermark.advancedTo(Map.of())).isEqualTo(watermark);
    }

    @Test
    void covers()
    {
        OffsetWatermark watermark = new OffsetWatermark(Map.of(0, 100L, 1, 50L));

        assertThat(watermark.covers(OffsetWatermark.EMPTY)).isTrue();
        assertThat(watermark.covers(new OffsetWatermark(Map.of(0, 100L, 1, 50L)))).isTrue();
        assertThat(watermark.covers(new OffsetWatermark(Map.of(0, 99L)))).isTrue();
        assertThat(watermark.covers(new OffsetWatermark(Map.of(1, 51L)))).isFalse();
        // a partition it has never seen is at 0
        assertThat(watermark.covers(new OffsetWatermark(Map.of(2, 0L)))).isTrue();
        assertThat(watermark.covers(new OffsetWatermark(Map.of(2, 1L)))).isFalse();
        assertThat(OffsetWatermark.EMPTY.covers(watermark)).isFalse();
    }

    @Test
    void offsetsUntil()
    {
        OffsetWatermark earlier = new OffsetWatermark(Map.of(0, 100L, 1, 50L));
        OffsetWatermark later = earlier.advancedTo(Map.of(0, 130L, 2, 7L));

        assertThat(earlier.offsetsUntil(later)).isEqualTo(30 + 0 + 7);
        assertThat(OffsetWatermark.EMPTY.offsetsUntil(later)).isEqualTo(130 + 50 + 7);
        assertThat(later.offsetsUntil(later)).isZero();
    }

    @Test
    void nullOffsetsAreRejected()
    {
        assertThatThrownBy(() -> new OffsetWatermark(null))
                .isInstanceOf(NullPointerException.class)
                .hasMessage("nextOffsets is null");
    }

    @Test
    void isImmutable()
    {
        Map<Integer, Long> offsets = new HashMap<>(Map.of(0, 1L));
        OffsetWatermark watermark = new OffsetWatermark(offsets);
        offsets.put(0, 2L);

        assertThat(watermark.nextOffset(0)).isEqualTo(1);
        assertThatThrownBy(() -> watermark.nextOffsets().put(1, 1L)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void malformedJsonIsRejectedWithTheSummaryText()
    {
        for (String json : new String[] {"", "not json", "{\"0\": 1", "[1, 2]", "{\"0\": \"many\"}", "{\"zero\": 1}", "{\"0\": {\"a\": 1}}", "null", "{\"0\": null}"}) {
            assertThatThrownBy(() -> OffsetWatermark.fromJson(json))
                    .as(json)
                    .isInstanceOf(TransactionLogException.class)
                    .hasMessage("Invalid offset watermark in snapshot summary: " + json);
        }
    }
}
