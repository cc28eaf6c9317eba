package io.freshet.ingest.buffer;

import java.util.OptionalLong;

/**
 * One Kafka partition of a hot buffer.
 *
 * @param ingestLagMillisP50 median, over the batches of the last 10 seconds, of the time from a batch's oldest
 *         Kafka timestamp until queries could read it
 * @param ingestLagMillisP99 the same, 99th percentile
 */
public record PartitionStatus(int partition, long highWaterMark, long committedOffset, long hotRows, long hotBytes, OptionalLong ingestLagMillisP50, OptionalLong ingestLagMillisP99) {}
