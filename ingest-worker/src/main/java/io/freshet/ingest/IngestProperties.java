package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.catalog.RestCatalogProperties;
import io.freshet.ingest.catalog.StandaloneStorage;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.maintenance.MaintenanceSettings;

import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads the ingest worker's settings from the same property names as the Trino catalog file, so one file
 * serves both. Unknown names fail fast, as Trino does.
 */
public final class IngestProperties
{
    public static final String KAFKA_PREFIX = "kafka.";
    private static final Pattern DATA_SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|kB|KB|MB|GB|TB)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");
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
            "freshet.maintenance.enabled",
            "freshet.maintenance.interval",
            "freshet.maintenance.threads",
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

    private IngestProperties() {}

    public static IngestSettings parse(Map<String, String> properties)
    {
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
                catalogType(properties.getOrDefault("iceberg.catalog.type", "JDBC")),
                properties.getOrDefault("iceberg.jdbc-catalog.catalog-name", "freshet"),
                properties.getOrDefault("iceberg.jdbc-catalog.default-warehouse-dir", "freshet-data"),
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
                dataSize(properties, "freshet.hot-buffer.max-size", "1GB"),
                dataSize(properties, "freshet.flush.max-size", "128MB"),
                duration(properties, "freshet.flush.interval", "5m"),
                BadRecordPolicy.fromString(properties.getOrDefault("freshet.bad-record-policy", "SKIP")),
                dataSize(properties, "freshet.max-record-size", "8MB"),
                duration(properties, "freshet.query-lease-timeout", "1h"),
                maintenance(properties));
    }

    private static MaintenanceSettings maintenance(Map<String, String> properties)
    {
        return new MaintenanceSettings(
                bool(properties, "freshet.maintenance.enabled", true),
                duration(properties, "freshet.maintenance.interval", "5m"),
                integer(properties, "freshet.maintenance.threads", 1),
                bool(properties, "freshet.compaction.enabled", true),
                dataSize(properties, "freshet.compaction.target-file-size", "128MB"),
                integer(properties, "freshet.compaction.min-input-files", 8),
                integer(properties, "freshet.compaction.max-manifests", 100),
                bool(properties, "freshet.snapshot-expiry.enabled", true),
                duration(properties, "freshet.snapshot-expiry.retention", "24h"),
                integer(properties, "freshet.snapshot-expiry.retain-last", 10),
                bool(properties, "freshet.orphan-cleanup.enabled", true),
                duration(properties, "freshet.orphan-cleanup.interval", "1h"),
                duration(properties, "freshet.orphan-cleanup.retention", "1h"));
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
        Matcher matcher = DATA_SIZE.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Invalid %s '%s': use a size such as 128MB".formatted(name, value));
        }
        long unit = switch (matcher.group(2).toUpperCase(Locale.ROOT)) {
            case "B" -> 1;
            case "KB" -> 1L << 10;
            case "MB" -> 1L << 20;
            case "GB" -> 1L << 30;
            default -> 1L << 40;
        };
        return (long) (Double.parseDouble(matcher.group(1)) * unit);
    }

    static Duration duration(Map<String, String> properties, String name, String defaultValue)
    {
        String value = properties.getOrDefault(name, defaultValue).trim();
        Matcher matcher = DURATION.matcher(value);
        if (!matcher.matches()) {
            throw new IllegalArgumentException("Invalid %s '%s': use a duration such as 500ms, 30s or 5m".formatted(name, value));
        }
        double amount = Double.parseDouble(matcher.group(1));
        long millis = switch (matcher.group(2)) {
            case "ms" -> 1;
            case "s" -> 1000;
            case "m" -> 60_000;
            case "h" -> 3_600_000;
            default -> 86_400_000;
        };
        return Duration.ofMillis((long) (amount * millis));
    }
}
