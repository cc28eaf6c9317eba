package io.freshet.trino.procedure;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.cluster.KafkaTopicAdmin;
import io.freshet.trino.config.KafkaClientProperties;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The flush a coordinator asks of other nodes, against a real broker and an ingest worker that stands for the
 * owners: the request reaches it through the catalog, and the call returns once the watermark covers the topic.
 */
class TestClusterFlush
{
    private static final List<NestedField> COLUMNS = List.of(NestedField.optional(1, "id", Types.LongType.get()));

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @Test
    void returnsOnceTheOwnersCommittedWhatKafkaHeldAtTheCall()
            throws Exception
    {
        TestingKafka kafka = environment.kafka();
        kafka.createTopic("flushed", 4);
        // the owner flushes on its own only after an hour: the request is what makes it commit
        IngestSettings settings = settings(kafka.bootstrapServers(), environment.warehouse().resolve("flushed"), Duration.ofHours(1), BadRecordPolicy.SKIP);
        try (IngestWorker owner = new IngestWorker(settings)) {
            TableIdentifier identifier = createTable(owner, "flushed");
            kafka.sendAll("flushed", 4, records(400));
            waitUntil("every record is in the owner's hot buffer", Duration.ofSeconds(60),
                    () -> owner.ingester(identifier).orElseThrow().status().consumedRecords() == 400);
            Table table = owner.catalog().loadTable(identifier);
            assertThat(committedOffsets(table)).isEmpty();

            long start = System.nanoTime();
            KafkaTopicAdmin topicAdmin = topicAdmin(kafka);
            try {
                new ClusterFlush(topicAdmin).flush(new SchemaTableName("shop", "flushed"), table, "flushed");
            }
            finally {
                topicAdmin.close();
            }
            System.out.printf("cluster flush of 400 records returned after %d ms%n", Duration.ofNanos(System.nanoTime() - start).toMillis());

            table.refresh();
            assertThat(new TransactionLog(table).current().watermark().nextOffsets()).isEqualTo(kafka.endOffsets("flushed"));
            assertThat(committedOffsets(table)).hasSize(400);
        }
    }

    @Test
    void failsNamingThePartitionsWhenNoNodeIngestsThem()
    {
        TestingKafka kafka = environment.kafka();
        kafka.createTopic("unowned", 2);
        IngestSettings settings = settings(kafka.bootstrapServers(), environment.warehouse().resolve("unowned"), Duration.ofHours(1), BadRecordPolicy.SKIP);
        try (IngestWorker catalogOnly = new IngestWorker(settings)) {
            // a table whose ingestion never starts: nobody answers the request
            TableIdentifier identifier = TableIdentifier.of("shop", "unowned");
            ((SupportsNamespaces) catalogOnly.catalog()).createNamespace(Namespace.of("shop"));
            catalogOnly.createTable(identifier, COLUMNS, new TableBinding("unowned", "json", Optional.empty(), Optional.empty()), Map.of(), false);
            kafka.sendAll("unowned", 2, records(10));
            Table table = catalogOnly.catalog().loadTable(identifier);

            KafkaTopicAdmin topicAdmin = topicAdmin(kafka);
            try {
                ClusterFlush flush = new ClusterFlush(topicAdmin, Duration.ofSeconds(2));
                assertThatThrownBy(() -> flush.flush(new SchemaTableName("shop", "unowned"), table, "unowned"))
                        .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(FRESHET_INGESTION_NOT_RUNNING.toErrorCode()))
                        .hasMessageContaining("Flush of shop.unowned did not finish: partitions [0, 1] are committed up to offsets {0=0, 1=0}, not {0=5, 1=5}")
                        .hasMessageContaining("ingest_status");
            }
            finally {
                topicAdmin.close();
            }
            // the request is in the catalog for whichever node starts ingesting the table
            table.refresh();
            assertThat(table.properties()).containsKey("freshet.flush-request");
        }
    }

    private static KafkaTopicAdmin topicAdmin(TestingKafka kafka)
    {
        return new KafkaTopicAdmin(new KafkaClientProperties(Map.of("bootstrap.servers", kafka.bootstrapServers())));
    }

    private static TableIdentifier createTable(IngestWorker worker, String topic)
    {
        TableIdentifier identifier = TableIdentifier.of("shop", topic);
        ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
        worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
        return identifier;
    }

    private static List<String> records(int count)
    {
        return IntStream.range(0, count).mapToObj("{\"id\": %s}"::formatted).toList();
    }
}
