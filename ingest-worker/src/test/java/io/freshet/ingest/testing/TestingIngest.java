package io.freshet.ingest.testing;

import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.UpkeepSettings;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;

/** Shared pieces of ingestion tests. */
public final class TestingIngest
{
    private TestingIngest() {}

    public static IngestSettings settings(String bootstrapServers, Path warehouse, Duration flushInterval, BadRecordPolicy policy)
    {
        return settings(bootstrapServers, warehouse, flushInterval, policy, 1L << 20);
    }

    public static IngestSettings settings(String bootstrapServers, Path warehouse, Duration flushInterval, BadRecordPolicy policy, long maxRecordBytes)
    {
        return new IngestSettings(
                Map.of("bootstrap.servers", bootstrapServers),
                CatalogSettings.embedded(warehouse),
                256L << 20,
                64L << 20,
                flushInterval,
                policy,
                maxRecordBytes,
                Duration.ofMinutes(10),
                UpkeepSettings.DEFAULT);
    }

    /** The (partition, offset) of every committed row, read with Iceberg's own generic reader. */
    public static List<PartitionOffset> committedOffsets(Table table)
    {
        table.refresh();
        List<PartitionOffset> offsets = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).select("_partition_id", "_partition_offset").build()) {
            for (Record record : records) {
                offsets.add(new PartitionOffset(((Long) record.getField("_partition_id")).intValue(), (Long) record.getField("_partition_offset")));
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return offsets;
    }

    public static List<Record> committedRecords(Table table)
    {
        table.refresh();
        List<Record> result = new ArrayList<>();
        try (CloseableIterable<Record> records = IcebergGenerics.read(table).build()) {
            records.forEach(result::add);
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return result;
    }

    /** Every offset below each partition's end, as the table must hold them exactly once. */
    public static List<PartitionOffset> expectedOffsets(Map<Integer, Long> endOffsets)
    {
        List<PartitionOffset> expected = new ArrayList<>();
        endOffsets.forEach((partition, end) -> {
            for (long offset = 0; offset < end; offset++) {
                expected.add(new PartitionOffset(partition, offset));
            }
        });
        return expected;
    }

    public static void waitUntil(String description, Duration timeout, BooleanSupplier condition, java.util.function.Supplier<Object> state)
    {
        try {
            waitUntil(description, timeout, condition);
        }
        catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; last state: " + state.get(), e);
        }
    }

    public static void waitUntil(String description, Duration timeout, BooleanSupplier condition)
    {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + " waiting until " + description);
            }
            try {
                Thread.sleep(20);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    /** Checks what a query of the running table sees now (hot and committed rows) against its topic. */
    public static TableVerification verify(IngestWorker worker, TableIdentifier identifier)
    {
        TableIngester ingester = worker.ingester(identifier).orElseThrow();
        try (HotCut cut = ingester.buffer().cut("verify")) {
            TableContents contents = TableContents.of(ingester.table(), cut);
            return new TableVerifier(worker.settings()).verify(identifier.toString(), ingester.table().schema(), ingester.binding(), contents);
        }
        finally {
            ingester.buffer().releaseLeases("verify");
        }
    }

    public record PartitionOffset(int partition, long offset) {}
}
