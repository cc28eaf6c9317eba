package io.freshet.trino.filesystem;

import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Freshet reads and writes through Trino's file systems with Trino's own property names ({@code fs.native-s3.enabled},
 * {@code s3.*}, {@code fs.native-local.enabled}, {@code local.location}). The zero-setup default keeps the warehouse on
 * the local disk, so local storage is on unless switched off, rooted at {@code /} so that {@code file:///a} is /a.
 */
public final class StorageProperties
{
    public static final String NATIVE_LOCAL_ENABLED = "fs.native-local.enabled";
    public static final String LOCAL_LOCATION = "local.location";
    // the plugin bundles Trino's S3 and local file systems only
    private static final List<String> NOT_BUNDLED = List.of("fs.hadoop.enabled", "fs.native-azure.enabled", "fs.native-gcs.enabled", "fs.alluxio.enabled", "fs.cache.enabled");

    private StorageProperties() {}

    /** The catalog properties with Freshet's storage defaults filled in. */
    public static Map<String, String> withDefaults(Map<String, String> properties)
    {
        for (String name : NOT_BUNDLED) {
            if (Boolean.parseBoolean(properties.getOrDefault(name, "false").trim().toLowerCase(Locale.ROOT))) {
                throw new IllegalArgumentException("%s=true is not supported: Freshet stores tables on S3-compatible object storage (fs.native-s3.enabled=true with the s3.* properties) or on the local disk (fs.native-local.enabled)".formatted(name));
            }
        }
        Map<String, String> completed = new HashMap<>(properties);
        completed.putIfAbsent(NATIVE_LOCAL_ENABLED, "true");
        if (Boolean.parseBoolean(completed.get(NATIVE_LOCAL_ENABLED).trim())) {
            completed.putIfAbsent(LOCAL_LOCATION, "/");
        }
        return completed;
    }
}
