package io.freshet.trino.filesystem;

import io.trino.filesystem.Location;
import io.trino.filesystem.TrinoFileSystem;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lists the warehouse once at startup, so that wrong credentials, a missing bucket or an unreachable endpoint stop
 * the catalog with a message naming the settings to fix, instead of failing every later commit.
 */
public final class WarehouseProbe
{
    public static final String STORAGE_PROPERTIES = "fs.native-s3.enabled, s3.endpoint, s3.region, s3.path-style-access, s3.aws-access-key and s3.aws-secret-key";

    private WarehouseProbe() {}

    // the S3 client retries an unreachable endpoint for minutes (s3.max-error-retries); startup should not wait that long
    private static final Duration TIMEOUT = Duration.ofSeconds(30);

    public static void requireReachable(TrinoFileSystem fileSystem, String warehouseLocation)
    {
        CompletableFuture<Boolean> listing = new CompletableFuture<>();
        Thread probe = Thread.ofPlatform().daemon().name("freshet-warehouse-probe").start(() -> {
            try {
                listing.complete(fileSystem.listFiles(Location.of(warehouseLocation)).hasNext());
            }
            catch (IOException | RuntimeException e) {
                listing.completeExceptionally(e);
            }
        });
        try {
            listing.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
        }
        catch (ExecutionException e) {
            throw new IllegalStateException("Cannot reach the warehouse %s: %s; check iceberg.jdbc-catalog.default-warehouse-dir and the storage settings %s"
                    .formatted(warehouseLocation, messages(e.getCause()), STORAGE_PROPERTIES), e.getCause());
        }
        catch (TimeoutException e) {
            probe.interrupt();
            throw new IllegalStateException("The warehouse %s did not answer within %s; check iceberg.jdbc-catalog.default-warehouse-dir and the storage settings %s"
                    .formatted(warehouseLocation, TIMEOUT, STORAGE_PROPERTIES));
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("Interrupted while checking the warehouse " + warehouseLocation, e);
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
