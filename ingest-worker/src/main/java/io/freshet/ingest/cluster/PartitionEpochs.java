package io.freshet.ingest.cluster;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.freshet.ingest.error.TransactionLogException;

import java.util.Collection;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

import static java.util.Objects.requireNonNull;

/**
 * Per Kafka partition, the epoch of its ownership and the node that claimed it. A node that takes a partition
 * commits a claim that raises the epoch; every ingest commit carries the epochs of the base it was computed on,
 * and commits a partition only while that partition's epoch is still the one its writer claimed. A partition
 * never claimed has epoch 0 and no owner.
 */
public record PartitionEpochs(Map<Integer, Long> epochs, Map<Integer, String> owners)
{
    /** Snapshot summary key holding the epochs as JSON, {"partition": epoch, ...}. */
    public static final String EPOCHS_KEY = "freshet.partition-epochs";
    /** Snapshot summary key holding the node that claimed each partition, {"partition": "node", ...}. */
    public static final String OWNERS_KEY = "freshet.partition-owners";
    public static final PartitionEpochs EMPTY = new PartitionEpochs(Map.of(), Map.of());
    private static final ObjectMapper MAPPER = new ObjectMapper();

    public PartitionEpochs
    {
        epochs = Map.copyOf(new TreeMap<>(requireNonNull(epochs, "epochs is null")));
        owners = Map.copyOf(new TreeMap<>(requireNonNull(owners, "owners is null")));
    }

    public long epoch(int partition)
    {
        return epochs.getOrDefault(partition, 0L);
    }

    public Optional<String> owner(int partition)
    {
        return Optional.ofNullable(owners.get(partition));
    }

    /** These epochs after {@code node} claims the partitions: each one's epoch goes up by one. */
    public PartitionEpochs claimedBy(String node, Collection<Integer> partitions)
    {
        Map<Integer, Long> newEpochs = new TreeMap<>(epochs);
        Map<Integer, String> newOwners = new TreeMap<>(owners);
        for (int partition : partitions) {
            newEpochs.put(partition, epoch(partition) + 1);
            newOwners.put(partition, node);
        }
        return new PartitionEpochs(newEpochs, newOwners);
    }

    /** Who holds a partition, for messages: "node X at epoch N". */
    public String describe(int partition)
    {
        return "%s at epoch %s".formatted(owner(partition).map(owner -> "node " + owner).orElse("a writer that does not claim partitions"), epoch(partition));
    }

    public String epochsJson()
    {
        return json(new TreeMap<>(epochs));
    }

    public String ownersJson()
    {
        return json(new TreeMap<>(owners));
    }

    /** Reads the two summary values; a snapshot written before epochs existed has neither, which means epoch 0 everywhere. */
    public static PartitionEpochs fromSummary(Map<String, String> summary)
    {
        String epochsJson = summary.get(EPOCHS_KEY);
        if (epochsJson == null) {
            return EMPTY;
        }
        try {
            Map<String, Long> parsedEpochs = MAPPER.readValue(epochsJson, new TypeReference<>() {});
            String ownersJson = summary.get(OWNERS_KEY);
            Map<String, String> parsedOwners = ownersJson == null ? Map.of() : MAPPER.readValue(ownersJson, new TypeReference<>() {});
            if (parsedEpochs == null || parsedEpochs.containsValue(null) || parsedOwners == null || parsedOwners.containsValue(null)) {
                throw new TransactionLogException("Invalid partition epochs in snapshot summary: " + epochsJson);
            }
            Map<Integer, Long> epochs = new TreeMap<>();
            parsedEpochs.forEach((partition, epoch) -> epochs.put(Integer.parseInt(partition), epoch));
            Map<Integer, String> owners = new TreeMap<>();
            parsedOwners.forEach((partition, owner) -> owners.put(Integer.parseInt(partition), owner));
            return new PartitionEpochs(epochs, owners);
        }
        catch (JsonProcessingException | NumberFormatException e) {
            throw new TransactionLogException("Invalid partition epochs in snapshot summary: " + epochsJson, e);
        }
    }

    private static String json(Object value)
    {
        try {
            return MAPPER.writeValueAsString(value);
        }
        catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public String toString()
    {
        return epochsJson() + " " + ownersJson();
    }
}
