package io.freshet.trino.catalog;

import com.google.inject.Inject;
import io.freshet.trino.ingestion.IngestionManager;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The newest table metadata this node has loaded, per table. A query whose cut names a snapshot that the
 * cached metadata already holds reads schema and snapshot from it without asking the catalog: for a table
 * ingested here, queries between two commits make no catalog call at all. The cached {@link Table} is never
 * refreshed in place, so every reader sees one immutable version of the metadata. Changes that make no snapshot
 * (table properties) invalidate the entry when Freshet makes them; made by another engine, they show with the
 * next commit.
 */
public final class TableCache
{
    private final IngestionManager ingestion;
    private final Map<TableIdentifier, Table> tables = new ConcurrentHashMap<>();
    private final Map<TableIdentifier, Long> loadedNanos = new ConcurrentHashMap<>();

    @Inject
    public TableCache(IngestionManager ingestion)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
    }

    /**
     * The table as of a cut's snapshot (empty: the table has no snapshot yet), loaded from the catalog only
     * when the cached metadata does not know that snapshot.
     */
    public Table tableAt(TableIdentifier identifier, Optional<Long> snapshotId)
    {
        Table cached = tables.get(identifier);
        if (cached != null && (snapshotId.isEmpty() || cached.snapshot(snapshotId.get()) != null)) {
            return cached;
        }
        return current(identifier);
    }

    /** The table as the catalog has it now. */
    public Table current(TableIdentifier identifier)
    {
        long now = System.nanoTime();
        Table table = ingestion.catalog().loadTable(identifier);
        tables.put(identifier, table);
        loadedNanos.put(identifier, now);
        return table;
    }

    /**
     * The table as the catalog had it at most {@code maxAgeMillis} ago: a node that learns of commits only
     * from the catalog asks it at most that often per table.
     */
    public Table recent(TableIdentifier identifier, long maxAgeMillis)
    {
        Table cached = tables.get(identifier);
        Long loaded = loadedNanos.get(identifier);
        if (cached != null && loaded != null && System.nanoTime() - loaded <= maxAgeMillis * 1_000_000) {
            return cached;
        }
        return current(identifier);
    }

    /** Forgets a table that was dropped or created, so that a new table of the same name is loaded afresh. */
    public void invalidate(TableIdentifier identifier)
    {
        tables.remove(identifier);
        loadedNanos.remove(identifier);
    }
}
