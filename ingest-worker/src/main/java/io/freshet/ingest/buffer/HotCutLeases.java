package io.freshet.ingest.buffer;

import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The cuts queries hold, by lease id: a query's own cuts and the cuts of one partition taken for a query
 * planned elsewhere. Not thread safe: guarded by the lock of the {@link HotBuffer} that owns it.
 */
final class HotCutLeases
{
    // separates a query's lease id from the partition in the lease of one partition taken for a query planned elsewhere
    private static final String PARTITION_LEASE_MARKER = "#partition=";

    private final Map<String, HotCut> leases = new HashMap<>();

    static String partitionLeaseId(String queryLeaseId, int partition)
    {
        return queryLeaseId + PARTITION_LEASE_MARKER + partition;
    }

    /** The cut kept under the lease id, or null. */
    HotCut get(String leaseId)
    {
        return leases.get(leaseId);
    }

    void put(String leaseId, HotCut cut)
    {
        leases.put(leaseId, cut);
    }

    /** Releases the cut kept under the lease id, if any. */
    void release(String leaseId)
    {
        HotCut cut = leases.remove(leaseId);
        if (cut != null) {
            cut.close();
        }
    }

    void addSnapshotsTo(Set<Long> snapshots)
    {
        for (HotCut cut : leases.values()) {
            cut.snapshotId().ifPresent(snapshots::add);
        }
    }

    /**
     * Releases partition cuts that no split has asked for within the retention of committed batches. The node
     * that planned the query releases its own leases when the query ends; an owner hears of no query's end,
     * so it lets a partition cut go once its splits stopped coming. Running page sources hold their batches
     * themselves.
     */
    void releaseIdlePartitionLeases(long maxIdleMillis)
    {
        long oldest = System.currentTimeMillis() - maxIdleMillis;
        for (Iterator<Map.Entry<String, HotCut>> iterator = leases.entrySet().iterator(); iterator.hasNext(); ) {
            Map.Entry<String, HotCut> entry = iterator.next();
            if (entry.getKey().contains(PARTITION_LEASE_MARKER) && entry.getValue().lastUsedMillis() < oldest) {
                entry.getValue().close();
                iterator.remove();
            }
        }
    }

    /** Releases every cut whose lease id starts with the prefix (all cuts of one query). */
    void releaseLeases(String leaseIdPrefix)
    {
        for (Iterator<Map.Entry<String, HotCut>> iterator = leases.entrySet().iterator(); iterator.hasNext(); ) {
            Map.Entry<String, HotCut> entry = iterator.next();
            if (entry.getKey().startsWith(leaseIdPrefix)) {
                entry.getValue().close();
                iterator.remove();
            }
        }
    }

    /** Releases cuts older than the limit: a safety net for queries whose end was never reported. */
    int expireLeases(long maxAgeMillis)
    {
        long oldest = System.currentTimeMillis() - maxAgeMillis;
        int expired = 0;
        for (Iterator<HotCut> iterator = leases.values().iterator(); iterator.hasNext(); ) {
            HotCut cut = iterator.next();
            if (cut.createdMillis() < oldest) {
                cut.close();
                iterator.remove();
                expired++;
            }
        }
        return expired;
    }

    void closeAll()
    {
        leases.values().forEach(HotCut::close);
        leases.clear();
    }
}
