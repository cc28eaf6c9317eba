package io.freshet.ingest.cluster;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.commit.LogEntry;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicReference;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static org.assertj.core.api.Assertions.assertThat;

/** What the tests of several writers of one table share: the orders table, fast cluster timings, node views and the exactly-once check. */
final class TestingClusterNodes
{
    static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "customer", Types.StringType.get()));
    static final ClusterSettings FAST = new ClusterSettings(Duration.ofMillis(200), Duration.ofSeconds(1), Duration.ofSeconds(1));

    private TestingClusterNodes() {}

    /** A node whose view of the node set is whatever the reference holds, so that a test can change it while the node runs. */
    static ClusterMembership membership(String node, AtomicReference<Set<String>> nodes)
    {
        return new ClusterMembership()
        {
            @Override
            public String currentNode()
            {
                return node;
            }

            @Override
            public Set<String> ingestingNodes()
            {
                return nodes.get();
            }
        };
    }

    /** Creates the {@code shop} namespace and an orders table on the topic through the given node. */
    static void createOrdersTable(IngestWorker worker, TableIdentifier identifier, String topic)
    {
        ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
        worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
    }

    static List<String> orders(int first, int count)
    {
        List<String> orders = new ArrayList<>();
        for (int id = first; id < first + count; id++) {
            orders.add("{\"id\": %s, \"customer\": \"customer-%s\"}".formatted(id, id));
        }
        return orders;
    }

    /** Every record sent is in the table exactly once, and along the whole log no partition's watermark ever moves back. */
    static void assertExactlyOnce(IngestSettings settings, Table table, String topic, int sent)
    {
        table.refresh();
        TableVerification verification = new TableVerifier(settings)
                .verify("shop." + table.name(), table.schema(), new TableBinding(topic, "json", Optional.empty(), Optional.empty()), TableContents.committed(table));
        assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
        assertThat(verification.tableRows()).isEqualTo(sent);
        assertThat(committedOffsets(table)).hasSize(sent).doesNotHaveDuplicates();
        Map<Integer, Long> highest = new HashMap<>();
        List<String> regressions = new ArrayList<>();
        for (LogEntry entry : new TransactionLog(table).history()) {
            OffsetWatermark watermark = entry.watermark();
            // a partition missing from a later watermark counts as moved back to offset 0
            Set<Integer> partitions = new TreeSet<>(highest.keySet());
            partitions.addAll(watermark.nextOffsets().keySet());
            for (int partition : partitions) {
                long offset = watermark.nextOffset(partition);
                long before = highest.getOrDefault(partition, 0L);
                if (offset < before) {
                    regressions.add("snapshot %s: partition %s from %s to %s".formatted(entry.snapshotId(), partition, before, offset));
                }
                highest.put(partition, Math.max(before, offset));
            }
        }
        assertThat(regressions).as("watermarks that moved back").isEmpty();
    }
}
