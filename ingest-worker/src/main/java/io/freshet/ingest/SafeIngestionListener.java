package io.freshet.ingest;

import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import static java.util.Objects.requireNonNull;

/** A listener whose failures are logged: metrics that cannot be published never stop a table's ingestion. */
final class SafeIngestionListener
        implements IngestionListener
{
    private static final Logger log = LoggerFactory.getLogger(SafeIngestionListener.class);

    private final IngestionListener listener;

    SafeIngestionListener(IngestionListener listener)
    {
        this.listener = requireNonNull(listener, "listener is null");
    }

    @Override
    public void started(TableIngester ingester, TableUpkeepTasks upkeep)
    {
        try {
            listener.started(ingester, upkeep);
        }
        catch (RuntimeException e) {
            log.warn("Cannot publish the metrics of {}: {}", ingester.identifier(), e.getMessage(), e);
        }
    }

    @Override
    public void stopped(TableIngester ingester)
    {
        try {
            listener.stopped(ingester);
        }
        catch (RuntimeException e) {
            log.warn("Cannot withdraw the metrics of {}: {}", ingester.identifier(), e.getMessage(), e);
        }
    }
}
