package io.freshet.ingest.catalog;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.rest.RESTCatalog;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.Map;

/** Opens the configured Iceberg catalog. */
public final class IcebergCatalogFactory
{
    private IcebergCatalogFactory() {}

    public static Catalog create(CatalogSettings settings)
    {
        try {
            return open(settings);
        }
        catch (RuntimeException e) {
            if (settings.type() != CatalogType.JDBC || settings.jdbcConnectionUrl().isEmpty()) {
                throw e;
            }
            // the driver's messages repeat the connection URL, which may carry a password: neither reaches a log or a user
            throw new IllegalStateException("Cannot open the Iceberg JDBC catalog at %s: %s; check iceberg.jdbc-catalog.connection-url, connection-user and connection-password"
                    .formatted(redact(settings.jdbcConnectionUrl().get(), settings), redact(messages(e), settings)));
        }
    }

    /** The JDBC URL without user information and parameters, or any text with the URL and password taken out. */
    static String redact(String text, CatalogSettings settings)
    {
        String redacted = text;
        if (settings.jdbcConnectionUrl().isPresent()) {
            String url = settings.jdbcConnectionUrl().get();
            String safe = url.replaceAll("//[^/@?]*@", "//").replaceAll("[?;].*$", "");
            redacted = redacted.replace(url, safe);
        }
        if (settings.jdbcPassword().isPresent() && !settings.jdbcPassword().get().isEmpty()) {
            redacted = redacted.replace(settings.jdbcPassword().get(), "****");
        }
        return redacted;
    }

    private static String messages(Throwable throwable)
    {
        StringBuilder messages = new StringBuilder();
        for (Throwable cause = throwable; cause != null && messages.length() < 2000; cause = cause.getCause() == cause ? null : cause.getCause()) {
            if (!messages.isEmpty()) {
                messages.append(": ");
            }
            messages.append(cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage());
        }
        return messages.toString();
    }

    private static Catalog open(CatalogSettings settings)
    {
        Map<String, String> properties = new HashMap<>();
        properties.put(CatalogProperties.WAREHOUSE_LOCATION, settings.warehouseLocation());
        properties.put(CatalogProperties.FILE_IO_IMPL, settings.fileIoImplementation());
        return switch (settings.type()) {
            case JDBC -> {
                String url = settings.effectiveJdbcConnectionUrl();
                if (settings.jdbcConnectionUrl().isEmpty()) {
                    createLocalDirectory(settings);
                }
                properties.put(CatalogProperties.CATALOG_IMPL, JdbcCatalog.class.getName());
                properties.put(CatalogProperties.URI, url);
                properties.put("jdbc.schema-version", "V1");
                settings.jdbcUser().ifPresent(user -> properties.put("jdbc.user", user));
                settings.jdbcPassword().ifPresent(password -> properties.put("jdbc.password", password));
                if (url.startsWith("jdbc:sqlite:")) {
                    // the embedded database is shared by ingestion, queries and upkeep: wait for a lock instead of failing
                    properties.put("jdbc.busy_timeout", "30000");
                    properties.put("jdbc.journal_mode", "WAL");
                    // Creating the catalog tables leaves a metadata result set open on a pooled connection, which
                    // pins that connection to an old snapshot of the database in WAL mode: it would never see
                    // another process's commits. Create them with a short-lived catalog, then open the real one.
                    Catalog initializer = CatalogUtil.buildIcebergCatalog(settings.catalogName(), properties, null);
                    closeQuietly(initializer);
                    properties.put("jdbc.init-catalog-tables", "false");
                }
                yield CatalogUtil.buildIcebergCatalog(settings.catalogName(), properties, null);
            }
            case REST -> {
                properties.put(CatalogProperties.CATALOG_IMPL, RESTCatalog.class.getName());
                properties.put(CatalogProperties.URI, settings.restUri().orElseThrow());
                yield CatalogUtil.buildIcebergCatalog(settings.catalogName(), properties, null);
            }
        };
    }

    private static void closeQuietly(Catalog catalog)
    {
        if (catalog instanceof java.io.Closeable closeable) {
            try {
                closeable.close();
            }
            catch (IOException e) {
                throw new UncheckedIOException("Cannot close the catalog", e);
            }
        }
    }

    private static void createLocalDirectory(CatalogSettings settings)
    {
        try {
            Files.createDirectories(LocalFileIO.toPath(settings.warehouseLocation()));
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot create the warehouse directory " + settings.warehouseLocation(), e);
        }
    }
}
