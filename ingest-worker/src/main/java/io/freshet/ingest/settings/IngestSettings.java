package io.freshet.ingest.settings;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.decoding.BadRecordPolicy;

import java.time.Duration;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Settings of the ingest worker, shared by the Trino connector and the standalone worker.
 *
 * @param kafkaProperties Kafka client settings passed to every consumer, producer and admin client unchanged
 * @param hotBufferMaxBytes memory of all hot buffers together; at this size consumption pauses until a commit frees memory
 * @param flushMaxBytes hot-buffer bytes of one table that start a flush
 * @param flushInterval age of the oldest uncommitted row that starts a flush
 * @param badRecordPolicy what to do with a record that does not decode, unless the table says otherwise
 * @param maxRecordBytes larger record values are bad records
 * @param leaseTimeout longest time a query may hold rows of the hot buffer
 * @param upkeep background table upkeep: compaction, snapshot expiry, orphan cleanup
 */
public record IngestSettings(
        Map<String, String> kafkaProperties,
        CatalogSettings catalog,
        long hotBufferMaxBytes,
        long flushMaxBytes,
        Duration flushInterval,
        BadRecordPolicy badRecordPolicy,
        long maxRecordBytes,
        Duration leaseTimeout,
        UpkeepSettings upkeep)
{
    public IngestSettings
    {
        kafkaProperties = Map.copyOf(requireNonNull(kafkaProperties, "kafkaProperties is null"));
        requireNonNull(catalog, "catalog is null");
        requireNonNull(flushInterval, "flushInterval is null");
        requireNonNull(badRecordPolicy, "badRecordPolicy is null");
        requireNonNull(leaseTimeout, "leaseTimeout is null");
        requireNonNull(upkeep, "upkeep is null");
        if (!kafkaProperties.containsKey("bootstrap.servers")) {
            throw new IllegalArgumentException("kafka.bootstrap.servers is not set: name the Kafka brokers, for example kafka.bootstrap.servers=localhost:9092");
        }
        if (flushMaxBytes <= 0 || hotBufferMaxBytes <= 0 || maxRecordBytes <= 0) {
            throw new IllegalArgumentException("buffer, flush and record sizes must be positive");
        }
    }

    /** These settings with other Kafka client properties; everything else, upkeep included, stays. */
    public IngestSettings withKafkaProperties(Map<String, String> newKafkaProperties)
    {
        return new IngestSettings(newKafkaProperties, catalog, hotBufferMaxBytes, flushMaxBytes, flushInterval, badRecordPolicy, maxRecordBytes, leaseTimeout, upkeep);
    }

    /** These settings with another Iceberg catalog; everything else, upkeep included, stays. */
    public IngestSettings withCatalog(CatalogSettings newCatalog)
    {
        return new IngestSettings(kafkaProperties, newCatalog, hotBufferMaxBytes, flushMaxBytes, flushInterval, badRecordPolicy, maxRecordBytes, leaseTimeout, upkeep);
    }

    /** These settings with another hot-buffer memory limit; everything else, upkeep included, stays. */
    public IngestSettings withHotBufferMaxBytes(long newHotBufferMaxBytes)
    {
        return new IngestSettings(kafkaProperties, catalog, newHotBufferMaxBytes, flushMaxBytes, flushInterval, badRecordPolicy, maxRecordBytes, leaseTimeout, upkeep);
    }
}
