package io.freshet.trino.upkeep;

import io.freshet.trino.testing.FreshetExtension;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.extension.RegisterExtension;

import javax.management.MBeanServer;
import javax.management.ObjectName;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.IntStream;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Table upkeep through Trino: CALL procedures, ALTER TABLE ... EXECUTE, metadata tables, and the background schedule. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestFreshetUpkeep
{
    private static final int PARTITIONS = 2;

    // background upkeep off here: this class drives it by hand, except for the test that turns it on
    @RegisterExtension
    static final FreshetExtension freshet = new FreshetExtension(Map.of(
            "freshet.flush.interval", "1h",
            "freshet.upkeep.enabled", "false"));

    @Test
    void compactProcedureShrinksFileCountAndKeepsEveryRowWhileQueriesRun()
            throws Exception
    {
        String topic = "clicks_compact";
        createTable("clicks", topic);
        long produced = produceAndFlush("clicks", topic, 0, 6, 40);
        assertThat(fileCount("clicks")).isEqualTo(6 * PARTITIONS);
        long bytesBefore = (long) freshet.queryRunner().execute("SELECT sum(file_size_in_bytes) FROM \"clicks$files\"").getOnlyValue();

        // queries keep running during compaction and must always see the exact row set
        AtomicBoolean compacting = new AtomicBoolean(true);
        ExecutorService readers = Executors.newSingleThreadExecutor();
        Future<Integer> reads = readers.submit(() -> {
            int queries = 0;
            while (compacting.get()) {
                assertExactRows("clicks", produced);
                queries++;
            }
            return queries;
        });
        freshet.queryRunner().execute("CALL freshet.system.compact(schema_name => 'shop', table_name => 'clicks')");
        compacting.set(false);
        assertThat(reads.get()).isGreaterThan(0);
        readers.shutdown();

        assertThat(fileCount("clicks")).isEqualTo(PARTITIONS);
        assertExactRows("clicks", produced);
        List<MaterializedRow> files = freshet.queryRunner().execute("SELECT kafka_partition, record_count, min_offset, max_offset FROM \"clicks$files\" ORDER BY 1").getMaterializedRows();
        assertThat(files).extracting(row -> row.getField(1)).containsOnly(produced / PARTITIONS);
        assertThat(files).extracting(row -> row.getField(2)).containsOnly(0L);
        System.out.printf("compaction: %s files (%s bytes) -> %s files (%s bytes)%n", 6 * PARTITIONS, bytesBefore, fileCount("clicks"),
                freshet.queryRunner().execute("SELECT sum(file_size_in_bytes) FROM \"clicks$files\"").getOnlyValue());

        // the commit log: ingest commits move the watermark, compaction commits keep it
        List<MaterializedRow> commits = freshet.queryRunner().execute("SELECT operation, ingest_commit, offset_watermark, removed_files, claim FROM \"clicks$commits\" ORDER BY committed_at").getMaterializedRows();
        // the first commit is the claim of the partitions: no data, the watermark as it was
        assertThat(commits.getFirst().getField(4)).isEqualTo(true);
        List<MaterializedRow> ingestCommits = commits.stream().filter(row -> row.getField(0).equals("append") && row.getField(4).equals(false)).toList();
        assertThat(ingestCommits).hasSize(6).allSatisfy(row -> assertThat(row.getField(1)).isEqualTo(true));
        assertThat(commits).filteredOn(row -> row.getField(0).equals("replace")).isNotEmpty().allSatisfy(row -> {
            assertThat(row.getField(1)).isEqualTo(false);
            assertThat(row.getField(2)).isEqualTo(ingestCommits.getLast().getField(2));
        });
        assertThat((long) freshet.queryRunner().execute("SELECT count(*) FROM \"clicks$snapshots\"").getOnlyValue()).isEqualTo(commits.size());
    }

    @Test
    void alterTableExecuteOptimizeExpireAndRemoveOrphans()
            throws Exception
    {
        String topic = "views_execute";
        createTable("views", topic);
        long produced = produceAndFlush("views", topic, 0, 4, 25);
        freshet.queryRunner().execute("ALTER TABLE views EXECUTE optimize(file_size_threshold => '64MB')");
        assertThat(fileCount("views")).isEqualTo(PARTITIONS);
        produced += produceAndFlush("views", topic, produced, 1, 25);
        long snapshotsBefore = (long) freshet.queryRunner().execute("SELECT count(*) FROM \"views$snapshots\"").getOnlyValue();

        freshet.queryRunner().execute("ALTER TABLE views EXECUTE expire_snapshots(retention_threshold => '0s', retain_last => 1)");
        long snapshotsAfter = (long) freshet.queryRunner().execute("SELECT count(*) FROM \"views$snapshots\"").getOnlyValue();
        assertThat(snapshotsAfter).isLessThan(snapshotsBefore);
        assertExactRows("views", produced);

        Path data = Path.of(freshet.warehouse().toString(), "shop", "views", "data");
        Path orphan = data.resolve("00000-left-by-a-crash.parquet");
        Files.writeString(orphan, "unreferenced");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        freshet.queryRunner().execute("ALTER TABLE views EXECUTE remove_orphan_files(retention_threshold => '2h')");
        assertThat(orphan).doesNotExist();
        assertExactRows("views", produced);

        // the same through CALL, with the safety floor
        Files.writeString(orphan, "unreferenced");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        freshet.queryRunner().execute("CALL freshet.system.remove_orphan_files(schema_name => 'shop', table_name => 'views')");
        assertThat(orphan).doesNotExist();
        freshet.queryRunner().execute("CALL freshet.system.expire_snapshots('shop', 'views', '1s', 1)");
        assertExactRows("views", produced);

        assertThatThrownBy(() -> freshet.queryRunner().execute("CALL freshet.system.remove_orphan_files('shop', 'views', '5m')"))
                .hasMessageContaining("retention_threshold must be at least 1h");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CALL freshet.system.compact('shop', 'views', 'big')"))
                .hasMessageContaining("target_file_size 'big' is not a size");
        assertThatThrownBy(() -> freshet.queryRunner().execute("CALL freshet.system.compact('shop', 'no_such_table')"))
                .hasMessageContaining("Table shop.no_such_table does not exist");
        assertThatThrownBy(() -> freshet.queryRunner().execute("ALTER TABLE views EXECUTE optimize(file_size_threshold => '10')"))
                .hasMessageContaining("file_size_threshold '10' is not a size");
    }

    @Test
    void backgroundUpkeepCompactsWithoutBeingAsked()
            throws Exception
    {
        Path otherWarehouse = Files.createTempDirectory("freshet-background");
        try (DistributedQueryRunner background = FreshetQueryRunner.create(freshet.kafka().bootstrapServers(), otherWarehouse, Map.of(
                "freshet.flush.interval", "1h",
                "freshet.upkeep.interval", "1s",
                "freshet.compaction.min-input-files", "3"))) {
            background.execute("CREATE SCHEMA shop");
            String topic = "orders_background";
            freshet.kafka().createTopic(topic, PARTITIONS);
            background.execute("CREATE TABLE orders (id bigint) WITH (kafka_topic = '%s')".formatted(topic));
            long produced = 0;
            for (int round = 0; round < 4; round++) {
                freshet.kafka().sendAll(topic, PARTITIONS, events((int) produced, 10 * PARTITIONS));
                produced += 10 * PARTITIONS;
                long expected = produced;
                waitUntil("round is visible", Duration.ofSeconds(60), () -> (long) background.execute("SELECT count(*) FROM orders").getOnlyValue() == expected);
                background.execute("CALL freshet.system.flush('shop', 'orders')");
            }
            // 4 small files per partition; a run may come after round 3 (then the compacted file and round 4's stay)
            waitUntil("background compaction rewrites the small files", Duration.ofSeconds(60),
                    () -> (long) background.execute("SELECT count(*) FROM \"orders$files\"").getOnlyValue() <= 2 * PARTITIONS);
            assertThat((long) background.execute("SELECT count(DISTINCT (_partition_id, _partition_offset)) FROM orders").getOnlyValue()).isEqualTo(produced);
            assertThat((long) background.execute("SELECT count(*) FROM orders").getOnlyValue()).isEqualTo(produced);
            MaterializedRow status = background.execute("SELECT compactions, compacted_files, last_failure FROM freshet.system.upkeep WHERE table_name = 'orders'").getMaterializedRows().getFirst();
            assertThat((long) status.getField(0)).isGreaterThanOrEqualTo(PARTITIONS);
            assertThat((long) status.getField(1)).isGreaterThanOrEqualTo(3L * PARTITIONS);
            assertThat(status.getField(2)).isNull();

            // the same runs in the table's metrics, as exported to Trino's MBean server
            ObjectName metrics = new ObjectName("trino.plugin.freshet.metrics:type=TableMetrics,catalog=freshet,table=shop.orders");
            MBeanServer mbeans = ManagementFactory.getPlatformMBeanServer();
            assertThat((long) mbeans.getAttribute(metrics, "UpkeepRuns")).isPositive();
            assertThat((long) mbeans.getAttribute(metrics, "UpkeepFailedRuns")).isZero();
            assertThat((long) mbeans.getAttribute(metrics, "Compactions")).isGreaterThanOrEqualTo((long) status.getField(0));
            assertThat((long) mbeans.getAttribute(metrics, "Commits")).isEqualTo(4);
            assertThat((long) mbeans.getAttribute(metrics, "HotRows")).isZero();
        }
        assertThat(ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName("trino.plugin.freshet.metrics:table=shop.orders,*"), null))
                .as("withdrawn when the catalog shuts down")
                .isEmpty();
    }

    private void createTable(String table, String topic)
    {
        freshet.kafka().createTopic(topic, PARTITIONS);
        freshet.queryRunner().execute("CREATE TABLE %s (id bigint, page varchar) WITH (kafka_topic = '%s')".formatted(table, topic));
    }

    /** Produces {@code rounds} rounds, each committed by a flush: one small file per partition per round. */
    private long produceAndFlush(String table, String topic, long firstId, int rounds, int perPartition)
    {
        long produced = firstId;
        for (int round = 0; round < rounds; round++) {
            freshet.kafka().sendAll(topic, PARTITIONS, events((int) produced, perPartition * PARTITIONS));
            produced += perPartition * PARTITIONS;
            long expected = produced;
            waitUntil("round %s is visible".formatted(round), Duration.ofSeconds(60), () -> (long) freshet.queryRunner().execute("SELECT count(*) FROM " + table).getOnlyValue() == expected);
            freshet.queryRunner().execute("CALL freshet.system.flush('shop', '%s')".formatted(table));
        }
        return produced - firstId;
    }

    private void assertExactRows(String table, long rows)
    {
        MaterializedRow row = freshet.queryRunner().execute("SELECT count(*), count(DISTINCT (_partition_id, _partition_offset)), min(_partition_offset), max(_partition_offset) FROM " + table).getMaterializedRows().getFirst();
        assertThat(row.getFields()).containsExactly(rows, rows, 0L, rows / PARTITIONS - 1);
    }

    private long fileCount(String table)
    {
        return (long) freshet.queryRunner().execute("SELECT count(*) FROM \"%s$files\"".formatted(table)).getOnlyValue();
    }

    private static List<String> events(int firstId, int count)
    {
        return IntStream.range(firstId, firstId + count)
                .mapToObj(id -> "{\"id\": %s, \"page\": \"/p/%s\"}".formatted(id, id % 7))
                .toList();
    }
}
