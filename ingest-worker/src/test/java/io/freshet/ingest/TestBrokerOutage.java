package io.freshet.ingest;

import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.ingest.verify.TableVerification;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.verify;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The broker goes away for tens of seconds while a table is ingested and queried, and comes back. */
class TestBrokerOutage
{
    // long enough for every Kafka client timeout of the ingest loop to run out at least once
    private static final Duration OUTAGE = Duration.ofSeconds(Long.getLong("freshet.test.outage-seconds", 25));

    @TempDir
    Path warehouse;

    @Test
    @Timeout(180)
    void ingestionResumesAfterTheBrokerComesBackAndNothingIsLost()
            throws Exception
    {
        try (TestingKafka kafka = new TestingKafka(true)) {
            kafka.createTopic("outage", 2);
            IngestSettings settings = settings(kafka.bootstrapServers(), warehouse, Duration.ofMillis(500), BadRecordPolicy.SKIP);
            try (IngestWorker worker = new IngestWorker(settings)) {
                ((SupportsNamespaces) worker.catalog()).createNamespace(Namespace.of("shop"));
                TableIdentifier identifier = TableIdentifier.of("shop", "outage");
                worker.createTable(identifier, List.of(NestedField.optional(1, "id", Types.LongType.get()), NestedField.optional(2, "customer", Types.StringType.get())),
                        new TableBinding("outage", "json", Optional.empty(), Optional.empty()), Map.of());
                TableIngester ingester = worker.ingester(identifier).orElseThrow();
                kafka.sendAll("outage", 2, TestIngestWorker.orders(0, 2000));
                waitUntil("records are consumed", Duration.ofSeconds(60), () -> ingester.buffer().highWaterMarks().values().stream().mapToLong(Long::longValue).sum() == 2000);

                kafka.stopBroker();
                long outageEnd = System.nanoTime() + OUTAGE.toNanos();
                // queries answer from what is there: committed rows and the hot buffer, without the broker
                while (System.nanoTime() < outageEnd) {
                    try (HotCut cut = ingester.buffer().cut("outage-query")) {
                        long hot = cut.ranges().stream().mapToLong(HotCut.HotRange::offsetCount).sum();
                        long committed = cut.watermark().nextOffsets().values().stream().mapToLong(Long::longValue).sum();
                        assertThat(hot + committed).isEqualTo(2000);
                    }
                    ingester.buffer().releaseLeases("outage-query");
                    assertThat(ingester.status().state()).isNotEqualTo(IngestionStatus.State.FAILED);
                    Thread.sleep(1000);
                }
                // commits need no broker
                assertThat(new TransactionLog(ingester.table()).current().watermark().nextOffsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(2000);
                // the verifier needs the broker and says so
                assertThatThrownBy(() -> verify(worker, identifier))
                        .hasMessageContaining("Cannot read Kafka topic 'outage'");

                kafka.startBroker();
                kafka.sendAll("outage", 2, TestIngestWorker.orders(2000, 2000));
                waitUntil("ingestion resumes", Duration.ofSeconds(90),
                        () -> ingester.buffer().committed().watermark().nextOffsets().values().stream().mapToLong(Long::longValue).sum() == 4000, ingester::status);
                assertThat(ingester.status().state()).isEqualTo(IngestionStatus.State.RUNNING);
                TableVerification verification = verify(worker, identifier);
                assertThat(verification.exactlyOnce()).as(verification.report()).isTrue();
                assertThat(verification.tableRows()).isEqualTo(4000);
            }
        }
    }
}
