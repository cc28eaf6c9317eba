package io.freshet.trino.catalog;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.trino.ingestion.IngestionManager;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.HashSet;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Loads the metadata and the file plan of each snapshot an ingested table commits, right after the commit, while
 * the catalog and the storage just proved reachable. Queries then read both from memory, and keep working while
 * the catalog or the storage is down: the cut of such a query names the last committed snapshot, which is already
 * known here. Without this, the first query after a commit would be the one to load them.
 */
public final class TableCacheRefresher
{
    private static final Logger log = Logger.get(TableCacheRefresher.class);
    private static final long INTERVAL_MILLIS = 100;

    private final IngestionManager ingestion;
    private final TableCache tableCache;
    private final FileScanPlans fileScanPlans;
    private final Map<TableIdentifier, Long> refreshed = new ConcurrentHashMap<>();
    private final ScheduledExecutorService executor;

    @Inject
    public TableCacheRefresher(IngestionManager ingestion, TableCache tableCache, FileScanPlans fileScanPlans)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.fileScanPlans = requireNonNull(fileScanPlans, "fileScanPlans is null");
        this.executor = Executors.newSingleThreadScheduledExecutor(runnable -> {
            Thread thread = new Thread(runnable, "freshet-table-cache-refresher");
            thread.setDaemon(true);
            // Iceberg looks classes up through the context class loader: a thread of our own sets the plugin's
            thread.setContextClassLoader(TableCacheRefresher.class.getClassLoader());
            return thread;
        });
    }

    @PostConstruct
    public void start()
    {
        if (ingestion.isIngesting()) {
            executor.scheduleWithFixedDelay(this::refreshAll, INTERVAL_MILLIS, INTERVAL_MILLIS, TimeUnit.MILLISECONDS);
        }
    }

    @PreDestroy
    public void stop()
    {
        executor.shutdownNow();
    }

    /** Whether the metadata and file plan of this committed snapshot are in memory (for tests and status). */
    public boolean isRefreshed(TableIdentifier identifier, long snapshotId)
    {
        return Long.valueOf(snapshotId).equals(refreshed.get(identifier));
    }

    private void refreshAll()
    {
        Set<TableIdentifier> running = new HashSet<>(ingestion.worker().listRunning());
        refreshed.keySet().retainAll(running);
        for (TableIdentifier identifier : running) {
            ingestion.ingester(identifier).ifPresent(ingester -> refresh(identifier, ingester));
        }
    }

    private void refresh(TableIdentifier identifier, TableIngester ingester)
    {
        Optional<Long> snapshotId = ingester.buffer().committed().snapshotId();
        if (snapshotId.isEmpty() || snapshotId.get().equals(refreshed.get(identifier))) {
            return;
        }
        try {
            Table table = tableCache.tableAt(identifier, snapshotId);
            if (table.snapshot(snapshotId.get()) == null) {
                // not visible through the catalog yet; the next round tries again
                return;
            }
            fileScanPlans.plan(table, snapshotId.get());
            refreshed.put(identifier, snapshotId.get());
        }
        catch (RuntimeException e) {
            // the catalog or storage went away right after the commit: queries load it themselves later
            log.debug(e, "Cannot load snapshot %s of %s yet", snapshotId.get(), identifier);
        }
    }
}
