package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;

import static java.util.Objects.requireNonNull;

/**
 * The background thread of a node that opens the catalog, retrying from 1 s doubling to 30 s while it is slow,
 * locked or down, and then runs a round of table discovery every interval: nothing waits for the catalog at start.
 */
final class TableDiscovery
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TableDiscovery.class);
    private static final Duration FIRST_CATALOG_RETRY_DELAY = Duration.ofSeconds(1);
    private static final Duration MAX_CATALOG_RETRY_DELAY = Duration.ofSeconds(30);

    private final CatalogConnection catalog;
    private final Duration interval;
    private final Runnable round;
    private Thread thread;
    private boolean closed;

    TableDiscovery(CatalogConnection catalog, Duration interval, Runnable round)
    {
        this.catalog = requireNonNull(catalog, "catalog is null");
        this.interval = requireNonNull(interval, "interval is null");
        this.round = requireNonNull(round, "round is null");
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
                round.run();
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
}
