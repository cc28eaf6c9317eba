package io.freshet.trino.procedure;

import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.FlushRequestProperty;
import io.freshet.ingest.error.KafkaUnavailableException;
import io.freshet.ingest.error.UnknownTopicException;
import io.freshet.trino.cluster.KafkaTopicAdmin;
import io.freshet.trino.error.FreshetErrors;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.flush} where other nodes ingest the table: the owners of its partitions may be any of the
 * workers, so the request goes through the catalog ({@link FlushRequestProperty}), and the call returns once the
 * current snapshot's offset watermark covers every record Kafka held when it was made.
 */
final class ClusterFlush
{
    private static final Duration POLL_INTERVAL = Duration.ofMillis(250);
    // owners see the request within seconds; a watermark that does not move for this long has no owner behind it
    private static final Duration STALL_LIMIT = Duration.ofMinutes(2);
    private static final Duration TIME_LIMIT = Duration.ofMinutes(10);

    private final KafkaTopicAdmin topicAdmin;
    private final Duration stallLimit;

    ClusterFlush(KafkaTopicAdmin topicAdmin)
    {
        this(topicAdmin, STALL_LIMIT);
    }

    ClusterFlush(KafkaTopicAdmin topicAdmin, Duration stallLimit)
    {
        this.topicAdmin = requireNonNull(topicAdmin, "topicAdmin is null");
        this.stallLimit = requireNonNull(stallLimit, "stallLimit is null");
    }

    void flush(SchemaTableName name, Table table, String topic)
            throws InterruptedException
    {
        Map<Integer, Long> targets;
        try {
            targets = topicAdmin.committedEndOffsets(topic);
        }
        catch (KafkaUnavailableException | UnknownTopicException e) {
            throw FreshetErrors.fromIngest("Cannot flush %s".formatted(name), e);
        }
        try {
            table.updateProperties().set(FlushRequestProperty.NAME, FlushRequestProperty.newRequest()).commit();
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot ask the owners of %s to flush: %s".formatted(name, e.getMessage()), e);
        }
        long start = System.nanoTime();
        long lastProgress = start;
        Map<Integer, Long> behind = behind(table, targets);
        while (!behind.isEmpty()) {
            long now = System.nanoTime();
            if (now - lastProgress > stallLimit.toNanos() || now - start > TIME_LIMIT.toNanos()) {
                throw new TrinoException(FRESHET_INGESTION_NOT_RUNNING, ("Flush of %s did not finish: partitions %s are committed up to offsets %s, not %s. "
                        + "Check that a worker ingests them: SELECT * FROM system.ingest_status WHERE table_name = '%s'")
                        .formatted(name, behind.keySet(), behind, targetsOf(targets, behind.keySet()), name.getTableName()));
            }
            Thread.sleep(POLL_INTERVAL.toMillis());
            try {
                table.refresh();
            }
            catch (RuntimeException e) {
                // a catalog hiccup while waiting: the next round reads again
                continue;
            }
            Map<Integer, Long> stillBehind = behind(table, targets);
            if (!stillBehind.equals(behind)) {
                lastProgress = System.nanoTime();
            }
            behind = stillBehind;
        }
    }

    /** The partitions whose committed watermark has not reached its target, with the offset each one is committed up to. */
    private static Map<Integer, Long> behind(Table table, Map<Integer, Long> targets)
    {
        OffsetWatermark watermark = watermark(table);
        Map<Integer, Long> behind = new TreeMap<>();
        targets.forEach((partition, target) -> {
            long committed = watermark.nextOffset(partition);
            if (committed < target) {
                behind.put(partition, committed);
            }
        });
        return behind;
    }

    private static Map<Integer, Long> targetsOf(Map<Integer, Long> targets, Iterable<Integer> partitions)
    {
        Map<Integer, Long> selected = new TreeMap<>();
        partitions.forEach(partition -> selected.put(partition, targets.get(partition)));
        return selected;
    }

    private static OffsetWatermark watermark(Table table)
    {
        Snapshot snapshot = table.currentSnapshot();
        return snapshot == null ? OffsetWatermark.EMPTY : new TransactionLog(table).watermark(snapshot);
    }
}
