package io.freshet.ingest.commit;

import io.freshet.ingest.cluster.PartitionEpochs;
import io.freshet.ingest.error.TransactionLogException;
import org.apache.iceberg.AppendFiles;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.exceptions.CommitFailedException;
import org.apache.iceberg.exceptions.CommitStateUnknownException;
import org.apache.iceberg.util.SnapshotUtil;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * The chain of Iceberg snapshots of a table, read as Freshet's transaction log: every commit's summary
 * carries the offset watermark, so the data and the Kafka progress are committed by one atomic catalog
 * update and recovery needs no second store.
 */
public final class TransactionLog
{
    /** Snapshot summary key holding the offset watermark as JSON, {"partition": nextOffset, ...}. */
    public static final String WATERMARK_KEY = "freshet.offset-watermark";
    /** Snapshot summary key naming the commit that made it, so a retried commit recognises its own snapshot. */
    public static final String COMMIT_ID_KEY = "freshet.commit-id";
    /** Snapshot summary key of a claim: the node that took partitions with it. */
    public static final String CLAIM_KEY = "freshet.claim";
    private static final int MAX_ATTEMPTS = 10;
    // a commit refused because another landed first is computed again at once; only a storm of them gives up
    private static final int MAX_BASE_ATTEMPTS = 1000;

    private final Table table;

    public TransactionLog(Table table)
    {
        this.table = requireNonNull(table, "table is null");
    }

    public Table table()
    {
        return table;
    }

    /**
     * The watermark a snapshot carries, or that of its nearest ancestor that has one: ingest commits carry
     * it; compaction, manifest rewrites and other engines' commits do not. A chain cut by snapshot expiry
     * before any watermark is found is an error, because starting over from the earliest offsets would
     * ingest every record twice.
     */
    public OffsetWatermark watermark(Snapshot snapshot)
    {
        return newestIngestCommit(snapshot)
                .map(ingestCommit -> OffsetWatermark.fromJson(ingestCommit.summary().get(WATERMARK_KEY)))
                .orElse(OffsetWatermark.EMPTY);
    }

    /** The partition epochs in force at a snapshot: those of the newest ingest commit in its ancestry, like the watermark. */
    public PartitionEpochs epochs(Snapshot snapshot)
    {
        return newestIngestCommit(snapshot)
                .map(ingestCommit -> PartitionEpochs.fromSummary(ingestCommit.summary()))
                .orElse(PartitionEpochs.EMPTY);
    }

    private Optional<Snapshot> newestIngestCommit(Snapshot snapshot)
    {
        Snapshot ancestor = snapshot;
        while (true) {
            if (ancestor.summary().containsKey(WATERMARK_KEY)) {
                return Optional.of(ancestor);
            }
            Long parentId = ancestor.parentId();
            if (parentId == null) {
                return Optional.empty();
            }
            Snapshot parent = table.snapshot(parentId);
            if (parent == null) {
                throw new TransactionLogException(("The offset watermark of %s cannot be found: snapshot %s descends from expired snapshot %s and no snapshot in between carries %s. "
                        + "Snapshot expiry outside Freshet removed the last ingest commit; expire snapshots with CALL system.expire_snapshots, which keeps it")
                        .formatted(table.name(), ancestor.snapshotId(), parentId, WATERMARK_KEY));
            }
            ancestor = parent;
        }
    }

    /** Snapshots from the current one back to the newest ingest commit: expiring any of them would lose the watermark. */
    public List<Long> watermarkChain()
    {
        table.refresh();
        List<Long> chain = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            chain.add(snapshot.snapshotId());
            if (snapshot.summary().containsKey(WATERMARK_KEY)) {
                break;
            }
        }
        return chain;
    }

    /** The table's current snapshot and its watermark, read fresh from the catalog. */
    public CommittedState current()
    {
        return head().committed();
    }

    /** The table's current snapshot with the watermark and partition epochs in force there, read fresh from the catalog. */
    public LogHead head()
    {
        table.refresh();
        Snapshot snapshot = table.currentSnapshot();
        if (snapshot == null) {
            return new LogHead(Optional.empty(), OffsetWatermark.EMPTY, PartitionEpochs.EMPTY);
        }
        return new LogHead(Optional.of(snapshot.snapshotId()), watermark(snapshot), epochs(snapshot));
    }

    /**
     * Claims partitions for a node: a commit without data files that raises their epochs, keeps every watermark,
     * and lands only on the snapshot it read. From then on, a commit of these partitions by any earlier holder
     * is refused. Returns the claim's snapshot and the epoch of each claimed partition.
     */
    public Claim claim(String node, Set<Integer> partitions)
    {
        String commitId = UUID.randomUUID().toString();
        Optional<Long> firstBase = Optional.empty();
        boolean tried = false;
        RuntimeException lastFailure = null;
        int failures = 0;
        for (int attempt = 1; attempt <= MAX_BASE_ATTEMPTS && failures < MAX_ATTEMPTS; attempt++) {
            LogHead head = head();
            if (tried) {
                Optional<Snapshot> landed = landed(commitId, firstBase);
                if (landed.isPresent()) {
                    return claimOf(landed.get(), partitions, head);
                }
            }
            else {
                firstBase = head.snapshotId();
                tried = true;
            }
            PartitionEpochs claimed = head.epochs().claimedBy(node, partitions);
            try {
                AppendFiles append = ExpectedBaseOperations.onSnapshot(table, head.snapshotId()).newFastAppend();
                append.set(WATERMARK_KEY, head.watermark().toJson());
                append.set(PartitionEpochs.EPOCHS_KEY, claimed.epochsJson());
                append.set(PartitionEpochs.OWNERS_KEY, claimed.ownersJson());
                append.set(COMMIT_ID_KEY, commitId);
                append.set(CLAIM_KEY, node);
                append.commit();
                Snapshot snapshot = table.currentSnapshot();
                return claimOf(snapshot, partitions, new LogHead(Optional.of(snapshot.snapshotId()), head.watermark(), claimed));
            }
            catch (BaseMovedException e) {
                lastFailure = e;
            }
            catch (CommitStateUnknownException | CommitFailedException e) {
                lastFailure = e;
                failures++;
                sleepBeforeRetry(failures);
            }
        }
        LogHead head = head();
        Optional<Snapshot> landed = landed(commitId, firstBase);
        if (landed.isPresent()) {
            return claimOf(landed.get(), partitions, head);
        }
        throw new IllegalStateException("Cannot claim partitions %s of %s: %s".formatted(partitions, table.name(), lastFailure == null ? "no attempt" : lastFailure.getMessage()), lastFailure);
    }

    private Claim claimOf(Snapshot claimSnapshot, Set<Integer> partitions, LogHead head)
    {
        PartitionEpochs epochs = PartitionEpochs.fromSummary(claimSnapshot.summary());
        Map<Integer, Long> claimed = new TreeMap<>();
        partitions.forEach(partition -> claimed.put(partition, epochs.epoch(partition)));
        // the head may be newer than the claim: it is what the claimed partitions resume from
        return new Claim(head.committed(), head.epochs(), claimed);
    }

    /**
     * Commits the data files of the partitions a node holds and moves their watermarks, keeping every other
     * partition's watermark and epoch as found in the snapshot the commit lands on. Each try reads the current
     * snapshot and lands only on it (another commit in between means reading and computing again), so a commit
     * never moves another owner's watermark back. A partition whose epoch in that snapshot is no longer the one
     * its writer claimed, or whose watermark moved without a claim, is left out: the result names it, and its
     * files are in no snapshot. A try whose outcome was unknown is recognised by the commit id when it landed.
     */
    public CommitResult commit(IngestCommit commit)
    {
        RuntimeException lastFailure = null;
        int failures = 0;
        for (int attempt = 1; attempt <= MAX_BASE_ATTEMPTS && failures < MAX_ATTEMPTS; attempt++) {
            LogHead head = head();
            if (commit.tried()) {
                if (landed(commit.commitId(), commit.firstBase()).isPresent()) {
                    // an earlier try landed although its outcome was reported unknown or as a failure
                    return new CommitResult(head.committed(), commit.fenced(), commit.epochs());
                }
            }
            else {
                commit.triedOn(head.snapshotId());
            }
            Map<Integer, String> fenced = new TreeMap<>();
            for (int partition : commit.partitions()) {
                if (head.epochs().epoch(partition) != commit.epoch(partition)) {
                    fenced.put(partition, "partition %s of %s was claimed by %s since this writer claimed it at epoch %s"
                            .formatted(partition, table.name(), head.epochs().describe(partition), commit.epoch(partition)));
                }
                else if (head.watermark().nextOffset(partition) != commit.fromOffset(partition)) {
                    fenced.put(partition, "another writer moved the offset watermark of %s partition %s from %s to %s without claiming the partition"
                            .formatted(table.name(), partition, commit.fromOffset(partition), head.watermark().nextOffset(partition)));
                }
            }
            commit.fenced(fenced);
            Map<Integer, Long> advances = new TreeMap<>(commit.toOffsets());
            advances.keySet().removeAll(fenced.keySet());
            if (advances.isEmpty()) {
                return new CommitResult(head.committed(), fenced, commit.epochs());
            }
            OffsetWatermark next = head.watermark().advancedTo(advances);
            List<DataFile> files = new ArrayList<>();
            advances.keySet().forEach(partition -> files.addAll(commit.files(partition)));
            List<LostOffsets> lost = commit.lostOffsets().stream().filter(range -> advances.containsKey(range.partition())).toList();
            try {
                AppendFiles append = ExpectedBaseOperations.onSnapshot(table, head.snapshotId()).newFastAppend();
                files.forEach(append::appendFile);
                append.set(WATERMARK_KEY, next.toJson());
                append.set(PartitionEpochs.EPOCHS_KEY, head.epochs().epochsJson());
                append.set(PartitionEpochs.OWNERS_KEY, head.epochs().ownersJson());
                append.set(COMMIT_ID_KEY, commit.commitId());
                if (!lost.isEmpty()) {
                    append.set(LostOffsets.SUMMARY_KEY, LostOffsets.toSummary(lost));
                }
                append.set("freshet.records", Long.toString(files.stream().mapToLong(DataFile::recordCount).sum()));
                append.commit();
                Snapshot snapshot = table.currentSnapshot();
                return new CommitResult(new CommittedState(Optional.of(snapshot.snapshotId()), next), fenced, commit.epochs());
            }
            catch (BaseMovedException e) {
                // another owner or upkeep committed since the read: read again and compute the commit anew
                lastFailure = e;
            }
            catch (CommitStateUnknownException | CommitFailedException e) {
                lastFailure = e;
                failures++;
                sleepBeforeRetry(failures);
            }
        }
        // the last attempt's outcome may be unknown too: it may have landed
        LogHead head = head();
        if (landed(commit.commitId(), commit.firstBase()).isPresent()) {
            return new CommitResult(head.committed(), commit.fenced(), commit.epochs());
        }
        throw new IllegalStateException("Commit to %s failed after %s attempts: %s".formatted(table.name(), failures, lastFailure == null ? "no attempt" : lastFailure.getMessage()), lastFailure);
    }

    /**
     * The snapshot a commit with this id made, searched from the current snapshot back to the snapshot that was
     * current when the commit was first tried: only later ones can be its. Call after {@link #head()} refreshed the table.
     */
    private Optional<Snapshot> landed(String commitId, Optional<Long> firstBase)
    {
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            if (firstBase.isPresent() && snapshot.snapshotId() == firstBase.get()) {
                return Optional.empty();
            }
            if (commitId.equals(snapshot.summary().get(COMMIT_ID_KEY))) {
                return Optional.of(snapshot);
            }
        }
        return Optional.empty();
    }

    /** Every range of offsets that the kept snapshots record as lost to Kafka's retention, oldest first. */
    public List<LostOffsets> lostOffsets()
    {
        table.refresh();
        List<LostOffsets> lost = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.currentAncestors(table)) {
            lost.addAll(0, LostOffsets.fromSummary(snapshot.summary().get(LostOffsets.SUMMARY_KEY)));
        }
        return lost;
    }

    /** Every snapshot from the oldest kept to the current one, with the watermark in force after it. */
    public List<LogEntry> history()
    {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        if (current == null) {
            return List.of();
        }
        List<LogEntry> entries = new ArrayList<>();
        for (Snapshot snapshot : SnapshotUtil.ancestorsOf(current.snapshotId(), table::snapshot)) {
            Map<String, String> summary = snapshot.summary();
            entries.add(LogEntry.of(snapshot, watermark(snapshot), summary.containsKey(WATERMARK_KEY), summary.containsKey(CLAIM_KEY)));
        }
        return entries.reversed();
    }

    private static void sleepBeforeRetry(int attempt)
    {
        try {
            Thread.sleep(Math.min(2_000, 50L << attempt));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while retrying a commit", e);
        }
    }
}
