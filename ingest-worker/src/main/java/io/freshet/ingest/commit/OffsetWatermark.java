package io.freshet.ingest.commit;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freshet.ingest.error.TransactionLogException;

import java.util.Map;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Per Kafka partition, the next offset that is not yet in the table: every record below it is committed.
 * A partition without an entry has nothing committed.
 */
public record OffsetWatermark(Map<Integer, Long> nextOffsets)
{
    private static final ObjectMapper MAPPER = new ObjectMapper();
    public static final OffsetWatermark EMPTY = new OffsetWatermark(Map.of());

    public OffsetWatermark
    {
        nextOffsets = Map.copyOf(new TreeMap<>(requireNonNull(nextOffsets, "nextOffsets is null")));
    }

    public long nextOffset(int partition)
    {
        return nextOffsets.getOrDefault(partition, 0L);
    }

    public boolean contains(int partition)
    {
        return nextOffsets.containsKey(partition);
    }

    /** True when every partition of this watermark is at or beyond the given one's. */
    public boolean covers(OffsetWatermark other)
    {
        return other.nextOffsets.entrySet().stream()
                .allMatch(entry -> nextOffset(entry.getKey()) >= entry.getValue());
    }

    /** Per partition the larger of the two offsets. */
    public OffsetWatermark advancedTo(Map<Integer, Long> offsets)
    {
        Map<Integer, Long> merged = new TreeMap<>(nextOffsets);
        offsets.forEach((partition, offset) -> merged.merge(partition, offset, Math::max));
        return new OffsetWatermark(merged);
    }

    /** Total number of offsets between this watermark and a later one. */
    public long offsetsUntil(OffsetWatermark later)
    {
        long total = 0;
        for (Map.Entry<Integer, Long> entry : later.nextOffsets.entrySet()) {
            total += entry.getValue() - nextOffset(entry.getKey());
        }
        return total;
    }

    public String toJson()
    {
        try {
            return MAPPER.writeValueAsString(new TreeMap<>(nextOffsets));
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    public static OffsetWatermark fromJson(String json)
    {
        try {
            Map<String, Long> parsed = MAPPER.readValue(json, new TypeReference<>() {});
            // JSON null, as the whole value or as an offset, parses without error but is no watermark
            if (parsed == null || parsed.containsValue(null)) {
                throw new TransactionLogException("Invalid offset watermark in snapshot summary: " + json);
            }
            Map<Integer, Long> offsets = new TreeMap<>();
            parsed.forEach((partition, offset) -> offsets.put(Integer.parseInt(partition), offset));
            return new OffsetWatermark(offsets);
        }
        catch (JsonProcessingException | NumberFormatException e) {
            throw new TransactionLogException("Invalid offset watermark in snapshot summary: " + json, e);
        }
    }

    @Override
    public String toString()
    {
        return toJson();
    }
}
