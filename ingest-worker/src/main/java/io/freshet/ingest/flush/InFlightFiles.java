package io.freshet.ingest.flush;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data files of one table that are being written or committed and are not yet in any snapshot. Orphan
 * cleanup skips them, whatever their age, so it never deletes the output of a flush or a compaction that
 * is still running.
 */
public final class InFlightFiles
{
    private final Set<String> locations = ConcurrentHashMap.newKeySet();

    /** Registers a location before the file is created. */
    public void add(String location)
    {
        locations.add(location);
    }

    /** Forgets a location once its file is committed or deleted. */
    public void remove(String location)
    {
        locations.remove(location);
    }

    public Set<String> snapshot()
    {
        return Set.copyOf(locations);
    }
}
