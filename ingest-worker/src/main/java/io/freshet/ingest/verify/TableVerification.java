package io.freshet.ingest.verify;

import java.util.List;

import static java.util.Objects.requireNonNull;

/** A table checked against its Kafka topic, one entry per partition of the topic or the table. */
public record TableVerification(String table, String topic, List<PartitionVerification> partitions)
{
    public TableVerification
    {
        requireNonNull(table, "table is null");
        requireNonNull(topic, "topic is null");
        partitions = List.copyOf(requireNonNull(partitions, "partitions is null"));
    }

    public boolean exactlyOnce()
    {
        return partitions.stream().allMatch(PartitionVerification::exactlyOnce);
    }

    public long missing()
    {
        return partitions.stream().mapToLong(PartitionVerification::missing).sum();
    }

    public long duplicated()
    {
        return partitions.stream().mapToLong(PartitionVerification::duplicated).sum();
    }

    public long extra()
    {
        return partitions.stream().mapToLong(PartitionVerification::extra).sum();
    }

    public long badRecords()
    {
        return partitions.stream().mapToLong(PartitionVerification::badRecords).sum();
    }

    public long tableRows()
    {
        return partitions.stream().mapToLong(PartitionVerification::tableRows).sum();
    }

    public long kafkaRecords()
    {
        return partitions.stream().mapToLong(PartitionVerification::kafkaRecords).sum();
    }

    public long notYetIngested()
    {
        return partitions.stream().mapToLong(PartitionVerification::notYetIngested).sum();
    }

    public long lostToRetention()
    {
        return partitions.stream().mapToLong(PartitionVerification::lostToRetention).sum();
    }

    /** One line per partition and a summary, as the standalone worker prints it. */
    public String report()
    {
        StringBuilder report = new StringBuilder();
        report.append("Table %s, topic %s%n".formatted(table, topic));
        report.append("%9s %14s %14s %14s %12s %12s %9s %10s %9s %11s %15s %17s%n".formatted(
                "partition", "kafka_start", "kafka_end", "checked_until", "kafka_recs", "table_rows", "missing", "duplicated", "extra", "bad_records", "not_yet_ingested", "lost_to_retention"));
        for (PartitionVerification partition : partitions) {
            report.append("%9d %14d %14d %14d %12d %12d %9d %10d %9d %11d %15d %17d%s%n".formatted(
                    partition.partition(), partition.kafkaStartOffset(), partition.kafkaEndOffset(), partition.checkedUntilOffset(), partition.kafkaRecords(),
                    partition.tableRows(), partition.missing(), partition.duplicated(), partition.extra(), partition.badRecords(), partition.notYetIngested(), partition.lostToRetention(),
                    partition.examples().isEmpty() ? "" : "  " + String.join(", ", partition.examples())));
        }
        report.append(exactlyOnce()
                ? "OK: every record Kafka retains up to the checked offsets is in the table exactly once (%s bad records left out by the bad-record policy)%n".formatted(badRecords())
                : "FAILED: %s missing, %s duplicated, %s extra%n".formatted(missing(), duplicated(), extra()));
        if (lostToRetention() > 0) {
            report.append("DATA LOST: %s offsets were deleted by Kafka retention before they were ingested (see the lost ranges above)%n".formatted(lostToRetention()));
        }
        return report.toString();
    }
}
