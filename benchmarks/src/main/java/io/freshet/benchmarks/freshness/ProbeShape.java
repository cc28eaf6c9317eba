package io.freshet.benchmarks.freshness;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.List;
import java.util.Map;

/**
 * The queries a freshness probe repeats until the newest acknowledged record comes back: the shapes users run
 * against a live table. Only the point lookup is narrowed to one batch by its predicate; the tails read every
 * row since the last probe (by offset) or of the last 5 seconds (by time).
 */
enum ProbeShape
{
    POINT("point lookup") {
        @Override
        String sql(String table, SteadyProducer.Acked target, Map<Integer, Long> lastSeen)
        {
            return "SELECT id FROM %s WHERE _partition_id = %d AND _partition_offset = %d".formatted(table, target.partition(), target.offset());
        }

        @Override
        boolean visible(List<List<JsonNode>> rows, SteadyProducer.Acked target, Map<Integer, Long> lastSeen)
        {
            return !rows.isEmpty();
        }
    },
    OFFSET_TAIL("tail by offset") {
        @Override
        String sql(String table, SteadyProducer.Acked target, Map<Integer, Long> lastSeen)
        {
            long since = lastSeen.values().stream().mapToLong(Long::longValue).min().orElse(-1);
            return "SELECT _partition_id, max(_partition_offset) FROM %s WHERE _partition_offset > %d GROUP BY 1".formatted(table, since);
        }
    },
    TIME_TAIL("tail by time") {
        @Override
        String sql(String table, SteadyProducer.Acked target, Map<Integer, Long> lastSeen)
        {
            return "SELECT _partition_id, max(_partition_offset) FROM %s WHERE _timestamp > current_timestamp - INTERVAL '5' SECOND GROUP BY 1".formatted(table);
        }
    };

    private final String label;

    ProbeShape(String label)
    {
        this.label = label;
    }

    String label()
    {
        return label;
    }

    abstract String sql(String table, SteadyProducer.Acked target, Map<Integer, Long> lastSeen);

    /** Whether the answer holds the target; the tails' answers (partition, newest offset) also move {@code lastSeen}. */
    boolean visible(List<List<JsonNode>> rows, SteadyProducer.Acked target, Map<Integer, Long> lastSeen)
    {
        boolean visible = false;
        for (List<JsonNode> row : rows) {
            int partition = row.get(0).asInt();
            long newest = row.get(1).asLong();
            lastSeen.merge(partition, newest, Math::max);
            visible |= partition == target.partition() && newest >= target.offset();
        }
        return visible;
    }
}
