package io.freshet.benchmarks.ingest;

import io.freshet.benchmarks.workload.Events;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Freshet inside an in-process Trino (coordinator only, so it also ingests): each run creates a new table on the
 * pre-loaded topic, which consumes it from offset 0, and watches system.ingest_status until every event is committed.
 */
final class FreshetIngest
        implements AutoCloseable
{
    private final DistributedQueryRunner queryRunner;

    FreshetIngest(String bootstrapServers, Path warehouse, Duration commitInterval)
            throws Exception
    {
        // default flush size (128MB of Arrow) and hot-buffer cap (1GB); commits at the same interval as the sink
        queryRunner = FreshetQueryRunner.create(bootstrapServers, warehouse, Map.of("freshet.flush.interval", commitInterval.toSeconds() + "s"));
        queryRunner.execute("CREATE SCHEMA freshet.bench");
    }

    IngestRun run(String table, String topic, long events, Duration timeout)
            throws InterruptedException
    {
        IngestRun run = new IngestRun(events);
        long start = System.nanoTime();
        queryRunner.execute("CREATE TABLE freshet.bench.%s (%s) WITH (kafka_topic = '%s')".formatted(table, Events.COLUMNS, topic));
        String progress = "SELECT coalesce(sum(high_water_mark), 0), coalesce(sum(offset_watermark), 0) FROM freshet.system.ingest_status WHERE schema_name = 'bench' AND table_name = '%s'".formatted(table);
        while (true) {
            MaterializedRow row = queryRunner.execute(progress).getMaterializedRows().getFirst();
            double seconds = (System.nanoTime() - start) / 1e9;
            if (run.sample(seconds, ((Number) row.getField(0)).longValue(), ((Number) row.getField(1)).longValue())) {
                return run;
            }
            if (seconds > timeout.toSeconds()) {
                throw new IllegalStateException("Freshet did not commit %,d events within %s; last progress: %s".formatted(events, timeout, row));
            }
            // Trino plans and runs every poll: twice a second keeps its share of the CPU small
            Thread.sleep(500);
        }
    }

    void drop(String table)
    {
        queryRunner.execute("DROP TABLE freshet.bench." + table);
    }

    @Override
    public void close()
    {
        queryRunner.close();
    }
}
