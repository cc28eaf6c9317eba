package io.freshet.ingest.buffer;

import io.freshet.ingest.commit.CommittedState;
import io.freshet.ingest.commit.OffsetWatermark;
import org.apache.arrow.memory.BufferAllocator;

import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * The hot buffer of one table: per Kafka partition the sealed Arrow batches above the committed offset
 * watermark. One writer (the table's ingest loop) appends; any number of readers take cuts. Every state
 * change happens under one lock so that a cut always pairs a snapshot with exactly the batches above its
 * watermark, whatever flush or commit runs at the same time.
 */
public final class HotBuffer
        implements AutoCloseable
{
    private final BufferAllocator allocator;
    private final PartitionBatches partitions = new PartitionBatches();
    private final HotCutLeases leases = new HotCutLeases();
    // batches of recent commits, kept for queries planned on the snapshot before them (see retainCommittedBatches)
    private final RetainedCommits retainedCommits = new RetainedCommits();
    private CommittedState committed;
    private long unflushedSinceNanos = -1;
    private boolean closed;

    public HotBuffer(BufferAllocator allocator, CommittedState committed)
    {
        this.allocator = requireNonNull(allocator, "allocator is null");
        this.committed = requireNonNull(committed, "committed is null");
    }

    public BufferAllocator allocator()
    {
        return allocator;
    }

    /** Makes a sealed batch visible to readers. */
    public synchronized void append(HotBatch batch)
    {
        if (closed) {
            batch.release();
            return;
        }
        batch.whenFreed(this::batchFreed);
        partitions.add(batch, System.currentTimeMillis());
        advance(batch.partition(), batch.endOffset());
    }

    /** Moves a partition's high-water mark past records that produced no row (skipped or dead-lettered). */
    public synchronized void advance(int partition, long endOffset)
    {
        if (partitions.advance(partition, endOffset) && unflushedSinceNanos < 0 && endOffset > committed.watermark().nextOffset(partition)) {
            unflushedSinceNanos = System.nanoTime();
        }
    }

    public synchronized CommittedState committed()
    {
        return committed;
    }

    /** Everything above the committed watermark, retained for the flush, or empty when nothing is new. */
    public synchronized Optional<FlushPlan> planFlush()
    {
        OffsetWatermark target = committed.watermark().advancedTo(partitions.highWaterMarks());
        if (target.equals(committed.watermark())) {
            return Optional.empty();
        }
        return Optional.of(new FlushPlan(committed.watermark(), target, partitions.retainAll()));
    }

    /**
     * Drops a partition this node no longer holds: its batches leave the buffer (a query that reads them keeps
     * them until it ends) and it has no high-water mark until it is held again.
     */
    public synchronized void dropPartition(int partition)
    {
        partitions.drop(partition);
        if (!partitions.above(committed.watermark())) {
            unflushedSinceNanos = -1;
        }
    }

    /** Publishes a commit: later cuts read the new snapshot, and batches it covers leave the buffer. */
    public synchronized void publishCommit(CommittedState state)
    {
        OffsetWatermark base = committed.watermark();
        long retentionMillis = retainedCommits.retentionMillis();
        Set<Integer> heldBeforeCommit = partitions.held();
        committed = state;
        partitions.clearDropped();
        OffsetWatermark watermark = state.watermark();
        Map<Integer, List<HotBatch>> evictedBatches = partitions.evictCommitted(watermark, retentionMillis > 0);
        if (retentionMillis > 0) {
            // the batches cover a partition's rows from the previous watermark only if this buffer held the
            // partition before the commit; a commit that claims a partition brings its watermark from elsewhere
            Map<Integer, Long> coveredFrom = new TreeMap<>();
            for (Integer partition : heldBeforeCommit) {
                coveredFrom.put(partition, base.nextOffset(partition));
            }
            retainedCommits.add(System.currentTimeMillis(), coveredFrom, evictedBatches);
        }
        expireRetainedCommits();
        unflushedSinceNanos = partitions.above(watermark) ? System.nanoTime() : -1;
    }

    /**
     * Merges a run of a partition's batches into one, so that a high record rate sealed into many small polls
     * neither wastes vector capacity nor slows scans. Only the writer calls it, and never while a flush is
     * in flight: a merged batch must not mix rows a running flush commits with rows it does not.
     *
     * @return the rows copied into the merged batch, 0 when nothing was merged
     */
    public int coalesce(int partition, int minimumBatches, int maximumRows)
    {
        return coalesce(partition, minimumBatches, maximumRows, _ -> List.of());
    }

    /**
     * Like {@link #coalesce(int, int, int)}, merging the first run of at least {@code minimumBatches} consecutive
     * batches that follow one schema and have equal {@code runKey}s, none holding more than half of the run's rows
     * (see {@link BatchCoalescing#findRun}): a key of the Iceberg partitions a batch spans keeps batches of different
     * days apart, so that a query of one day reads that day's batches only.
     */
    public int coalesce(int partition, int minimumBatches, int maximumRows, Function<HotBatch, Object> runKey)
    {
        List<HotBatch> run = new ArrayList<>();
        synchronized (this) {
            Deque<HotBatch> partitionBatches = partitions.batches(partition);
            if (partitionBatches == null || partitionBatches.size() < minimumBatches) {
                return 0;
            }
            BatchCoalescing.findRun(partitionBatches, minimumBatches, maximumRows, runKey, run);
            if (run.isEmpty()) {
                return 0;
            }
            run.forEach(HotBatch::retain);
        }
        HotBatch merged;
        try {
            merged = HotBatch.merge(allocator, run);
        }
        finally {
            run.forEach(HotBatch::release);
        }
        synchronized (this) {
            // closed, or a commit dropped some of them meanwhile
            if (closed || !partitions.replaceRun(partition, run, merged)) {
                merged.release();
                return 0;
            }
            merged.whenFreed(this::batchFreed);
            return merged.rowCount();
        }
    }

    /**
     * Makes queries read a snapshot that an upkeep commit (compaction, manifest rewrite) made on
     * top of the committed one. It holds the same rows, so it is adopted only while the offset watermark is
     * still the one it carries; a newer ingest commit wins.
     */
    public synchronized boolean adoptSnapshot(CommittedState state)
    {
        if (!state.watermark().equals(committed.watermark()) || state.snapshotId().equals(committed.snapshotId()) || state.snapshotId().isEmpty()) {
            return false;
        }
        committed = state;
        return true;
    }

    /** Snapshots that queries read now or will read next: the committed one and every leased cut's. */
    public synchronized Set<Long> snapshotsInUse()
    {
        Set<Long> snapshots = new HashSet<>();
        committed.snapshotId().ifPresent(snapshots::add);
        leases.addSnapshotsTo(snapshots);
        return snapshots;
    }

    /**
     * Takes a cut for a query and keeps it under {@code leaseId} until it is released. A query that names
     * the table twice (a self-join, a subquery) asks again with the same lease id and reads the same cut.
     */
    public synchronized HotCut cut(String leaseId)
    {
        HotCut leased = leases.get(leaseId);
        if (leased != null) {
            return leased;
        }
        HotCut cut = new HotCut(leaseId, committed.snapshotId(), committed.watermark(), partitions.highWaterMarks(), partitions.retainByPartition());
        leases.put(leaseId, cut);
        return cut;
    }

    public synchronized Optional<HotCut> lease(String leaseId)
    {
        return Optional.ofNullable(leases.get(leaseId));
    }

    /**
     * Keeps the batches of each commit for the given time after it, so that a query planned on the snapshot
     * before that commit (on another node, which learns of commits later) still finds the rows above that
     * snapshot's watermark here. Asked at every commit; zero, the default, releases them at commit.
     */
    public synchronized void retainCommittedBatches(LongSupplier retentionMillis)
    {
        retainedCommits.retainFor(retentionMillis);
        expireRetainedCommits();
    }

    /**
     * Takes the cut of one partition for a query planned elsewhere: the rows from {@code startOffset} (the
     * offset watermark of the snapshot the query reads) to the high-water mark now, kept under
     * {@code leaseId} until released. Every later call with the same lease id and partition returns the same
     * range, so all splits and self-joins of one query read the same rows. Empty when this buffer no longer
     * holds the rows from {@code startOffset}: a newer commit took them, longer ago than the retention of
     * committed batches, or this node started ingesting the partition above that offset.
     */
    public synchronized Optional<HotCut> leasePartition(String queryLeaseId, int partition, long startOffset, Optional<Long> snapshotId)
    {
        expireRetainedCommits();
        String leaseId = HotCutLeases.partitionLeaseId(queryLeaseId, partition);
        HotCut leased = leases.get(leaseId);
        if (leased != null) {
            leased.touch();
            return Optional.of(leased);
        }
        if (partitions.dropped(partition) || startOffset < retainedCommits.heldFrom(partition, committed.watermark().nextOffset(partition))) {
            return Optional.empty();
        }
        List<HotBatch> partitionBatches = new ArrayList<>();
        retainedCommits.retainOverlapping(partition, startOffset, partitionBatches);
        partitions.retainOverlapping(partition, startOffset, partitionBatches);
        long highWaterMark = Math.max(startOffset, partitions.highWaterMarks().getOrDefault(partition, startOffset));
        HotCut cut = new HotCut(leaseId, snapshotId, new OffsetWatermark(Map.of(partition, startOffset)), Map.of(partition, highWaterMark), Map.of(partition, partitionBatches));
        leases.put(leaseId, cut);
        return Optional.of(cut);
    }

    /** Releases one partition's cut taken by {@link #leasePartition}. */
    public synchronized void releasePartitionLease(String queryLeaseId, int partition)
    {
        leases.release(HotCutLeases.partitionLeaseId(queryLeaseId, partition));
    }

    public synchronized long committedBatchRetentionMillis()
    {
        return retainedCommits.retentionMillis();
    }

    /** Bytes of committed batches kept for queries planned on an older snapshot. */
    public synchronized long retainedCommittedBytes()
    {
        return retainedCommits.bytes();
    }

    private void expireRetainedCommits()
    {
        long retentionMillis = retainedCommits.retentionMillis();
        retainedCommits.expire(retentionMillis, closed);
        if (retentionMillis > 0) {
            leases.releaseIdlePartitionLeases(retentionMillis);
        }
    }

    /** Releases every cut whose lease id starts with the prefix (all cuts of one query). */
    public synchronized void releaseLeases(String leaseIdPrefix)
    {
        leases.releaseLeases(leaseIdPrefix);
    }

    /** Releases cuts older than the limit: a safety net for queries whose end was never reported. */
    public synchronized int expireLeases(long maxAgeMillis)
    {
        return leases.expireLeases(maxAgeMillis);
    }

    /** Nanoseconds since the oldest row not yet committed arrived, or -1 when all is committed. */
    public synchronized long unflushedAgeNanos()
    {
        return unflushedSinceNanos < 0 ? -1 : System.nanoTime() - unflushedSinceNanos;
    }

    public synchronized List<PartitionStatus> status()
    {
        return partitions.status(committed.watermark(), System.currentTimeMillis());
    }

    /** Bytes of the batches above the committed watermark. */
    public synchronized long bufferedBytes()
    {
        return partitions.bufferedBytes();
    }

    /** Per partition, the consumer position after the last record taken in. */
    public synchronized Map<Integer, Long> highWaterMarks()
    {
        return Map.copyOf(partitions.highWaterMarks());
    }

    /**
     * Drops every batch and lease. Readers that still hold batches keep reading them; the buffer's allocator
     * closes when the last of those is released, so no memory is freed under a running query.
     */
    @Override
    public synchronized void close()
    {
        if (closed) {
            return;
        }
        closed = true;
        leases.closeAll();
        partitions.releaseAll();
        retainedCommits.releaseAll();
        batchFreed();
    }

    private synchronized void batchFreed()
    {
        if (closed && allocator.getAllocatedMemory() == 0) {
            allocator.close();
        }
    }
}
