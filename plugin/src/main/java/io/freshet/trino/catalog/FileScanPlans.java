package io.freshet.trino.catalog;

import org.apache.iceberg.DataFile;
import org.apache.iceberg.DataOperations;
import org.apache.iceberg.FileScanTask;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.io.CloseableIterable;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The data files of recent snapshots, so that a query on a snapshot already planned reads no manifest. The
 * files of a snapshot that appends to (or compacts) a planned parent are derived from the parent's files and
 * the snapshot's own manifests, so each ingest commit costs one small manifest read, not a re-read of the
 * table's history. Files keep their column statistics for per-query pruning.
 */
public final class FileScanPlans
{
    // a few snapshots per table: the committed one, the one before it for queries still running, upkeep's
    private static final int MAX_PLANS = 16;

    private final Map<PlanKey, Plan> plans = new LinkedHashMap<>(MAX_PLANS, 0.75f, true)
    {
        @Override
        protected boolean removeEldestEntry(Map.Entry<PlanKey, Plan> eldest)
        {
            return size() > MAX_PLANS;
        }
    };

    /** Every data file of the snapshot; fails when the snapshot has delete files, which Freshet does not read. */
    public Plan plan(Table table, long snapshotId)
    {
        String tableUuid = table.uuid().toString();
        PlanKey key = new PlanKey(tableUuid, snapshotId);
        Plan cached = cached(key);
        if (cached != null) {
            return cached;
        }
        Snapshot snapshot = table.snapshot(snapshotId);
        Plan plan = Optional.ofNullable(snapshot.parentId())
                .map(parentId -> cached(new PlanKey(tableUuid, parentId)))
                .flatMap(parent -> derive(table, snapshot, parent))
                .orElseGet(() -> planFromManifests(table, snapshotId));
        synchronized (plans) {
            plans.put(key, plan);
        }
        return plan;
    }

    private Plan cached(PlanKey key)
    {
        synchronized (plans) {
            return plans.get(key);
        }
    }

    private static Optional<Plan> derive(Table table, Snapshot snapshot, Plan parent)
    {
        String operation = snapshot.operation();
        if (parent.hasDeletes() || !(DataOperations.APPEND.equals(operation) || DataOperations.REPLACE.equals(operation))) {
            return Optional.empty();
        }
        if (snapshot.addedDeleteFiles(table.io()).iterator().hasNext() || snapshot.removedDeleteFiles(table.io()).iterator().hasNext()) {
            return Optional.empty();
        }
        Set<String> removed = new HashSet<>();
        for (DataFile file : snapshot.removedDataFiles(table.io())) {
            removed.add(file.location());
        }
        List<DataFile> files = new ArrayList<>(parent.files().size());
        for (DataFile file : parent.files()) {
            if (!removed.contains(file.location())) {
                files.add(file);
            }
        }
        for (DataFile file : snapshot.addedDataFiles(table.io())) {
            files.add(file.copy());
        }
        return Optional.of(new Plan(files, false));
    }

    private static Plan planFromManifests(Table table, long snapshotId)
    {
        List<DataFile> files = new ArrayList<>();
        boolean deletes = false;
        try (CloseableIterable<FileScanTask> tasks = table.newScan().useSnapshot(snapshotId).includeColumnStats().planFiles()) {
            for (FileScanTask task : tasks) {
                deletes |= !task.deletes().isEmpty();
                files.add(task.file().copy());
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Plan(files, deletes);
    }

    public record Plan(List<DataFile> files, boolean hasDeletes)
    {
        public Plan
        {
            files = List.copyOf(files);
        }
    }

    private record PlanKey(String tableUuid, long snapshotId) {}
}
