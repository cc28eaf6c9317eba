package io.freshet.ingest.upkeep;

import io.freshet.ingest.settings.UpkeepSettings;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static java.util.Objects.requireNonNull;

/**
 * Runs every table's scheduled upkeep on one small pool, apart from the ingest and flush threads, with
 * start times spread over the interval so tables do not all compact at once.
 */
public final class UpkeepScheduler
        implements AutoCloseable
{
    private final UpkeepSettings settings;
    private final ScheduledExecutorService executor;
    private final Map<TableIdentifier, ScheduledFuture<?>> scheduled = new ConcurrentHashMap<>();

    public UpkeepScheduler(UpkeepSettings settings)
    {
        this.settings = requireNonNull(settings, "settings is null");
        AtomicInteger threadNumber = new AtomicInteger();
        this.executor = Executors.newScheduledThreadPool(settings.threads(), runnable -> {
            Thread thread = new Thread(runnable, "freshet-upkeep-" + threadNumber.incrementAndGet());
            thread.setDaemon(true);
            thread.setPriority(Thread.MIN_PRIORITY);
            thread.setContextClassLoader(UpkeepScheduler.class.getClassLoader());
            return thread;
        });
    }

    public void schedule(TableUpkeepTasks upkeep)
    {
        if (!settings.enabled()) {
            return;
        }
        long intervalMillis = settings.interval().toMillis();
        long initialDelay = intervalMillis / 2 + ThreadLocalRandom.current().nextLong(Math.max(1, intervalMillis / 2));
        ScheduledFuture<?> future = executor.scheduleWithFixedDelay(upkeep::runScheduled, initialDelay, intervalMillis, TimeUnit.MILLISECONDS);
        ScheduledFuture<?> previous = scheduled.put(upkeep.identifier(), future);
        if (previous != null) {
            previous.cancel(false);
        }
    }

    public void cancel(TableIdentifier identifier)
    {
        ScheduledFuture<?> future = scheduled.remove(identifier);
        if (future != null) {
            future.cancel(false);
        }
    }

    @Override
    public void close()
    {
        executor.shutdownNow();
        try {
            executor.awaitTermination(30, TimeUnit.SECONDS);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
