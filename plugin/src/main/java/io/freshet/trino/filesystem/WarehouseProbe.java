package io.freshet.trino.filesystem;

import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;

import java.io.IOException;

/**
 * Lists the warehouse once at startup, so that wrong credentials, a missing bucket or an unreachable endpoint stop
 * the catalog with a message naming the settings to fix, instead of failing every later commit.
 */
public final class WarehouseProbe
{
    public static final String STORAGE_PROPERTIES = "fs.native-s3.enabled, s3.endpoint, s3.region, s3.path-style-access, s3.aws-access-key and s3.aws-secret-key";

    private WarehouseProbe() {}

    public static void requireReachable(TrinoFileSystem fileSystem, String warehouseLocation)
    {
        try {
            fileSystem.listFiles(Location.of(warehouseLocation)).hasNext();
        }
        catch (IOException | RuntimeException e) {
            throw new IllegalStateException("Cannot reach the warehouse %s: %s; check iceberg.jdbc-catalog.default-warehouse-dir and the storage settings %s"
                    .formatted(warehouseLocation, messages(e), STORAGE_PROPERTIES), e);
        }
    }

    static String messages(Throwable throwable)
    {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = throwable; cause != null && messages.length() < 1000; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (cause.getMessage() != null && !messages.toString().contains(cause.getMessage())) {
                if (!messages.isEmpty()) {
                    messages.append(": ");
                }
                messages.append(cause.getMessage());
            }
        }
        return messages.isEmpty() ? throwable.getClass().getSimpleName() : messages.toString();
    }
}
