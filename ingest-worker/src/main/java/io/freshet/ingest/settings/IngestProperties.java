package io.freshet.ingest.settings;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.catalog.RestCatalogProperties;
import io.freshet.ingest.catalog.StandaloneStorage;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.error.InvalidTablePropertyException;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads the ingest worker's settings from the same property names as the Trino catalog file, so one file
 * serves both. Unknown names fail fast, as Trino does.
 */
public final class IngestProperties
{
    public static final String KAFKA_PREFIX = "kafka.";
    private static final Set<String> KNOWN = Set.of(
            "connector.name",
            "iceberg.catalog.type",
            "iceberg.jdbc-catalog.catalog-name",
            "iceberg.jdbc-catalog.default-warehouse-dir",
            "iceberg.jdbc-catalog.connection-url",
            "iceberg.jdbc-catalog.connection-user",
            "iceberg.jdbc-catalog.connection-password",
            "iceberg.jdbc-catalog.driver-class",
            "iceberg.rest-catalog.uri",
            "freshet.hot-buffer.max-size",
            "freshet.flush.max-size",
            "freshet.flush.interval",
            "freshet.bad-record-policy",
            "freshet.max-record-size",
            "freshet.query-lease-timeout",
            "freshet.ingestion.enabled",
            "freshet.allowed-topics",
            // ownership settings of Trino nodes; the standalone worker holds every partition
            "freshet.ownership.refresh-interval",
            "freshet.ownership.fence-hold-off",
            "freshet.table-discovery.interval",
            "freshet.upkeep.enabled",
            "freshet.upkeep.interval",
            "freshet.upkeep.threads",
            "freshet.compaction.enabled",
            "freshet.compaction.target-file-size",
            "freshet.compaction.min-input-files",
            "freshet.compaction.max-manifests",
            "freshet.snapshot-expiry.enabled",
            "freshet.snapshot-expiry.retention",
            "freshet.snapshot-expiry.retain-last",
            "freshet.orphan-cleanup.enabled",
            "freshet.orphan-cleanup.interval",
            "freshet.orphan-cleanup.retention");

    // the names upkeep properties had before; still read, as the connector reads them
    private static final Map<String, String> LEGACY_NAMES = Map.of(
            "freshet.maintenance.enabled", "freshet.upkeep.enabled",
            "freshet.maintenance.interval", "freshet.upkeep.interval",
            "freshet.maintenance.threads", "freshet.upkeep.threads");

    private IngestProperties() {}

    public static IngestSettings parse(Map<String, String> catalogProperties)
    {
        Map<String, String> properties = new HashMap<>(catalogProperties);
        LEGACY_NAMES.forEach((legacy, current) -> {
            String value = properties.remove(legacy);
            if (value != null && properties.putIfAbsent(current, value) != null) {
                throw new IllegalArgumentException("Set %s only, not also its former name %s".formatted(current, legacy));
            }
        });
        Set<String> unknown = new HashSet<>();
        properties.keySet().forEach(name -> {
            if (!name.startsWith(KAFKA_PREFIX) && !KNOWN.contains(name) && !RestCatalogProperties.PROPERTY_NAMES.contains(name) && !StandaloneStorage.isStorageProperty(name)) {
                unknown.add(name);
            }
        });
        Map<String, String> kafka = kafkaClientProperties(properties);
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("Unknown properties " + unknown + ": see docs/configuration.md for the valid names");
        }
        CatalogSettings catalog = new CatalogSettings(
                catalogType(properties.getOrDefault("iceberg.catalog.type", IngestDefaults.CATALOG_TYPE)),
                properties.getOrDefault("iceberg.jdbc-catalog.catalog-name", IngestDefaults.CATALOG_NAME),
                properties.getOrDefault("iceberg.jdbc-catalog.default-warehouse-dir", IngestDefaults.WAREHOUSE),
                Optional.ofNullable(properties.get("iceberg.jdbc-catalog.connection-url")),
                Optional.ofNullable(properties.get("iceberg.jdbc-catalog.connection-user")),
                Optional.ofNullable(properties.get("iceberg.jdbc-catalog.connection-password")),
                Optional.ofNullable(properties.get("iceberg.jdbc-catalog.driver-class")),
                Optional.ofNullable(properties.get("iceberg.rest-catalog.uri")),
                RestCatalogProperties.toIcebergProperties(properties),
                StandaloneStorage.fileIoFactory(properties));
        return new IngestSettings(
                kafka,
                catalog,
                dataSize(properties, "freshet.hot-buffer.max-size", IngestDefaults.HOT_BUFFER_MAX_SIZE),
                dataSize(properties, "freshet.flush.max-size", IngestDefaults.FLUSH_MAX_SIZE),
                duration(properties, "freshet.flush.interval", IngestDefaults.FLUSH_INTERVAL),
                badRecordPolicy(properties.getOrDefault("freshet.bad-record-policy", IngestDefaults.BAD_RECORD_POLICY)),
                dataSize(properties, "freshet.max-record-size", IngestDefaults.MAX_RECORD_SIZE),
                duration(properties, "freshet.query-lease-timeout", IngestDefaults.QUERY_LEASE_TIMEOUT),
                upkeep(properties));
    }

    private static UpkeepSettings upkeep(Map<String, String> properties)
    {
        return new UpkeepSettings(
                bool(properties, "freshet.upkeep.enabled", IngestDefaults.UPKEEP_ENABLED),
                duration(properties, "freshet.upkeep.interval", IngestDefaults.UPKEEP_INTERVAL),
                integer(properties, "freshet.upkeep.threads", IngestDefaults.UPKEEP_THREADS),
                bool(properties, "freshet.compaction.enabled", IngestDefaults.COMPACTION_ENABLED),
                dataSize(properties, "freshet.compaction.target-file-size", IngestDefaults.COMPACTION_TARGET_FILE_SIZE),
                integer(properties, "freshet.compaction.min-input-files", IngestDefaults.COMPACTION_MIN_INPUT_FILES),
                integer(properties, "freshet.compaction.max-manifests", IngestDefaults.COMPACTION_MAX_MANIFESTS),
                bool(properties, "freshet.snapshot-expiry.enabled", IngestDefaults.SNAPSHOT_EXPIRY_ENABLED),
                duration(properties, "freshet.snapshot-expiry.retention", IngestDefaults.SNAPSHOT_EXPIRY_RETENTION),
                integer(properties, "freshet.snapshot-expiry.retain-last", IngestDefaults.SNAPSHOT_EXPIRY_RETAIN_LAST),
                bool(properties, "freshet.orphan-cleanup.enabled", IngestDefaults.ORPHAN_CLEANUP_ENABLED),
                duration(properties, "freshet.orphan-cleanup.interval", IngestDefaults.ORPHAN_CLEANUP_INTERVAL),
                duration(properties, "freshet.orphan-cleanup.retention", IngestDefaults.ORPHAN_CLEANUP_RETENTION));
    }

    private static boolean bool(Map<String, String> properties, String name, boolean defaultValue)
    {
        String value = properties.get(name);
        if (value == null) {
            return defaultValue;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("Invalid %s '%s': use true or false".formatted(name, value));
        };
    }

    private static int integer(Map<String, String> properties, String name, int defaultValue)
    {
        String value = properties.get(name);
        if (value == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(value.trim());
        }
        catch (NumberFormatException e) {
            throw new IllegalArgumentException("Invalid %s '%s': use a whole number".formatted(name, value));
        }
    }

    private static BadRecordPolicy badRecordPolicy(String value)
    {
        try {
            return BadRecordPolicy.fromString(value);
        }
        catch (InvalidTablePropertyException e) {
            throw new IllegalArgumentException("Invalid freshet.bad-record-policy: " + e.getMessage(), e);
        }
    }

    private static CatalogType catalogType(String value)
    {
        try {
            return CatalogType.valueOf(value.trim().toUpperCase(Locale.ROOT));
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid iceberg.catalog.type '%s': use JDBC or REST".formatted(value));
        }
    }

    /** Every {@code kafka.<name>} property as {@code <name>}, the way the Kafka clients take it. */
    public static Map<String, String> kafkaClientProperties(Map<String, String> properties)
    {
        Map<String, String> kafka = new HashMap<>();
        properties.forEach((name, value) -> {
            if (name.startsWith(KAFKA_PREFIX)) {
                kafka.put(name.substring(KAFKA_PREFIX.length()), value);
            }
        });
        return kafka;
    }

    static long dataSize(Map<String, String> properties, String name, String defaultValue)
    {
        String value = properties.getOrDefault(name, defaultValue).trim();
        try {
            return IngestDefaults.parseDataSize(value);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid %s '%s': %s".formatted(name, value, e.getMessage()), e);
        }
    }

    static Duration duration(Map<String, String> properties, String name, String defaultValue)
    {
        String value = properties.getOrDefault(name, defaultValue).trim();
        try {
            return IngestDefaults.parseDuration(value);
        }
        catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("Invalid %s '%s': %s".formatted(name, value, e.getMessage()), e);
        }
    }
}
