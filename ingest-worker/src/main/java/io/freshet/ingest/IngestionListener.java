package io.freshet.ingest;

import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.upkeep.TableUpkeepTasks;

/** Told when a table's ingestion starts and stops on an {@link IngestWorker}, so that metrics follow the running tables. */
public interface IngestionListener
{
    /** Publishes each table's {@code IngestStages} on the platform MBean server: the standalone worker's default. */
    IngestionListener PLATFORM_MBEAN_SERVER = new IngestionListener()
    {
        @Override
        public void started(TableIngester ingester, TableUpkeepTasks upkeep)
        {
            ingester.stages().register(ingester.identifier().toString());
        }

        @Override
        public void stopped(TableIngester ingester)
        {
            ingester.stages().unregister();
        }
    };

    void started(TableIngester ingester, TableUpkeepTasks upkeep);

    void stopped(TableIngester ingester);
}
