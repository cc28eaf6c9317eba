package io.freshet.trino.metadata;

import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import static io.freshet.trino.catalog.TableIdentifiers.toIdentifier;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static java.util.Objects.requireNonNull;

/**
 * The Iceberg tables one transaction reads. Each table is loaded at most once per transaction, at the snapshot of the
 * query's cut, and taken from the {@link TableCache} when that snapshot is already known on this node.
 */
final class TransactionTables
{
    private final IngestionManager ingestion;
    private final TableCache tableCache;
    private final Map<SchemaTableName, Table> tables = new ConcurrentHashMap<>();

    TransactionTables(IngestionManager ingestion, TableCache tableCache)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
    }

    /** The Iceberg table a handle reads, loaded at most once in this transaction. */
    Table table(FreshetTableHandle handle)
    {
        return table(handle.schemaTableName(), handle.leaseId().isPresent() || handle.snapshotId().isPresent() ? Optional.of(handle.snapshotId()) : Optional.empty());
    }

    /**
     * @param cutSnapshot the snapshot a cut reads (itself empty for a table without one), or empty to read the
     *         catalog's current version
     */
    Table table(SchemaTableName name, Optional<Optional<Long>> cutSnapshot)
    {
        TableIdentifier identifier = toIdentifier(name);
        return table(name, () -> cutSnapshot.isPresent() ? tableCache.tableAt(identifier, cutSnapshot.get()) : tableCache.current(identifier));
    }

    /** The table as the loader has it, loaded at most once in this transaction. */
    Table table(SchemaTableName name, Supplier<Table> loader)
    {
        return tables.computeIfAbsent(name, _ -> load(name, loader));
    }

    /** The catalog's current version of the table, loaded anew, as changes to the table need it. */
    Table current(SchemaTableName name)
    {
        return load(name, () -> ingestion.catalog().loadTable(toIdentifier(name)));
    }

    /** Forgets a table this transaction changed, so that the next read loads it again. */
    void forget(SchemaTableName name)
    {
        tables.remove(name);
    }

    private static Table load(SchemaTableName name, Supplier<Table> loader)
    {
        try {
            return loader.get();
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(name);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot load table %s: %s".formatted(name, e.getMessage()), e);
        }
    }
}
