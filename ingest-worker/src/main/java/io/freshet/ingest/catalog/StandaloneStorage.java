package io.freshet.ingest.catalog;

import org.apache.iceberg.aws.AwsClientProperties;
import org.apache.iceberg.aws.s3.S3FileIO;
import org.apache.iceberg.aws.s3.S3FileIOProperties;
import org.apache.iceberg.io.FileIO;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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

    private static final Logger log = LoggerFactory.getLogger(StandaloneStorage.class);
    private static final String REQUEST_CHECKSUM_CALCULATION = "aws.requestChecksumCalculation";
    private static final String RESPONSE_CHECKSUM_VALIDATION = "aws.responseChecksumValidation";

    private StandaloneStorage() {}

    /**
     * Trino's file-system settings are many ({@code s3.max-connections}, {@code s3.sse.*}, ...): a catalog file shared
     * with Trino may hold any of them. The worker accepts them all and applies those in {@link #PROPERTY_NAMES}.
     */
    public static boolean isStorageProperty(String name)
    {
        return name.startsWith("s3.") || name.startsWith("fs.") || name.startsWith("local.");
    }

    public static FileIoFactory fileIoFactory(Map<String, String> properties)
    {
        properties.keySet().stream()
                .filter(name -> isStorageProperty(name) && !PROPERTY_NAMES.contains(name))
                .sorted()
                .forEach(name -> log.warn("{} is a setting of Trino's file systems that the standalone worker does not apply", name));
        if (!Boolean.parseBoolean(properties.getOrDefault("fs.native-s3.enabled", "false").trim())) {
            return _ -> new LocalFileIO();
        }
        Map<String, String> s3 = s3FileIoProperties(properties);
        if (properties.containsKey("s3.endpoint")) {
            // S3-compatible servers often reject the checksum trailers AWS SDK 2.30+ sends on every upload by default;
            // S3FileIO has no setting for it, the SDK reads this system property (Trino's S3 file system sets the same)
            System.setProperty(REQUEST_CHECKSUM_CALCULATION, System.getProperty(REQUEST_CHECKSUM_CALCULATION, "when_required"));
            System.setProperty(RESPONSE_CHECKSUM_VALIDATION, System.getProperty(RESPONSE_CHECKSUM_VALIDATION, "when_required"));
        }
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
