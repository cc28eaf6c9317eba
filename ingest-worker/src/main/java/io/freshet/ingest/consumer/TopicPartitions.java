package io.freshet.ingest.consumer;

import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.errors.RetriableException;
import org.slf4j.Logger;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * The partitions of a table's Kafka topic as the ingest loop last read them, read again every 30 seconds so that
 * partitions added to the topic are found. Only the table's ingest loop calls it.
 */
final class TopicPartitions
{
    private static final long PARTITION_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);

    // the ingester's logger: operators find a missing topic under the name they always had
    private final Logger log;
    private final TableIdentifier identifier;
    private final TableBinding binding;
    private final PartitionConsumer partitions;
    private final Runnable changed;
    private volatile List<Integer> topicPartitions = List.of();
    private long nextPartitionRefreshNanos;

    /** @param changed runs when the partitions read differ from those read before */
    TopicPartitions(Logger log, TableIdentifier identifier, TableBinding binding, PartitionConsumer partitions, Runnable changed)
    {
        this.log = requireNonNull(log, "log is null");
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.changed = requireNonNull(changed, "changed is null");
    }

    /** The partitions last read; empty before the topic was first found. */
    List<Integer> current()
    {
        return topicPartitions;
    }

    /** Reads the partitions of the topic; false while the topic or its brokers cannot be found. */
    boolean refresh()
    {
        nextPartitionRefreshNanos = System.nanoTime() + PARTITION_REFRESH_NANOS;
        try {
            Optional<List<Integer>> found = partitions.topicPartitions();
            if (found.isEmpty()) {
                log.warn("Kafka topic {} of table {} not found; waiting for it", binding.topic(), identifier);
                return false;
            }
            if (!found.get().equals(topicPartitions)) {
                topicPartitions = found.get();
                changed.run();
            }
            return true;
        }
        catch (RetriableException e) {
            log.warn("Cannot read the partitions of Kafka topic {} for {}: {}; trying again", binding.topic(), identifier, e.getMessage());
            return false;
        }
    }

    void refreshIfDue()
    {
        // a broker outage only delays the discovery of new partitions: consumption resumes with the broker
        if (System.nanoTime() >= nextPartitionRefreshNanos) {
            refresh();
        }
    }
}
