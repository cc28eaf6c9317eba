package io.freshet.ingest.catalog;

import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.io.FileIO;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * The standalone worker's storage, configured with the property names of Trino's file systems so that one catalog
 * file serves Trino and the worker: {@code fs.native-s3.enabled=true} with the {@code s3.*} settings selects
 * Iceberg's {@link S3FileIO}; otherwise files are on the local disk ({@link LocalFileIO}).
 */
public final class StandaloneStorage
{
    public static final Set<String> PROPERTY_NAMES = Set.of(
            "fs.native-s3.enabled",
            "fs.native-local.enabled",
            "local.location",
            "s3.endpoint",
            "s3.region",
            "s3.path-style-access",
            "s3.aws-access-key",
            "s3.aws-secret-key");

    private StandaloneStorage() {}

    public static FileIoFactory fileIoFactory(Map<String, String> properties)
    {
        if (!Boolean.parseBoolean(properties.getOrDefault("fs.native-s3.enabled", "false").trim())) {
            return _ -> new LocalFileIO();
        }
        Map<String, String> s3 = s3FileIoProperties(properties);
        return catalogProperties -> {
            Map<String, String> merged = new HashMap<>(catalogProperties);
            merged.putAll(s3);
            FileIO io = new S3FileIO();
            io.initialize(merged);
            return io;
        };
    }

    /** Trino's {@code s3.*} names as Iceberg's S3FileIO spells them. */
    static Map<String, String> s3FileIoProperties(Map<String, String> properties)
    {
        Map<String, String> s3 = new HashMap<>();
        copy(properties, "s3.endpoint", s3, S3FileIOProperties.ENDPOINT);
        copy(properties, "s3.region", s3, AwsClientProperties.CLIENT_REGION);
        copy(properties, "s3.path-style-access", s3, S3FileIOProperties.PATH_STYLE_ACCESS);
        copy(properties, "s3.aws-access-key", s3, S3FileIOProperties.ACCESS_KEY_ID);
        copy(properties, "s3.aws-secret-key", s3, S3FileIOProperties.SECRET_ACCESS_KEY);
        return s3;
    }

    private static void copy(Map<String, String> from, String name, Map<String, String> to, String icebergName)
    {
        String value = from.get(name);
        if (value != null) {
            to.put(icebergName, value.trim());
        }
    }
}
