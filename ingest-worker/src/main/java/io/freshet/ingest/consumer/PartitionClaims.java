package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.cluster.ClusterSettings;
import io.freshet.ingest.cluster.PartitionAssignment;
import io.freshet.ingest.commit.Claim;
import io.freshet.ingest.commit.CommitResult;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.flush.FlushCommitter;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

import static java.util.Objects.requireNonNull;

/**
 * Follows this node's ownership of a table's partitions: claims (with a new epoch) those it owns now, releases those
 * another node owns, and stops those another writer claimed (fenced). Only the table's ingest loop calls it.
 */
final class PartitionClaims
{
    // the ingester's logger: operators find ownership changes under the name they always had
    private final Logger log;
    private final TableIdentifier identifier;
    private final String topic;
    private final ClusterSettings clusterSettings;
    private final PartitionAssignment assignment;
    private final PartitionConsumer partitions;
    private final TransactionLog transactionLog;
    private final HotBuffer buffer;
    private final Backpressure backpressure;
    private final FlushCommitter committer;
    private long nextOwnershipRefreshNanos;

    PartitionClaims(Logger log, TableIdentifier identifier, String topic, ClusterSettings clusterSettings, PartitionAssignment assignment, PartitionConsumer partitions,
            TransactionLog transactionLog, HotBuffer buffer, Backpressure backpressure, FlushCommitter committer)
    {
        this.log = requireNonNull(log, "log is null");
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.topic = requireNonNull(topic, "topic is null");
        this.clusterSettings = requireNonNull(clusterSettings, "clusterSettings is null");
        this.assignment = requireNonNull(assignment, "assignment is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.transactionLog = requireNonNull(transactionLog, "transactionLog is null");
        this.buffer = requireNonNull(buffer, "buffer is null");
        this.backpressure = requireNonNull(backpressure, "backpressure is null");
        this.committer = requireNonNull(committer, "committer is null");
    }

    /** Makes the next {@link #refreshIfDue} look at the ownership at once: new partitions are claimed at once by their owners. */
    void refreshSoon()
    {
        nextOwnershipRefreshNanos = 0;
    }

    /**
     * Claims the partitions this node owns now and releases those another node owns. Runs between flushes only,
     * so that the table object is not shared with a commit in flight.
     */
    void refreshIfDue(boolean flushInFlight, List<Integer> topicPartitions)
    {
        if (flushInFlight || System.nanoTime() < nextOwnershipRefreshNanos) {
            return;
        }
        nextOwnershipRefreshNanos = System.nanoTime() + clusterSettings.ownershipRefreshInterval().toNanos();
        PartitionAssignment.Change change = assignment.plan(topicPartitions);
        if (!change.release().isEmpty()) {
            release(change.release());
            log.info("{} released partitions {} of {}: another node owns them now", assignment.currentNode(), change.release(), identifier);
        }
        if (!change.claim().isEmpty()) {
            claim(change.claim());
        }
    }

    private void release(Set<Integer> released)
    {
        partitions.remove(released);
        assignment.released(released);
        committer.forget(released);
    }

    private void claim(Set<Integer> claimed)
    {
        Claim claim;
        try {
            claim = transactionLog.claim(assignment.currentNode(), claimed);
        }
        catch (RuntimeException e) {
            // the next refresh tries again; partitions not claimed are not consumed
            log.warn("{} cannot claim partitions {} of {} yet: {}", assignment.currentNode(), claimed, identifier, e.getMessage());
            return;
        }
        // the claim's snapshot carries every watermark as it is now: the claimed partitions resume there
        buffer.publishCommit(claim.committed());
        assignment.claimed(claim.claimedEpochs());
        List<TopicPartition> added = partitions.add(claimed, claim.committed().watermark());
        backpressure.assigned(partitions.consumer(), added);
        Map<Integer, Long> resumed = new TreeMap<>();
        claimed.forEach(partition -> resumed.put(partition, claim.committed().watermark().nextOffset(partition)));
        log.info("{} ingests topic {} partitions {} into {} from offsets {} (epochs {})", assignment.currentNode(), topic, claimed, identifier, resumed, claim.claimedEpochs());
    }

    /** Stops the partitions a commit found fenced, then commits the consumer group's offsets of the commit. */
    void committed(CommitResult result)
    {
        if (!result.fenced().isEmpty()) {
            handleFenced(result.fenced(), result.epochs());
        }
        partitions.commitGroupOffsets(result.committed().watermark());
    }

    /** Another writer claimed partitions this node committed: stop them, drop their hot rows, never commit them. */
    private void handleFenced(Map<Integer, String> fenced, Map<Integer, Long> epochsOfCommit)
    {
        Map<Integer, Long> held = assignment.epochs();
        Set<Integer> stopped = new TreeSet<>();
        for (Map.Entry<Integer, String> entry : fenced.entrySet()) {
            int partition = entry.getKey();
            Long heldEpoch = held.get(partition);
            if (heldEpoch != null && !heldEpoch.equals(epochsOfCommit.get(partition))) {
                // this node released and claimed the partition again since the commit: its newer claim is in force
                continue;
            }
            if (heldEpoch != null) {
                stopped.add(partition);
            }
            String reason = "Ingestion of %s stopped on node %s: %s. Its uncommitted rows were dropped; the holder ingests them from the committed watermark"
                    .formatted(identifier, assignment.currentNode(), entry.getValue());
            log.error(reason);
            assignment.fenced(partition, reason);
        }
        partitions.remove(stopped);
        committer.forget(stopped);
    }
}
