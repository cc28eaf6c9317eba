package io.freshet.ingest.commit;

import io.freshet.ingest.error.TransactionLogException;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Offsets of one Kafka partition, {@code fromOffset} up to but excluding {@code toOffset}, that Kafka's
 * retention deleted before they were ingested. The commit whose watermark moves past them names them in its
 * snapshot summary, so the loss stays on record in the transaction log.
 */
public record LostOffsets(int partition, long fromOffset, long toOffset)
{
    /** Snapshot summary key listing the lost ranges a commit moved past, as {@code partition:from-to;...}. */
    public static final String SUMMARY_KEY = "freshet.lost-offsets";

    public LostOffsets
    {
        if (toOffset <= fromOffset) {
            throw new IllegalArgumentException("Empty range of lost offsets: %s to %s".formatted(fromOffset, toOffset));
        }
    }

    public long count()
    {
        return toOffset - fromOffset;
    }

    /** The range as people read it: first and last lost offset. */
    public String describe()
    {
        return "partition %s offsets %s to %s".formatted(partition, fromOffset, toOffset - 1);
    }

    public static String toSummary(List<LostOffsets> ranges)
    {
        return ranges.stream()
                .map(range -> "%s:%s-%s".formatted(range.partition(), range.fromOffset(), range.toOffset()))
                .collect(Collectors.joining(";"));
    }

    public static List<LostOffsets> fromSummary(String summary)
    {
        List<LostOffsets> ranges = new ArrayList<>();
        if (summary == null || summary.isBlank()) {
            return ranges;
        }
        for (String entry : summary.split(";")) {
            try {
                int colon = entry.indexOf(':');
                int dash = entry.indexOf('-', colon);
                ranges.add(new LostOffsets(Integer.parseInt(entry.substring(0, colon)), Long.parseLong(entry.substring(colon + 1, dash)), Long.parseLong(entry.substring(dash + 1))));
            }
            catch (RuntimeException e) {
                throw new TransactionLogException("Invalid %s in snapshot summary: %s".formatted(SUMMARY_KEY, summary), e);
            }
        }
        return ranges;
    }
}
