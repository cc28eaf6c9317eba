package io.freshet.benchmarks.scan;

import io.freshet.benchmarks.report.Console;
import io.freshet.benchmarks.BenchmarkEnvironment;
import io.freshet.benchmarks.BenchmarkOptions;
import io.freshet.benchmarks.report.Figure;
import io.freshet.benchmarks.report.Report;
import io.freshet.benchmarks.report.Stats;
import io.freshet.benchmarks.report.Svg;
import io.freshet.benchmarks.workload.Events;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.freshet.trino.testing.TestingTrinoPlugins;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.apache.iceberg.catalog.TableIdentifier;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Figures 3 and 4: the same queries over the same rows, first while every row is in Freshet's hot buffer (nothing
 * flushes), then after one flush has committed them, through Freshet and through Trino's own Iceberg connector
 * (the trino-iceberg 476 plugin zip, the table registered with register_table) in the same in-process Trino.
 */
public final class ScanBenchmark
{
    public static final String TOPIC = "scan";
    private static final String TAIL_TOPIC = "scan-tail";
    private static final long TAIL_ROWS = 10_000;

    private final BenchmarkEnvironment environment;
    private final BenchmarkOptions options;
    private final Report report;
    // every engine, hot or committed, must answer each query the same
    private final Map<String, Object> answers = new LinkedHashMap<>();

    public ScanBenchmark(BenchmarkEnvironment environment, BenchmarkOptions options, Report report)
    {
        this.environment = environment;
        this.options = options;
        this.report = report;
    }

    private record Query(String name, String sql) {}

    public void run()
            throws Exception
    {
        long rows = options.scanRows();
        List<Query> queries = List.of(
                // reads no row: the per-query cost of metadata, planning and scheduling
                new Query("empty", "SELECT count(*) FROM %s WHERE id < 0"),
                new Query("aggregate", "SELECT count(*), sum(quantity), count(DISTINCT user_id) FROM %s"),
                new Query("selective", "SELECT count(*), sum(quantity), max(session) FROM %s WHERE id BETWEEN " + rows / 2 + " AND " + (rows / 2 + rows / 1000 - 1)));
        Path warehouse = environment.workDirectory("scan-warehouse");
        Map<String, String> nothingFlushes = Map.of("freshet.flush.interval", "24h", "freshet.flush.max-size", "64GB", "freshet.hot-buffer.max-size", "64GB");
        Console.OUT.printf(Locale.ROOT, "==> Scans over %,d rows: hot buffer, then committed (Freshet and Trino's Iceberg connector)%n", rows);
        try (DistributedQueryRunner queryRunner = FreshetQueryRunner.create(environment.kafka().bootstrapServers(), warehouse, nothingFlushes)) {
            queryRunner.execute("CREATE SCHEMA freshet.bench");
            long start = System.nanoTime();
            queryRunner.execute("CREATE TABLE freshet.bench.scan (%s) WITH (kafka_topic = '%s')".formatted(Events.COLUMNS, TOPIC));
            String progress = "SELECT coalesce(sum(high_water_mark), 0), coalesce(sum(hot_rows), 0), coalesce(sum(hot_bytes), 0) FROM freshet.system.ingest_status WHERE table_name = 'scan'";
            MaterializedRow status;
            while ((status = queryRunner.execute(progress).getMaterializedRows().getFirst()).getField(0) instanceof Number consumed && consumed.longValue() < rows) {
                Thread.sleep(200);
                if (System.nanoTime() - start > 1_800_000_000_000L) {
                    throw new IllegalStateException("the scan table did not fill within 30 minutes: " + status);
                }
            }
            Console.OUT.printf(Locale.ROOT, "    %,d rows in the hot buffer after %.1f s (%,d bytes of Arrow payload)%n", rows, (System.nanoTime() - start) / 1e9, ((Number) status.getField(2)).longValue());

            Map<String, List<Double>> hot = time(queryRunner, queries, List.of("freshet"), rows);
            tailFollowsRowsNeeded(queryRunner, rows);

            long flushStart = System.nanoTime();
            queryRunner.execute("CALL freshet.system.flush('bench', 'scan')");
            double flushSeconds = (System.nanoTime() - flushStart) / 1e9;
            Console.OUT.printf(Locale.ROOT, "    flush + commit of %,d rows: %.1f s%n", rows, flushSeconds);
            report.add(Figure.of("hot scan", "flush + commit of the whole table (one CALL system.flush)", "s", List.of(flushSeconds), "%,d rows".formatted(rows)));

            TestingTrinoPlugins.installPlugin(queryRunner, TestingTrinoPlugins.ICEBERG);
            Path metastore = Files.createDirectories(environment.workDirectory("scan-metastore"));
            queryRunner.createCatalog("iceberg", "iceberg", Map.of(
                    "iceberg.catalog.type", "TESTING_FILE_METASTORE",
                    "hive.metastore.catalog.dir", metastore.toUri().toString(),
                    "fs.native-local.enabled", "true",
                    "local.location", "/",
                    "iceberg.register-table-procedure.enabled", "true"));
            queryRunner.execute("CREATE SCHEMA iceberg.bench");
            String location = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse)).loadTable(TableIdentifier.of("bench", "scan")).location();
            queryRunner.execute("CALL iceberg.system.register_table(schema_name => 'bench', table_name => 'scan', table_location => '%s')".formatted(location));
            long files = (Long) queryRunner.execute("SELECT count(*) FROM iceberg.bench.\"scan$files\"").getOnlyValue();

            Map<String, List<Double>> cold = time(queryRunner, queries, List.of("freshet", "iceberg"), rows);

            String sizes = "%,d rows, %d partitions, %d Parquet files (zstd), in-process Trino 476, 1 node".formatted(rows, options.partitions(), files);
            List<Double> hotMedians = new ArrayList<>();
            List<Double> freshetMedians = new ArrayList<>();
            List<Double> icebergMedians = new ArrayList<>();
            for (Query query : queries) {
                List<Double> hotSeconds = hot.get("freshet/" + query.name());
                List<Double> freshetSeconds = cold.get("freshet/" + query.name());
                List<Double> icebergSeconds = cold.get("iceberg/" + query.name());
                report.add(Figure.of("hot scan", "Freshet hot buffer: " + query.name() + " query", "s", hotSeconds, sizes.replaceAll(", \\d+ Parquet files \\(zstd\\)", "") + "; " + query.sql().formatted("t")));
                report.add(Figure.of("hot scan", "Freshet hot buffer: " + query.name() + " rows/s", "rows/s", hotSeconds.stream().map(s -> rows / s).toList(), ""));
                report.add(Figure.of("cold scan", "Freshet committed: " + query.name() + " query", "s", freshetSeconds, sizes + "; " + query.sql().formatted("t")));
                report.add(Figure.of("cold scan", "Trino Iceberg connector: " + query.name() + " query", "s", icebergSeconds, "same table, same run"));
                report.add(Figure.of("cold scan", "ratio Freshet / Iceberg connector throughput: " + query.name(), "x", List.of(Stats.median(icebergSeconds) / Stats.median(freshetSeconds)), "ratio of median times (>1: Freshet faster)"));
                report.add(Figure.of("hot scan", "ratio hot / cold (Freshet) throughput: " + query.name(), "x", List.of(Stats.median(freshetSeconds) / Stats.median(hotSeconds)), "ratio of median times (>1: hot faster)"));
                hotMedians.add(Stats.median(hotSeconds));
                freshetMedians.add(Stats.median(freshetSeconds));
                icebergMedians.add(Stats.median(icebergSeconds));
            }
            Map<String, Object> detail = new LinkedHashMap<>();
            detail.put("hot", hot);
            detail.put("cold", cold);
            report.detail("scan_seconds", detail);
            report.plot("scan.svg", Svg.barChart("Scan of %,d rows: median seconds (lower is better)".formatted(rows), "seconds",
                    queries.stream().map(Query::name).toList(),
                    List.of(new Svg.Bars("Freshet, hot buffer", hotMedians), new Svg.Bars("Freshet, committed (Parquet)", freshetMedians), new Svg.Bars("Trino Iceberg connector, same files", icebergMedians))));
        }
    }

    /**
     * The same tail query (the newest {@value #TAIL_ROWS} rows, by offset) on the full hot table and on a table that
     * holds only those rows: batch skipping should make its cost follow the rows it needs, not the rows in the buffer.
     */
    private void tailFollowsRowsNeeded(DistributedQueryRunner queryRunner, long rows)
            throws InterruptedException
    {
        Events.createTopic(environment.kafka().bootstrapServers(), TAIL_TOPIC, options.partitions());
        Events.preload(environment.kafka().bootstrapServers(), TAIL_TOPIC, options.partitions(), TAIL_ROWS);
        queryRunner.execute("CREATE TABLE freshet.bench.scan_tail (%s) WITH (kafka_topic = '%s')".formatted(Events.COLUMNS, TAIL_TOPIC));
        while ((Long) queryRunner.execute("SELECT count(*) FROM freshet.bench.scan_tail").getOnlyValue() < TAIL_ROWS) {
            Thread.sleep(100);
        }
        String tail = "SELECT count(*), max(_partition_offset), sum(quantity) FROM %s WHERE _partition_offset >= %d";
        long perPartition = TAIL_ROWS / options.partitions();
        List<Double> large = new ArrayList<>();
        List<Double> small = new ArrayList<>();
        for (int run = 0; run < 21; run++) {
            large.add(seconds(queryRunner, tail.formatted("freshet.bench.scan", rows / options.partitions() - perPartition)) * 1000);
            small.add(seconds(queryRunner, tail.formatted("freshet.bench.scan_tail", 0)) * 1000);
        }
        // the first of each is a warm-up
        large.removeFirst();
        small.removeFirst();
        Console.OUT.printf(Locale.ROOT, "    tail of %,d rows: %.1f ms with %,d hot rows, %.1f ms with %,d hot rows (medians)%n",
                TAIL_ROWS, Stats.median(large), rows, Stats.median(small), TAIL_ROWS);
        report.add(Figure.of("hot scan", "tail query (newest %,d rows) with %,d hot rows, median".formatted(TAIL_ROWS, rows), "ms", List.of(Stats.median(large)),
                "SELECT count(*), max(_partition_offset), sum(quantity) FROM t WHERE _partition_offset >= <newest offset - %,d per partition>".formatted(perPartition)));
        report.add(Figure.of("hot scan", "same tail query with %,d hot rows, median".formatted(TAIL_ROWS), "ms", List.of(Stats.median(small)), "a table holding only the rows the query needs"));
        report.add(Figure.of("hot scan", "ratio tail query: large / small hot buffer", "x", List.of(Stats.median(large) / Stats.median(small)), "1.0: cost follows the rows needed"));
    }

    private static double seconds(DistributedQueryRunner queryRunner, String sql)
    {
        long start = System.nanoTime();
        queryRunner.execute(sql);
        return (System.nanoTime() - start) / 1e9;
    }

    /** Per engine and query, the wall time of each run after one warm-up execution; engines alternate within a run. */
    private Map<String, List<Double>> time(DistributedQueryRunner queryRunner, List<Query> queries, List<String> catalogs, long rows)
    {
        Map<String, List<Double>> seconds = new LinkedHashMap<>();
        for (Query query : queries) {
            for (String catalog : catalogs) {
                Object answer = queryRunner.execute(query.sql().formatted(catalog + ".bench.scan")).getMaterializedRows();
                Object previous = answers.putIfAbsent(query.name(), answer);
                if (previous != null && !previous.equals(answer)) {
                    report.problem("%s answers %s differently: %s vs %s".formatted(catalog, query.name(), answer, previous));
                }
            }
        }
        for (int run = 1; run <= options.runs(); run++) {
            for (Query query : queries) {
                for (String catalog : catalogs) {
                    long start = System.nanoTime();
                    queryRunner.execute(query.sql().formatted(catalog + ".bench.scan"));
                    double elapsed = (System.nanoTime() - start) / 1e9;
                    seconds.computeIfAbsent(catalog + "/" + query.name(), _ -> new ArrayList<>()).add(elapsed);
                    Console.OUT.printf(Locale.ROOT, "    run %d %-8s %-10s %.3f s (%,.0f rows/s)%n", run, catalog, query.name(), elapsed, rows / elapsed);
                }
            }
        }
        return seconds;
    }
}
