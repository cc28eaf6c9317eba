package io.freshet.ingest.settings;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The default of every catalog property with one, written once: the connector's {@code @Config} classes, the
 * standalone worker's {@link IngestProperties} and the documentation test all read them from here. Sizes and
 * durations are in the notation both read ({@code 128MB}, {@code 5m}).
 */
public final class IngestDefaults
{
    public static final String CATALOG_TYPE = "JDBC";
    public static final String CATALOG_NAME = "freshet";
    public static final String WAREHOUSE = "freshet-data";

    public static final String HOT_BUFFER_MAX_SIZE = "1GB";
    public static final String FLUSH_MAX_SIZE = "128MB";
    public static final String FLUSH_INTERVAL = "5m";
    public static final String BAD_RECORD_POLICY = "SKIP";
    public static final String MAX_RECORD_SIZE = "8MB";
    public static final String QUERY_LEASE_TIMEOUT = "1h";

    public static final boolean UPKEEP_ENABLED = true;
    public static final String UPKEEP_INTERVAL = "5m";
    public static final int UPKEEP_THREADS = 1;
    public static final boolean COMPACTION_ENABLED = true;
    public static final String COMPACTION_TARGET_FILE_SIZE = "128MB";
    public static final int COMPACTION_MIN_INPUT_FILES = 8;
    public static final int COMPACTION_MAX_MANIFESTS = 100;
    public static final boolean SNAPSHOT_EXPIRY_ENABLED = true;
    public static final String SNAPSHOT_EXPIRY_RETENTION = "24h";
    public static final int SNAPSHOT_EXPIRY_RETAIN_LAST = 10;
    public static final boolean ORPHAN_CLEANUP_ENABLED = true;
    public static final String ORPHAN_CLEANUP_INTERVAL = "1h";
    public static final String ORPHAN_CLEANUP_RETENTION = "1h";

    private static final Pattern DATA_SIZE = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(B|kB|KB|MB|GB|TB)");
    private static final Pattern DURATION = Pattern.compile("(\\d+(?:\\.\\d+)?)\\s*(ms|s|m|h|d)");

    private IngestDefaults() {}

    /** Bytes of a size such as {@code 128MB}, in the notation of the defaults and of the catalog file. */
    public static long parseDataSize(String value)
    {
        Matcher matcher = DATA_SIZE.matcher(value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("use a size such as 128MB");
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

    /** A duration such as {@code 5m}, in the notation of the defaults and of the catalog file. */
    public static Duration parseDuration(String value)
    {
        Matcher matcher = DURATION.matcher(value.trim());
        if (!matcher.matches()) {
            throw new IllegalArgumentException("use a duration such as 500ms, 30s or 5m");
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

    /** Each property with a default, by its catalog property name, with the default as docs/configuration.md writes it. */
    public static Map<String, String> byProperty()
    {
        Map<String, String> defaults = new LinkedHashMap<>();
        defaults.put("iceberg.catalog.type", CATALOG_TYPE);
        defaults.put("iceberg.jdbc-catalog.catalog-name", CATALOG_NAME);
        defaults.put("iceberg.jdbc-catalog.default-warehouse-dir", WAREHOUSE);
        defaults.put("freshet.hot-buffer.max-size", HOT_BUFFER_MAX_SIZE);
        defaults.put("freshet.flush.max-size", FLUSH_MAX_SIZE);
        defaults.put("freshet.flush.interval", FLUSH_INTERVAL);
        defaults.put("freshet.bad-record-policy", BAD_RECORD_POLICY);
        defaults.put("freshet.max-record-size", MAX_RECORD_SIZE);
        defaults.put("freshet.query-lease-timeout", QUERY_LEASE_TIMEOUT);
        defaults.put("freshet.upkeep.enabled", String.valueOf(UPKEEP_ENABLED));
        defaults.put("freshet.upkeep.interval", UPKEEP_INTERVAL);
        defaults.put("freshet.upkeep.threads", String.valueOf(UPKEEP_THREADS));
        defaults.put("freshet.compaction.enabled", String.valueOf(COMPACTION_ENABLED));
        defaults.put("freshet.compaction.target-file-size", COMPACTION_TARGET_FILE_SIZE);
        defaults.put("freshet.compaction.min-input-files", String.valueOf(COMPACTION_MIN_INPUT_FILES));
        defaults.put("freshet.compaction.max-manifests", String.valueOf(COMPACTION_MAX_MANIFESTS));
        defaults.put("freshet.snapshot-expiry.enabled", String.valueOf(SNAPSHOT_EXPIRY_ENABLED));
        defaults.put("freshet.snapshot-expiry.retention", SNAPSHOT_EXPIRY_RETENTION);
        defaults.put("freshet.snapshot-expiry.retain-last", String.valueOf(SNAPSHOT_EXPIRY_RETAIN_LAST));
        defaults.put("freshet.orphan-cleanup.enabled", String.valueOf(ORPHAN_CLEANUP_ENABLED));
        defaults.put("freshet.orphan-cleanup.interval", ORPHAN_CLEANUP_INTERVAL);
        defaults.put("freshet.orphan-cleanup.retention", ORPHAN_CLEANUP_RETENTION);
        return defaults;
    }
}
