package io.freshet.ingest.catalog;

import org.apache.iceberg.catalog.Catalog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * The Iceberg catalog of a node, opened on first use instead of at start: a catalog that is slow, locked or down
 * delays what needs it, with the reason in {@link #status()}, and never stops the node from starting. Every use
 * that finds it closed tries to open it again.
 */
public final class CatalogConnection
        implements Closeable
{
    private static final Logger log = LoggerFactory.getLogger(CatalogConnection.class);

    private final CatalogSettings settings;
    private final Runnable storageCheck;
    private volatile Catalog catalog;
    private volatile String failure;
    private volatile int failedAttempts;
    private boolean closed;

    /** @param storageCheck runs before each attempt to open the catalog, and fails when the warehouse cannot be reached */
    public CatalogConnection(CatalogSettings settings, Runnable storageCheck)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.storageCheck = requireNonNull(storageCheck, "storageCheck is null");
    }

    /** The catalog, opened now if it is not open yet; fails with the reason when it cannot be opened. */
    public Catalog catalog()
    {
        Catalog current = catalog;
        if (current != null) {
            return current;
        }
        return open();
    }

    private synchronized Catalog open()
    {
        if (catalog != null) {
            return catalog;
        }
        if (closed) {
            throw new IllegalStateException("The Iceberg catalog is closed");
        }
        try {
            storageCheck.run();
            catalog = IcebergCatalogFactory.create(settings);
            if (failedAttempts > 0) {
                log.info("Iceberg catalog {} open after {} failed attempts", settings.catalogName(), failedAttempts);
            }
            failure = null;
            failedAttempts = 0;
            return catalog;
        }
        catch (RuntimeException e) {
            failure = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            failedAttempts++;
            throw e;
        }
    }

    public Optional<Catalog> ifOpen()
    {
        return Optional.ofNullable(catalog);
    }

    /** Whether the catalog is open and, when it is not, why the last attempt failed. */
    public Status status()
    {
        return new Status(catalog != null, Optional.ofNullable(failure), failedAttempts);
    }

    @Override
    public synchronized void close()
    {
        closed = true;
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            }
            catch (IOException e) {
                log.warn("Cannot close the Iceberg catalog: {}", e.getMessage());
            }
        }
        catalog = null;
    }

    public record Status(boolean open, Optional<String> failure, int failedAttempts)
    {
        public Status
        {
            requireNonNull(failure, "failure is null");
        }
    }
}
