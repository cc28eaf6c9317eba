package io.freshet.trino.upkeep;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.freshet.ingest.error.IngestException;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.upkeep.Compactor.CompactionResult;
import io.freshet.ingest.settings.UpkeepSettings;
import io.freshet.ingest.upkeep.OrphanFileCleaner.OrphanResult;
import io.freshet.ingest.upkeep.SnapshotExpirer.ExpiryResult;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.trino.config.UpkeepConfig;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.Optional;
import java.util.function.Function;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_MAINTENANCE_FAILED;
import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static io.trino.spi.StandardErrorCode.TABLE_NOT_FOUND;
import static java.util.Objects.requireNonNull;

/**
 * Table upkeep on demand, shared by {@code CALL system.compact(...)} and friends and by
 * {@code ALTER TABLE ... EXECUTE}: checks the table and the caller's rights, then runs the same work the
 * background schedule does, serialized with it.
 */
public class TableUpkeep
{
    private static final Logger log = Logger.get(TableUpkeep.class);

    private final IngestionManager ingestion;
    private final UpkeepConfig config;

    @Inject
    public TableUpkeep(IngestionManager ingestion, UpkeepConfig config)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.config = requireNonNull(config, "config is null");
    }

    /**
     * Upkeep rewrites and deletes table files, so it needs the rights to insert into and delete from the
     * table, as Trino's Iceberg procedures ask.
     */
    public static void checkAccess(ConnectorAccessControl accessControl, SchemaTableName name)
    {
        accessControl.checkCanInsertIntoTable(null, name);
        accessControl.checkCanDeleteFromTable(null, name);
    }

    /** Compacts until no Kafka partition has two or more small files left. */
    public CompactionResult compact(SchemaTableName name, Optional<DataSize> targetFileSize)
    {
        long target = targetFileSize.orElse(config.getTargetFileSize()).toBytes();
        if (target < 1024) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "target_file_size must be at least 1kB, got " + targetFileSize.orElseThrow());
        }
        CompactionResult result = run(name, upkeep -> {
            CompactionResult compacted = upkeep.compact(target, 2, true);
            upkeep.rewriteManifests(config.getMaxManifests());
            return compacted;
        });
        log.info("Compaction of %s: %s files (%s bytes) rewritten into %s files (%s bytes)", name, result.inputFiles(), result.bytesRead(), result.outputFiles(), result.bytesWritten());
        return result;
    }

    public ExpiryResult expireSnapshots(SchemaTableName name, Optional<Duration> retention, Optional<Integer> retainLast)
    {
        java.time.Duration effectiveRetention = java.time.Duration.ofMillis(retention.orElse(config.getSnapshotRetention()).toMillis());
        int effectiveRetainLast = retainLast.orElse(config.getRetainLast());
        if (effectiveRetainLast < 1) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "retain_last must be at least 1, got " + effectiveRetainLast);
        }
        return run(name, upkeep -> upkeep.expireSnapshots(effectiveRetention, effectiveRetainLast));
    }

    public OrphanResult removeOrphanFiles(SchemaTableName name, Optional<Duration> retention)
    {
        java.time.Duration effectiveRetention = java.time.Duration.ofMillis(retention.orElse(config.getOrphanRetention()).toMillis());
        if (effectiveRetention.compareTo(UpkeepSettings.MINIMUM_ORPHAN_RETENTION) < 0) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "retention_threshold must be at least 1h: a younger unreferenced file may belong to a commit in progress; got " + retention.orElseThrow());
        }
        return run(name, upkeep -> upkeep.removeOrphanFiles(effectiveRetention));
    }

    private <T> T run(SchemaTableName name, Function<TableUpkeepTasks, T> action)
    {
        TableIdentifier identifier = TableIdentifier.of(name.getSchemaName(), name.getTableName());
        TableUpkeepTasks upkeep;
        try {
            Table table = ingestion.catalog().loadTable(identifier);
            if (TableBinding.fromTableProperties(table.properties()).isEmpty()) {
                throw FreshetErrors.notFreshetTable(name);
            }
            upkeep = ingestion.worker().upkeep(identifier);
        }
        catch (NoSuchTableException e) {
            throw new TrinoException(TABLE_NOT_FOUND, "Table %s does not exist".formatted(name));
        }
        try {
            return action.apply(upkeep);
        }
        catch (TrinoException e) {
            throw e;
        }
        catch (IngestException e) {
            throw FreshetErrors.fromIngest(e);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_MAINTENANCE_FAILED, "Upkeep of %s failed: %s".formatted(name, e.getMessage()), e);
        }
    }

    /** Parses a procedure argument such as '128MB', naming the argument when it is malformed. */
    public static Optional<DataSize> dataSize(String argument, String value)
    {
        return parse(argument, value, DataSize::valueOf, "a size such as '128MB'");
    }

    /** Parses a procedure argument such as '24h', naming the argument when it is malformed. */
    public static Optional<Duration> duration(String argument, String value)
    {
        return parse(argument, value, Duration::valueOf, "a duration such as '24h' or '7d'");
    }

    private static <T> Optional<T> parse(String argument, String value, Function<String, T> parser, String expected)
    {
        if (value == null) {
            return Optional.empty();
        }
        try {
            return Optional.of(parser.apply(value));
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "%s '%s' is not %s".formatted(argument, value, expected));
        }
    }
}
