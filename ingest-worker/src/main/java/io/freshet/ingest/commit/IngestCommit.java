package io.freshet.ingest.commit;

import org.apache.iceberg.DataFile;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

import static java.util.Objects.requireNonNull;

/**
 * One ingest commit of the partitions a node holds: per partition its new data files, the watermark it moves
 * from and to, and the epoch its writer claimed it at. Tried as often as needed under one commit id; it
 * remembers the snapshot of its first try, before which none of its tries can have landed, and the partitions
 * its last try left out because another writer had claimed them.
 */
public final class IngestCommit
{
    private final String commitId = UUID.randomUUID().toString();
    private final Map<Integer, List<DataFile>> files;
    private final Map<Integer, Long> fromOffsets;
    private final Map<Integer, Long> toOffsets;
    private final Map<Integer, Long> epochs;
    private final List<LostOffsets> lostOffsets;
    private volatile Optional<Long> firstBase;
    private volatile boolean tried;
    private volatile Map<Integer, String> fenced = Map.of();

    public IngestCommit(Map<Integer, List<DataFile>> files, Map<Integer, Long> fromOffsets, Map<Integer, Long> toOffsets, Map<Integer, Long> epochs, List<LostOffsets> lostOffsets)
    {
        this.files = Map.copyOf(requireNonNull(files, "files is null"));
        this.fromOffsets = Map.copyOf(requireNonNull(fromOffsets, "fromOffsets is null"));
        this.toOffsets = Map.copyOf(new TreeMap<>(requireNonNull(toOffsets, "toOffsets is null")));
        this.epochs = Map.copyOf(requireNonNull(epochs, "epochs is null"));
        this.lostOffsets = List.copyOf(requireNonNull(lostOffsets, "lostOffsets is null"));
        for (int partition : toOffsets.keySet()) {
            if (!fromOffsets.containsKey(partition) || !epochs.containsKey(partition)) {
                throw new IllegalArgumentException("Partition %s of a commit needs its base offset and epoch".formatted(partition));
            }
        }
    }

    public String commitId()
    {
        return commitId;
    }

    /** The partitions whose watermark the commit moves. */
    public Set<Integer> partitions()
    {
        return toOffsets.keySet();
    }

    public List<DataFile> files(int partition)
    {
        return files.getOrDefault(partition, List.of());
    }

    public List<DataFile> allFiles()
    {
        return files.values().stream().flatMap(List::stream).toList();
    }

    public long fromOffset(int partition)
    {
        return fromOffsets.get(partition);
    }

    public long toOffset(int partition)
    {
        return toOffsets.get(partition);
    }

    public Map<Integer, Long> toOffsets()
    {
        return toOffsets;
    }

    public long epoch(int partition)
    {
        return epochs.get(partition);
    }

    /** The epoch of each partition the commit moves, as its writer claimed it. */
    public Map<Integer, Long> epochs()
    {
        return epochs;
    }

    public List<LostOffsets> lostOffsets()
    {
        return lostOffsets;
    }

    /** The current snapshot when this commit was first tried: no try can have landed before it. */
    Optional<Long> firstBase()
    {
        return firstBase;
    }

    boolean tried()
    {
        return tried;
    }

    void triedOn(Optional<Long> base)
    {
        if (!tried) {
            firstBase = base;
            tried = true;
        }
    }

    /** Partitions the last try left out, with the reason: another writer holds them. */
    public Map<Integer, String> fenced()
    {
        return fenced;
    }

    void fenced(Map<Integer, String> partitions)
    {
        fenced = Map.copyOf(partitions);
    }
}
