package io.freshet.ingest.verify;

import java.util.List;

import static java.util.Objects.requireNonNull;

/**
 * One Kafka partition of a table checked against its topic, over the offsets the table claims to hold:
 * from the first offset Kafka still retains up to {@code checkedUntilOffset} (the high-water mark of the
 * cut, or the offset watermark when only committed rows are read).
 *
 * @param kafkaStartOffset first offset Kafka still retains; earlier records cannot be checked
 * @param kafkaEndOffset next offset Kafka will write
 * @param checkedUntilOffset offsets below this are expected in the table; records above it are not yet ingested
 * @param kafkaRecords records Kafka holds in [kafkaStartOffset, checkedUntilOffset); control records and compacted gaps have no record
 * @param tableRows rows of the table with this partition, duplicates included
 * @param missing good records of Kafka the table lacks: lost records
 * @param duplicated rows beyond the first of an offset the table holds more than once
 * @param extra rows whose offset Kafka never held in the checked range
 * @param badRecords records the table lacks on purpose: they do not decode, so the bad-record policy skipped or dead-lettered them
 * @param notYetIngested records Kafka holds at or above {@code checkedUntilOffset}
 * @param lostToRetention offsets Kafka's retention deleted before they were ingested: those the table's commits
 *         record as skipped, and those between the offset the table holds up to and the first offset Kafka still holds
 * @param examples a few offsets of every problem found, for the report
 */
public record PartitionVerification(
        int partition,
        long kafkaStartOffset,
        long kafkaEndOffset,
        long checkedUntilOffset,
        long kafkaRecords,
        long tableRows,
        long missing,
        long duplicated,
        long extra,
        long badRecords,
        long notYetIngested,
        long lostToRetention,
        List<String> examples)
{
    public PartitionVerification
    {
        examples = List.copyOf(requireNonNull(examples, "examples is null"));
    }

    /** True when every good record Kafka retains in the checked range is in the table exactly once, and nothing else is. */
    public boolean exactlyOnce()
    {
        return missing == 0 && duplicated == 0 && extra == 0;
    }
}
