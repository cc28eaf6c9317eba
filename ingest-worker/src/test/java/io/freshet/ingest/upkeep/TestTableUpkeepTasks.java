package io.freshet.ingest.upkeep;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.upkeep.Compactor.CompactionResult;
import io.freshet.ingest.upkeep.OrphanFileCleaner.OrphanResult;
import io.freshet.ingest.upkeep.SnapshotExpirer.ExpiryResult;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.io.CloseableIterable;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;

import static io.freshet.ingest.catalog.LocalFileIO.toPath;
import static io.freshet.ingest.testing.TestingIngest.committedOffsets;
import static io.freshet.ingest.testing.TestingIngest.expectedOffsets;
import static io.freshet.ingest.testing.TestingIngest.settings;
import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestTableUpkeepTasks
{
    private static final List<NestedField> COLUMNS = List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "note", Types.StringType.get()));
    private static final int PARTITIONS = 3;

    @RegisterExtension
    static final KafkaExtension environment = new KafkaExtension();

    @TempDir
    Path warehouse;

    @Test
    void compactionKeepsEveryRowOnceWhileIngestCommitsRace()
    {
        String topic = "events_compaction";
        environment.kafka().createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("upkeep", "events");
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("compaction"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            Table table = createTable(worker, identifier, topic);
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            int produced = produceInFlushes(ingester, topic, 0, 6, 50);
            assertThat(dataFiles(table)).hasSize(6 * PARTITIONS);
            OffsetWatermark watermark = new TransactionLog(table).current().watermark();

            // ingest commits keep landing while compaction rewrites: both must survive
            CompletableFuture<Integer> racing = CompletableFuture.supplyAsync(() -> produceInFlushes(ingester, topic, produced, 4, 25));
            TableUpkeepTasks upkeep = worker.upkeep(identifier);
            CompactionResult result = upkeep.compact(128L << 20, 2, true);
            int total = produced + racing.join();

            assertThat(result.inputFiles()).isGreaterThanOrEqualTo(6 * PARTITIONS);
            assertThat(result.rows()).isGreaterThanOrEqualTo(6 * 50);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            assertThat(committedOffsets(table)).hasSize(total);

            // a second full pass leaves one file per Kafka partition, in offset order
            upkeep.compact(128L << 20, 2, true);
            List<DataFile> files = dataFiles(table);
            assertThat(files).hasSize(PARTITIONS);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));

            TransactionLog log = new TransactionLog(table);
            assertThat(log.current().watermark().nextOffsets().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(total);
            assertThat(log.current().watermark()).isNotEqualTo(watermark);
            assertThat(log.history()).anySatisfy(entry -> {
                assertThat(entry.operation()).isEqualTo("replace");
                assertThat(entry.ingestCommit()).isFalse();
            });
            // queries read the compacted snapshot at once, with the same watermark
            assertThat(ingester.buffer().committed().snapshotId()).contains(table.currentSnapshot().snapshotId());
            assertThat(upkeep.status().compactions()).isGreaterThanOrEqualTo(PARTITIONS);

            // every commit adds a manifest; past the limit they are rewritten into one
            assertThat(table.currentSnapshot().allManifests(table.io()).size()).isGreaterThan(2);
            assertThat(upkeep.rewriteManifests(2)).isGreaterThan(2);
            table.refresh();
            assertThat(table.currentSnapshot().allManifests(table.io())).hasSize(1);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            assertThat(upkeep.rewriteManifests(2)).isZero();
        }
    }

    @Test
    void expiryKeepsLeasedSnapshotsAndTheWatermarkAcrossRestart()
    {
        String topic = "events_expiry";
        environment.kafka().createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("upkeep", "expiring");
        Path location = warehouse.resolve("expiry");
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), location, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            Table table = createTable(worker, identifier, topic);
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            int produced = produceInFlushes(ingester, topic, 0, 3, 20);
            TableUpkeepTasks upkeep = worker.upkeep(identifier);

            List<DataFile> smallFiles;
            // a query's cut stays leased until the query ends, as cleanupQuery reports it
            try (HotCut cut = ingester.buffer().cut("query-1/1")) {
                long leased = cut.snapshotId().orElseThrow();
                long first = new TransactionLog(table).history().getFirst().snapshotId();
                produced += produceInFlushes(ingester, topic, produced, 2, 20);
                smallFiles = dataFiles(table);
                upkeep.compact(128L << 20, 2, true);

                ExpiryResult expired = upkeep.expireSnapshots(Duration.ZERO, 1);

                // snapshots older than the one a running query reads go; that one stays
                table.refresh();
                // the claim of the partitions and the two commits before the leased one
                assertThat(expired.expiredSnapshots()).isEqualTo(3);
                assertThat(table.snapshot(first)).isNull();
                assertThat(table.snapshot(leased)).isNotNull();
            }
            ingester.buffer().releaseLeases("query-1/");
            List<DataFile> compacted = dataFiles(table);
            assertThat(smallFiles).hasSize(5 * PARTITIONS);
            assertThat(compacted).hasSize(PARTITIONS);

            // the compaction commits (one per Kafka partition) keep the last ingest commit below them: recovery reads its watermark
            upkeep.expireSnapshots(Duration.ZERO, 1);
            table.refresh();
            List<Long> chain = new TransactionLog(table).watermarkChain();
            assertThat(chain).hasSize(PARTITIONS + 1);
            assertThat(table.snapshot(chain.getLast()).summary()).containsKey(TransactionLog.WATERMARK_KEY);
            assertThat(smallFiles).allSatisfy(file -> assertThat(toPath(file.location())).exists());

            // after the next ingest commit nothing needs the small files any more
            produced += produceInFlushes(ingester, topic, produced, 1, 20);
            ExpiryResult expired = upkeep.expireSnapshots(Duration.ZERO, 1);
            table.refresh();
            assertThat(table.snapshots()).hasSize(1);
            assertThat(expired.deletedFiles()).isGreaterThanOrEqualTo(smallFiles.size());
            assertThat(smallFiles).allSatisfy(file -> assertThat(toPath(file.location())).doesNotExist());
            assertThat(compacted).allSatisfy(file -> assertThat(toPath(file.location())).exists());
            assertThat(committedOffsets(table)).hasSize(produced);
            assertThat(upkeep.status().expiredSnapshots()).isGreaterThan(2);
        }

        // restart: the watermark is found through the kept chain, so nothing is ingested twice
        environment.kafka().sendAll(topic, PARTITIONS, events(1000, 30));
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), location, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            worker.startAll();
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            waitUntil("new records are hot", Duration.ofSeconds(60), () -> hotRows(ingester) == 30);
            ingester.flush().join();
            Table table = worker.catalog().loadTable(identifier);
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
        }
    }

    @Test
    void orphanCleanupDeletesOldUnreferencedFilesOnly()
            throws IOException
    {
        String topic = "events_orphans";
        environment.kafka().createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("upkeep", "orphans");
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), warehouse.resolve("orphans"), Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            Table table = createTable(worker, identifier, topic);
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            produceInFlushes(ingester, topic, 0, 2, 10);
            Path data = toPath(table.location()).resolve("data");
            Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));

            Path orphan = plant(data.resolve("00000-left-by-a-crashed-flush.parquet"), twoHoursAgo);
            Path young = plant(data.resolve("00001-written-a-moment-ago.parquet"), Instant.now());
            // a flush in progress that has been writing for long: registered, so never deleted
            Path inFlight = plant(data.resolve("00002-flush-in-progress.parquet"), twoHoursAgo);
            ingester.inFlightFiles().add(inFlight.toUri().toString());
            // every committed file is old too, and must stay
            for (DataFile file : dataFiles(table)) {
                Files.setLastModifiedTime(toPath(file.location()), FileTime.from(twoHoursAgo));
            }

            OrphanResult result = worker.upkeep(identifier).removeOrphanFiles(Duration.ofHours(1));

            assertThat(result.deletedFiles()).isEqualTo(1);
            assertThat(orphan).doesNotExist();
            assertThat(young).exists();
            assertThat(inFlight).exists();
            assertThat(dataFiles(table)).allSatisfy(file -> assertThat(toPath(file.location())).exists());
            assertThat(committedOffsets(table)).containsExactlyInAnyOrderElementsOf(expectedOffsets(environment.kafka().endOffsets(topic)));
            assertThatThrownBy(() -> worker.upkeep(identifier).removeOrphanFiles(Duration.ofMinutes(5)))
                    .hasMessageContaining("at least 1h");
        }
    }

    @Test
    void upkeepNeverDeletesOutsideTheTableLocation()
            throws IOException
    {
        String topic = "events_confined";
        environment.kafka().createTopic(topic, PARTITIONS);
        TableIdentifier identifier = TableIdentifier.of("upkeep", "confined");
        Path root = warehouse.resolve("confined");
        try (IngestWorker worker = new IngestWorker(settings(environment.kafka().bootstrapServers(), root, Duration.ofHours(1), BadRecordPolicy.SKIP))) {
            Table table = createTable(worker, identifier, topic);
            TableIngester ingester = worker.ingester(identifier).orElseThrow();
            int produced = produceInFlushes(ingester, topic, 0, 1, 10);
            Path tableDirectory = toPath(table.location());

            // metadata that names files of someone else: one beside the warehouse, one that climbs out of the table with '..'
            Instant twoHoursAgo = Instant.now().minus(Duration.ofHours(2));
            Path foreign = plant(root.resolveSibling("someone-else").resolve("foreign.parquet"), twoHoursAgo);
            Path climbing = plant(root.resolve("neighbour").resolve("data").resolve("neighbour.parquet"), twoHoursAgo);
            String climbingLocation = tableDirectory.toUri() + "data/../../../neighbour/data/neighbour.parquet";
            List<DataFile> strangers = List.of(externalFile(table, foreign.toUri().toString()), externalFile(table, climbingLocation));
            org.apache.iceberg.AppendFiles append = table.newAppend();
            strangers.forEach(append::appendFile);
            append.commit();
            org.apache.iceberg.DeleteFiles delete = table.newDelete();
            strangers.forEach(delete::deleteFile);
            delete.commit();
            // the next ingest commit heads the watermark chain, so expiry may drop the snapshot that referenced them
            produced += produceInFlushes(ingester, topic, produced, 1, 10);

            TableUpkeepTasks upkeep = worker.upkeep(identifier);
            upkeep.expireSnapshots(Duration.ZERO, 1);
            upkeep.removeOrphanFiles(Duration.ofHours(1));

            table.refresh();
            assertThat(table.snapshots()).hasSize(1);
            assertThat(foreign).exists();
            assertThat(climbing).exists();
            assertThat(committedOffsets(table)).hasSize(produced);
        }
    }

    private static DataFile externalFile(Table table, String location)
    {
        return org.apache.iceberg.DataFiles.builder(table.spec())
                .withPath(location)
                .withFormat(org.apache.iceberg.FileFormat.PARQUET)
                .withFileSizeInBytes(30)
                .withRecordCount(1)
                .build();
    }

    private Table createTable(IngestWorker worker, TableIdentifier identifier, String topic)
    {
        SupportsNamespaces namespaces = (SupportsNamespaces) worker.catalog();
        if (!namespaces.namespaceExists(identifier.namespace())) {
            namespaces.createNamespace(identifier.namespace());
        }
        return worker.createTable(identifier, COLUMNS, new TableBinding(topic, "json", Optional.empty(), Optional.empty()), Map.of());
    }

    /** Produces {@code rounds} batches of {@code perPartition} records per partition, committing each: one small file per partition per round. */
    private int produceInFlushes(TableIngester ingester, String topic, int firstId, int rounds, int perPartition)
    {
        int id = firstId;
        for (int round = 0; round < rounds; round++) {
            environment.kafka().sendAll(topic, PARTITIONS, events(id, perPartition * PARTITIONS));
            id += perPartition * PARTITIONS;
            Map<Integer, Long> end = environment.kafka().endOffsets(topic);
            waitUntil("round %s is hot".formatted(round), Duration.ofSeconds(60),
                    () -> ingester.buffer().highWaterMarks().entrySet().stream().allMatch(entry -> entry.getValue() >= end.get(entry.getKey())) && ingester.buffer().highWaterMarks().size() == PARTITIONS);
            ingester.flush().join();
        }
        return id - firstId;
    }

    private static List<String> events(int firstId, int count)
    {
        return IntStream.range(firstId, firstId + count)
                .mapToObj(id -> "{\"id\": %s, \"note\": \"event %s\"}".formatted(id, id))
                .toList();
    }

    private static long hotRows(TableIngester ingester)
    {
        return ingester.status().partitions().stream().mapToLong(partition -> partition.hotRows()).sum();
    }

    private static List<DataFile> dataFiles(Table table)
    {
        table.refresh();
        List<DataFile> files = new ArrayList<>();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return files;
        }
        try (CloseableIterable<FileScanTask> tasks = table.newScan().planFiles()) {
            tasks.forEach(task -> files.add(task.file()));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return files;
    }

    private static Path plant(Path file, Instant modified)
            throws IOException
    {
        Files.createDirectories(file.getParent());
        Files.writeString(file, "not referenced by any snapshot");
        Files.setLastModifiedTime(file, FileTime.from(modified));
        return file;
    }
}
