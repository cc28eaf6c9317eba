package io.freshet.ingest.upkeep;

import io.freshet.ingest.cluster.ClusterMembership;
import io.freshet.ingest.cluster.PartitionOwnership;
import io.freshet.ingest.settings.UpkeepSettings;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.ingest.upkeep.UpkeepScheduler;
import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.function.Predicate;

import static java.util.Objects.requireNonNull;

/**
 * The upkeep of the tables an {@link IngestWorker} knows, and on which node each table's background upkeep runs.
 * The worker changes it under its own lock; look-ups need none.
 */
public final class UpkeepPlacement
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(UpkeepPlacement.class);

    private final ClusterMembership membership;
    private final UpkeepScheduler scheduler;
    private final Map<TableIdentifier, TableUpkeepTasks> tables = new ConcurrentHashMap<>();
    private final Set<TableIdentifier> scheduledUpkeep = ConcurrentHashMap.newKeySet();

    public UpkeepPlacement(ClusterMembership membership, UpkeepSettings settings)
    {
        this.membership = requireNonNull(membership, "membership is null");
        this.scheduler = new UpkeepScheduler(settings);
    }

    /**
     * Background upkeep of a table runs on one node: the owner of its Kafka partition 0 (the standalone worker runs
     * it for all its tables). Compactions and expiries of several nodes would only conflict with each other.
     */
    private boolean runsUpkeepHere(TableIdentifier identifier)
    {
        return membership.exclusive() || new PartitionOwnership(membership.ingestingNodes()).owns(membership.currentNode(), identifier.toString(), 0);
    }

    /** Schedules or cancels the background upkeep of each running table as the owner of its partition 0 changes. */
    public void follow(Predicate<TableIdentifier> running)
    {
        for (Map.Entry<TableIdentifier, TableUpkeepTasks> entry : tables.entrySet()) {
            TableIdentifier identifier = entry.getKey();
            if (!running.test(identifier)) {
                continue;
            }
            boolean here = runsUpkeepHere(identifier);
            if (here && scheduledUpkeep.add(identifier)) {
                scheduler.schedule(entry.getValue());
                log.info("Background upkeep of {} runs on this node now", identifier);
            }
            else if (!here && scheduledUpkeep.remove(identifier)) {
                scheduler.cancel(identifier);
                log.info("Background upkeep of {} runs on another node now", identifier);
            }
        }
    }

    /** Keeps the upkeep of a table whose ingestion started, scheduled when it runs on this node. */
    public void started(TableIdentifier identifier, TableUpkeepTasks upkeep)
    {
        tables.put(identifier, upkeep);
        if (runsUpkeepHere(identifier)) {
            scheduler.schedule(upkeep);
            scheduledUpkeep.add(identifier);
        }
    }

    /** Cancels and forgets the upkeep of a table whose ingestion stops. */
    public void stopped(TableIdentifier identifier)
    {
        scheduler.cancel(identifier);
        scheduledUpkeep.remove(identifier);
        tables.remove(identifier);
    }

    public TableUpkeepTasks computeIfAbsent(TableIdentifier identifier, Function<TableIdentifier, TableUpkeepTasks> upkeep)
    {
        return tables.computeIfAbsent(identifier, upkeep);
    }

    /** The upkeep kept for the table, or null. */
    public TableUpkeepTasks get(TableIdentifier identifier)
    {
        return tables.get(identifier);
    }

    @Override
    public void close()
    {
        scheduler.close();
    }
}
