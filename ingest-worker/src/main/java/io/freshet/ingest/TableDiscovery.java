package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.consumer.TableIngester;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/**
 * The background thread of a node that opens the catalog, retrying from 1 s doubling to 30 s while it is slow,
 * locked or down, and then runs a round of table discovery every interval: nothing waits for the catalog at start.
 * A round starts ingesting the tables of the catalog that are new or whose ingestion properties changed, and stops
 * those dropped, on other nodes too.
 */
final class TableDiscovery
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TableDiscovery.class);
    private static final Duration FIRST_CATALOG_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_CATALOG_RETRY_DELAY = Duration.ofSeconds(30);

    private final CatalogConnection catalog;
    private final Duration interval;
    private final IngestingTables tables;
    private final Runnable afterRound;
    // tables being dropped or altered here: table discovery leaves them alone meanwhile
    private final Set<TableIdentifier> suspended = ConcurrentHashMap.newKeySet();
    // the ingestion properties each running table started with: discovery restarts a table whose properties changed elsewhere
    private final Map<TableIdentifier, Map<String, String>> startedWith = new ConcurrentHashMap<>();
    private Thread thread;
    private boolean closed;

    /** @param afterRound runs after each round in which this node ingests */
    TableDiscovery(CatalogConnection catalog, Duration interval, IngestingTables tables, Runnable afterRound)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.tables = requireNonNull(tables, "tables is null");
        this.afterRound = requireNonNull(afterRound, "afterRound is null");
    }

    /** Leaves a table alone while this node drops or alters it: no round starts or stops it meanwhile. */
    void suspend(TableIdentifier identifier)
    {
        suspended.add(identifier);
    }

    void resume(TableIdentifier identifier)
    {
        suspended.remove(identifier);
    }

    /** Notes the table properties a table started ingesting with: a round restarts it when its ingestion properties change. */
    void started(TableIdentifier identifier, Map<String, String> tableProperties)
    {
        startedWith.put(identifier, FreshetTableListing.ingestProperties(tableProperties));
    }

    synchronized void start()
    {
        if (thread != null || closed) {
            return;
        }
        thread = Thread.ofPlatform()
                .daemon()
                .name("freshet-table-discovery")
                .unstarted(this::run);
        thread.setContextClassLoader(TableDiscovery.class.getClassLoader());
        thread.start();
    }

    private void run()
    {
        Duration retryDelay = FIRST_CATALOG_RETRY_DELAY;
        while (!isClosed()) {
            Duration wait = interval;
            try {
                catalog.catalog();
                retryDelay = FIRST_CATALOG_RETRY_DELAY;
                if (tables.ingestsHere()) {
                    round();
                }
            }
            catch (RuntimeException e) {
                if (isClosed()) {
                    return;
                }
                CatalogConnection.Status status = catalog.status();
                if (!status.open()) {
                    log.warn("Waiting for the Iceberg catalog (attempt {}), trying again in {} s: {}", status.failedAttempts(), retryDelay.toSeconds(), e.getMessage());
                    wait = retryDelay;
                    retryDelay = retryDelay.multipliedBy(2).compareTo(MAX_CATALOG_RETRY_DELAY) > 0 ? MAX_CATALOG_RETRY_DELAY : retryDelay.multipliedBy(2);
                }
                else {
                    log.warn("Cannot list the tables of the Iceberg catalog: {}", e.getMessage(), e);
                }
            }
            try {
                Thread.sleep(wait);
            }
            catch (InterruptedException e) {
                return;
            }
        }
    }

    /** Starts ingesting the tables that are new or whose binding changed, and stops those dropped. */
    private void round()
    {
        Map<TableIdentifier, Map<String, String>> listed = FreshetTableListing.ingestPropertiesOfTables(catalog.catalog());
        for (Map.Entry<TableIdentifier, Map<String, String>> entry : listed.entrySet()) {
            TableIdentifier identifier = entry.getKey();
            if (suspended.contains(identifier) || isClosed()) {
                continue;
            }
            try {
                boolean running = tables.ingester(identifier).isPresent();
                if (running && !entry.getValue().equals(startedWith.get(identifier))) {
                    log.info("Table {} has new ingestion properties {}; restarting its ingestion", identifier, entry.getValue());
                    tables.stop(identifier);
                    running = false;
                }
                if (!running) {
                    tables.start(identifier);
                }
            }
            catch (RuntimeException e) {
                log.error("Cannot start ingestion of {}: {}", identifier, e.getMessage(), e);
            }
        }
        for (TableIdentifier identifier : tables.listRunning()) {
            if (!listed.containsKey(identifier) && !suspended.contains(identifier) && !isClosed()) {
                log.info("Table {} is no longer in the catalog; stopping its ingestion", identifier);
                tables.stop(identifier);
            }
        }
        afterRound.run();
    }

    private synchronized boolean isClosed()
    {
        return closed;
    }

    /** Stops the thread and waits for it: no round starts or runs after this returns. */
    @Override
    public void close()
    {
        Thread running;
        synchronized (this) {
            closed = true;
            running = thread;
        }
        if (running != null) {
            running.interrupt();
            try {
                running.join();
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The tables this node ingests, which a round starts and stops. */
    interface IngestingTables
    {
        /** Whether this node is one of the nodes that ingest: a round on a node that does not changes nothing. */
        boolean ingestsHere();

        Optional<TableIngester> ingester(TableIdentifier identifier);

        TableIngester start(TableIdentifier identifier);

        void stop(TableIdentifier identifier);

        /** The tables ingesting now, as a copy. */
        List<TableIdentifier> listRunning();
    }
}
