package io.freshet.trino.storage;

import io.freshet.ingest.settings.IngestProperties;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.freshet.trino.testing.TestingS3Server;
import io.freshet.trino.testing.TestingTrinoPlugins;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.apache.iceberg.io.FileIO;
import org.apache.iceberg.io.PositionOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import java.util.stream.Stream;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static io.freshet.trino.testing.TestingPostgres.jdbcCatalogProperties;
import static java.nio.charset.StandardCharsets.UTF_8;
import static io.freshet.trino.testing.TestingTrinoPlugins.ICEBERG;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * What Trino users run: tables on S3-compatible object storage (a real S3 server, S3Proxy) behind a shared JDBC
 * catalog on a real PostgreSQL, configured with the property names of Trino's Iceberg connector, and read by
 * Trino's own Iceberg connector through the same catalog.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TestObjectStorageCatalog
{
    private static final String BUCKET = "lake";
    private static final int PARTITIONS = 2;

    private TestingKafka kafka;
    private TestingS3Server s3;
    private Path postgresData;
    private int postgresPort;
    private EmbeddedPostgres postgres;
    private DistributedQueryRunner queryRunner;

    @BeforeAll
    void setUp()
            throws Exception
    {
        kafka = new TestingKafka();
        s3 = new TestingS3Server(BUCKET);
        postgresData = Files.createTempDirectory("postgres");
        try (ServerSocket socket = new ServerSocket(0)) {
            postgresPort = socket.getLocalPort();
        }
        postgres = startPostgres();
        queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), Path.of("unused"), catalogProperties());
        queryRunner.execute("CREATE SCHEMA freshet.shop");
    }

    @AfterAll
    void tearDown()
            throws Exception
    {
        if (queryRunner != null) {
            queryRunner.close();
        }
        if (postgres != null) {
            postgres.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }

    /** PostgreSQL on a fixed port and directory, so that a test can stop it and start it again with its data. */
    private EmbeddedPostgres startPostgres()
            throws IOException
    {
        return EmbeddedPostgres.builder()
                .setDataDirectory(postgresData)
                .setCleanDataDirectory(false)
                .setPort(postgresPort)
                .start();
    }

    private Map<String, String> catalogProperties()
    {
        Map<String, String> properties = new HashMap<>(s3.trinoProperties());
        properties.put("iceberg.jdbc-catalog.default-warehouse-dir", "s3://%s/warehouse".formatted(BUCKET));
        properties.putAll(jdbcCatalogProperties(postgres));
        properties.put("freshet.flush.interval", "1h");
        // during the outage test, a commit gives up after a few retries instead of the default's minutes of backoff
        properties.put("s3.max-error-retries", "2");
        return properties;
    }

    @Test
    void ingestQueryAndUpkeepOnObjectStorage()
            throws Exception
    {
        kafka.createTopic("events", PARTITIONS);
        queryRunner.execute("CREATE TABLE events (id bigint, note varchar) WITH (kafka_topic = 'events')");

        // hot, then cold, three times: three small files per partition for compaction
        int produced = 0;
        for (int round = 0; round < 3; round++) {
            kafka.sendAll("events", PARTITIONS, events(produced, 100));
            produced += 100;
            waitForCount("events", produced);
            queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
            assertThat(scalar("SELECT count(*) FROM events")).isEqualTo((long) produced);
        }
        String location = tableLocation("events");
        assertThat(location).startsWith("s3://%s/warehouse/shop/events".formatted(BUCKET));
        assertThat(scalar("SELECT count(*) FROM \"events$files\"")).isEqualTo(3L * PARTITIONS);

        // hot and cold together
        kafka.sendAll("events", PARTITIONS, events(produced, 50));
        produced += 50;
        waitForCount("events", produced);
        assertThat(scalar("SELECT sum(id) FROM events")).isEqualTo((long) produced * (produced - 1) / 2);

        // upkeep on S3: compaction, expiry of the snapshots it replaced, then an old orphan left by a crashed flush
        queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
        queryRunner.execute("ALTER TABLE events EXECUTE optimize");
        assertThat(scalar("SELECT count(*) FROM \"events$files\"")).isEqualTo((long) PARTITIONS);
        // recovery keeps the chain back to the newest ingest commit, which still references the small files: commit once more
        kafka.sendAll("events", PARTITIONS, events(produced, 20));
        produced += 20;
        waitForCount("events", produced);
        queryRunner.execute("CALL freshet.system.flush('shop', 'events')");
        queryRunner.execute("ALTER TABLE events EXECUTE expire_snapshots(retention_threshold => '0s', retain_last => 1)");
        Path orphan = s3.objectPath(BUCKET, location.substring(("s3://" + BUCKET + "/").length()) + "/data/00000-left-by-a-crash.parquet");
        Files.createDirectories(orphan.getParent());
        Files.writeString(orphan, "not referenced by any snapshot");
        Files.setLastModifiedTime(orphan, FileTime.from(Instant.now().minus(Duration.ofHours(3))));
        queryRunner.execute("ALTER TABLE events EXECUTE remove_orphan_files(retention_threshold => '1h')");
        assertThat(orphan).doesNotExist();
        // expiry deleted the small files compaction replaced: the bucket holds exactly the files of the current snapshot
        assertThat((long) dataObjects(location).size()).isEqualTo(scalar("SELECT count(*) FROM \"events$files\""));
        assertThat(dataObjects(location)).hasSize(2 * PARTITIONS);

        assertThat(scalar("SELECT count(*) FROM events")).isEqualTo((long) produced);
        assertVerified("events");

        // Trino's own Iceberg connector reads the same table through the same PostgreSQL catalog and S3 settings
        TestingTrinoPlugins.installPlugin(queryRunner, ICEBERG);
        Map<String, String> iceberg = new HashMap<>(s3.trinoProperties());
        iceberg.put("iceberg.catalog.type", "jdbc");
        iceberg.putAll(jdbcCatalogProperties(postgres));
        iceberg.put("iceberg.jdbc-catalog.catalog-name", "freshet");
        iceberg.put("iceberg.jdbc-catalog.default-warehouse-dir", "s3://%s/warehouse".formatted(BUCKET));
        queryRunner.createCatalog("iceberg", "iceberg", iceberg);
        List<MaterializedRow> throughIceberg = queryRunner.execute("SELECT id, note, _partition_id, _partition_offset FROM iceberg.shop.events").getMaterializedRows();
        List<MaterializedRow> throughFreshet = queryRunner.execute("SELECT id, note, _partition_id, _partition_offset FROM freshet.shop.events").getMaterializedRows();
        assertThat(throughIceberg).hasSize(produced);
        assertThat(throughFreshet).containsExactlyInAnyOrderElementsOf(throughIceberg);
    }

    /**
     * S3 down for 30 s while records arrive: queries on rows not yet committed are answered from memory (the table's
     * metadata and file plan were loaded right after the last commit), a query that needs committed files fails with
     * a storage error instead of hanging, commits wait and resume, and afterwards every record is in the table once,
     * each data file written once.
     */
    @Test
    void objectStorageOutageKeepsHotReadsAndLosesAndDuplicatesNothing()
            throws Exception
    {
        createTableWithCommittedRows("outage", 100);

        long outageStart = System.nanoTime();
        s3.stop();
        CompletableFuture<?> flush;
        try {
            kafka.sendAll("outage", PARTITIONS, events(100, 100));
            waitUntil("the hot buffer holds the new records", Duration.ofSeconds(60), () -> hotRows("outage") == 100L);
            // the predicate rules out every committed file by its column statistics: answered from memory alone
            assertThat(queryRunner.execute("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM outage WHERE id >= 100").getMaterializedRows().getFirst().getFields())
                    .containsExactly(100L, 100L, 100L, 199L);
            // committed rows live in storage only: a clear error naming the file and what to do, after the client's retries
            long start = System.nanoTime();
            assertThatThrownBy(() -> queryRunner.execute("SELECT count(*) FROM outage"))
                    .hasMessageContaining("Cannot read data file s3://%s/warehouse/shop/outage".formatted(BUCKET))
                    .hasMessageContaining("Run the query again once storage is reachable");
            Duration failedAfter = Duration.ofNanos(System.nanoTime() - start);
            System.out.printf("a query needing committed files failed after %s ms while S3 was down%n", failedAfter.toMillis());

            // a commit waits and retries; ingestion goes on
            flush = CompletableFuture.runAsync(() -> queryRunner.execute("CALL freshet.system.flush('shop', 'outage')"));
            kafka.sendAll("outage", PARTITIONS, events(200, 50));
            waitUntil("the hot buffer holds the later records", Duration.ofSeconds(60), () -> hotRows("outage") == 150L);
            long remaining = Duration.ofSeconds(30).toNanos() - (System.nanoTime() - outageStart);
            if (remaining > 0) {
                Thread.sleep(remaining / 1_000_000);
            }
            assertThat(flush).isNotDone();
            assertThat(queryRunner.execute("SELECT count(*), count(DISTINCT id) FROM outage WHERE id >= 100").getMaterializedRows().getFirst().getFields())
                    .containsExactly(150L, 150L);
            assertThat(scalar("SELECT state FROM freshet.system.ingest_status WHERE table_name = 'outage' LIMIT 1")).isEqualTo("RUNNING");
        }
        finally {
            s3.start();
        }
        // storage is back: the waiting flush commits, and the next commit carries everything, once
        flush.get(2, TimeUnit.MINUTES);
        queryRunner.execute("CALL freshet.system.flush('shop', 'outage')");
        assertThat(queryRunner.execute("SELECT count(*), count(DISTINCT id), min(id), max(id) FROM outage").getMaterializedRows().getFirst().getFields())
                .containsExactly(250L, 250L, 0L, 249L);
        assertThat(hotRows("outage")).isEqualTo(0L);
        assertVerified("outage");
        assertEveryDataFileWrittenOnce("outage");
    }

    /**
     * The catalog (PostgreSQL) down while S3 is up: queries read hot and committed rows as before, without a catalog
     * call; a commit written before the catalog refuses it is retried with the same data files, so storage ends up
     * with exactly the files the snapshots hold.
     */
    @Test
    void catalogOutageRetriesTheCommitWithTheSameDataFiles()
            throws Exception
    {
        createTableWithCommittedRows("catalog_outage", 100);
        String location = tableLocation("catalog_outage");

        postgres.close();
        CompletableFuture<?> flush;
        try {
            kafka.sendAll("catalog_outage", PARTITIONS, events(100, 100));
            waitUntil("the hot buffer holds the new records", Duration.ofSeconds(60), () -> hotRows("catalog_outage") == 100L);
            // committed files from S3 and hot rows from memory: the whole table, with no catalog call
            assertThat(queryRunner.execute("SELECT count(*), count(DISTINCT id) FROM catalog_outage").getMaterializedRows().getFirst().getFields())
                    .containsExactly(200L, 200L);

            flush = CompletableFuture.runAsync(() -> queryRunner.execute("CALL freshet.system.flush('shop', 'catalog_outage')"));
            waitUntil("the flush wrote its data files", Duration.ofSeconds(60), () -> dataObjects(location).size() == 2 * PARTITIONS);
            // retries back off 1, 2, 4 s: several attempts, each with the files already written
            Thread.sleep(10_000);
            assertThat(flush).isNotDone();
            assertThat(dataObjects(location)).as("data files in storage: one per partition and flush, not one per attempt").hasSize(2 * PARTITIONS);
        }
        finally {
            postgres = startPostgres();
        }
        flush.get(2, TimeUnit.MINUTES);
        assertThat(queryRunner.execute("SELECT count(*), count(DISTINCT id) FROM catalog_outage").getMaterializedRows().getFirst().getFields())
                .containsExactly(200L, 200L);
        assertThat(scalar("SELECT count(*) FROM \"catalog_outage$files\"")).isEqualTo(2L * PARTITIONS);
        assertVerified("catalog_outage");
        assertEveryDataFileWrittenOnce("catalog_outage");
    }

    @Test
    void wrongStorageSettingsFailCreateTableNamingTheProperty()
            throws Exception
    {
        Map<String, String> wrongSecret = new HashMap<>(catalogProperties());
        wrongSecret.put("s3.aws-secret-key", "not-the-secret-key");
        Map<String, String> missingBucket = new HashMap<>(catalogProperties());
        missingBucket.put("iceberg.jdbc-catalog.default-warehouse-dir", "s3://no-such-bucket/warehouse");
        Map<String, String> unreachable = new HashMap<>(catalogProperties());
        unreachable.put("s3.endpoint", "http://127.0.0.1:1");
        // fewer retries than the default keeps the test short; the probe gives up after 30 s whatever the setting
        unreachable.put("s3.max-error-retries", "1");
        for (Map<String, String> properties : List.of(wrongSecret, missingBucket, unreachable)) {
            // Trino starts whatever the storage does; the statement that needs the catalog fails naming what to fix
            try (DistributedQueryRunner wrong = FreshetQueryRunner.create(kafka.bootstrapServers(), Path.of("unused"), properties)) {
                assertThatThrownBy(() -> wrong.execute("CREATE SCHEMA freshet.wrong"))
                        .hasStackTraceContaining("iceberg.jdbc-catalog.default-warehouse-dir")
                        .hasStackTraceContaining("s3.endpoint")
                        .satisfies(failure -> assertThat(stackTraceOf(failure)).doesNotContain(TestingS3Server.SECRET_KEY, "not-the-secret-key"));
            }
        }
    }

    /** The standalone worker reads the same catalog file: the same s3.* names reach the same bucket through S3FileIO. */
    @Test
    void standaloneWorkerReachesTheSameStorageWithTheSameProperties()
            throws Exception
    {
        Map<String, String> properties = new HashMap<>(catalogProperties());
        properties.put("connector.name", "freshet");
        properties.put("kafka.bootstrap.servers", kafka.bootstrapServers());
        IngestSettings settings = IngestProperties.parse(properties);
        FileIO io = settings.catalog().fileIoFactory().create(Map.of());
        String key = "standalone/written-by-the-worker.txt";
        try (PositionOutputStream output = io.newOutputFile("s3://%s/%s".formatted(BUCKET, key)).create()) {
            output.write("written through S3FileIO".getBytes(UTF_8));
        }
        assertThat(s3.objectPath(BUCKET, key)).hasContent("written through S3FileIO");
        assertThat(io.newInputFile("s3://%s/%s".formatted(BUCKET, key)).getLength()).isEqualTo(24);
        io.deleteFile("s3://%s/%s".formatted(BUCKET, key));
        assertThat(s3.objectPath(BUCKET, key)).doesNotExist();
        io.close();
    }

    private void assertVerified(String table)
    {
        List<MaterializedRow> partitions = queryRunner.execute("SELECT missing, duplicated, extra FROM TABLE(freshet.system.verify(schema_name => 'shop', table_name => '%s'))".formatted(table)).getMaterializedRows();
        assertThat(partitions).hasSize(PARTITIONS);
        assertThat(partitions).allSatisfy(row -> assertThat(row.getFields()).containsOnly(0L));
    }

    /**
     * A table whose first {@code rows} records are committed, and no query after the commit: the metadata and files of
     * the new snapshot must come from what the connector loaded right after the commit (it needs well under the wait).
     */
    private void createTableWithCommittedRows(String table, int rows)
            throws InterruptedException
    {
        kafka.createTopic(table, PARTITIONS);
        queryRunner.execute("CREATE TABLE %s (id bigint, note varchar) WITH (kafka_topic = '%s')".formatted(table, table));
        kafka.sendAll(table, PARTITIONS, events(0, rows));
        waitForCount(table, rows);
        queryRunner.execute("CALL freshet.system.flush('shop', '%s')".formatted(table));
        Thread.sleep(5_000);
    }

    /** The bucket holds exactly the data files the current snapshot references: none written twice, none left over. */
    private void assertEveryDataFileWrittenOnce(String table)
            throws Exception
    {
        List<String> committed = queryRunner.execute("SELECT file_path FROM \"%s$files\"".formatted(table)).getMaterializedRows().stream()
                .map(row -> (String) row.getField(0))
                .map(path -> path.substring(("s3://" + BUCKET + "/").length()))
                .toList();
        List<String> stored = dataObjects(tableLocation(table)).stream()
                .map(path -> s3.objectPath(BUCKET, "").relativize(path).toString())
                .toList();
        assertThat(stored).containsExactlyInAnyOrderElementsOf(committed);
    }

    private long hotRows(String table)
    {
        return (Long) scalar("SELECT sum(hot_rows) FROM freshet.system.ingest_status WHERE table_name = '%s'".formatted(table));
    }

    private String tableLocation(String table)
    {
        String file = (String) queryRunner.execute("SELECT file_path FROM \"%s$files\" LIMIT 1".formatted(table)).getOnlyValue();
        return file.substring(0, file.indexOf("/data/"));
    }

    private List<Path> dataObjects(String location)
    {
        Path data = s3.objectPath(BUCKET, location.substring(("s3://" + BUCKET + "/").length()) + "/data");
        try (Stream<Path> files = Files.walk(data)) {
            return files.filter(Files::isRegularFile).filter(file -> file.toString().endsWith(".parquet")).toList();
        }
        catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private void waitForCount(String table, long count)
    {
        waitUntil("%s has %s rows".formatted(table, count), Duration.ofSeconds(60), () -> scalar("SELECT count(*) FROM " + table).equals(count));
    }

    private Object scalar(String sql)
    {
        return queryRunner.execute(sql).getOnlyValue();
    }

    private static List<String> events(int firstId, int count)
    {
        return IntStream.range(firstId, firstId + count)
                .mapToObj(id -> "{\"id\": %s, \"note\": \"event %s\"}".formatted(id, id))
                .toList();
    }

    private static String stackTraceOf(Throwable throwable)
    {
        java.io.StringWriter writer = new java.io.StringWriter();
        throwable.printStackTrace(new java.io.PrintWriter(writer));
        return writer.toString();
    }
}
