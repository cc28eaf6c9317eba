package io.freshet.ingest;

import java.util.LinkedHashMap;
import java.util.Map;

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

    private IngestDefaults() {}

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
        defaults.put("freshet.maintenance.enabled", String.valueOf(UPKEEP_ENABLED));
        defaults.put("freshet.maintenance.interval", UPKEEP_INTERVAL);
        defaults.put("freshet.maintenance.threads", String.valueOf(UPKEEP_THREADS));
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
