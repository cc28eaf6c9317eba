package io.freshet.ingest.catalog;

import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.jdbc.JdbcClientPool;
import org.apache.iceberg.rest.HTTPClient;
import org.apache.iceberg.rest.RESTSessionCatalog;
import org.apache.iceberg.rest.RESTUtil;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

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
            if (settings.type() == CatalogType.REST) {
                throw new IllegalStateException("Cannot open the Iceberg REST catalog at %s: %s; check iceberg.rest-catalog.uri, iceberg.rest-catalog.warehouse and iceberg.rest-catalog.security"
                        .formatted(settings.restUri().orElseThrow(), redact(messages(e), settings)));
            }
            if (settings.jdbcConnectionUrl().isEmpty()) {
                // nodes that create the embedded catalog at the same instant race for its tables; the loser tries again
                throw new IllegalStateException("Cannot open the embedded Iceberg catalog in %s: %s; check iceberg.jdbc-catalog.default-warehouse-dir"
                        .formatted(settings.warehouseLocation(), messages(e)), e);
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
        for (String secret : List.of("credential", "token")) {
            String value = settings.restProperties().get(secret);
            if (value != null && !value.isEmpty()) {
                redacted = redacted.replace(value, "****");
            }
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
        return switch (settings.type()) {
            case JDBC -> {
                String url = settings.effectiveJdbcConnectionUrl();
                if (settings.jdbcConnectionUrl().isEmpty()) {
                    createLocalDirectory(settings);
                }
                loadDriver(settings, url);
                properties.put(CatalogProperties.WAREHOUSE_LOCATION, settings.warehouseLocation());
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
                    closeQuietly(jdbcCatalog(settings, properties, true));
                    yield jdbcCatalog(settings, properties, false);
                }
                // a restarted or failed-over PostgreSQL ends every pooled connection (admin or crash shutdown, SQL states
                // 57P01-57P03): reconnect and run the statement again instead of failing it
                properties.put("retryable_status_codes", "57P01,57P02,57P03");
                yield jdbcCatalog(settings, properties, true);
            }
            case REST -> {
                properties.putAll(settings.restProperties());
                properties.put(CatalogProperties.URI, settings.restUri().orElseThrow());
                RESTSessionCatalog sessionCatalog = new RESTSessionCatalog(
                        config -> HTTPClient.builder(config)
                                .uri(config.get(CatalogProperties.URI))
                                .withHeaders(RESTUtil.configHeaders(config))
                                .build(),
                        (_, config) -> settings.fileIoFactory().create(config));
                sessionCatalog.initialize(settings.catalogName(), properties);
                yield new SessionCatalogAdapter(sessionCatalog);
            }
        };
    }

    private static Catalog jdbcCatalog(CatalogSettings settings, Map<String, String> properties, boolean initializeCatalogTables)
    {
        JdbcCatalog catalog = new JdbcCatalog(
                catalogProperties -> settings.fileIoFactory().create(catalogProperties),
                catalogProperties -> new JdbcClientPool(catalogProperties.get(CatalogProperties.URI), catalogProperties),
                initializeCatalogTables);
        Map<String, String> catalogProperties = new HashMap<>(properties);
        catalogProperties.put("jdbc.init-catalog-tables", Boolean.toString(initializeCatalogTables));
        catalog.initialize(settings.catalogName(), catalogProperties);
        return catalog;
    }

    /**
     * DriverManager finds drivers once, through the class loader of whoever asks first; inside a Trino plugin that
     * may be another plugin's. Loading the driver class registers it from this class loader.
     */
    private static void loadDriver(CatalogSettings settings, String url)
    {
        Optional<String> driver = settings.jdbcDriverClass()
                .or(() -> url.startsWith("jdbc:postgresql:") ? Optional.of("org.postgresql.Driver") : Optional.empty())
                .or(() -> url.startsWith("jdbc:sqlite:") ? Optional.of("org.sqlite.JDBC") : Optional.empty());
        if (driver.isEmpty()) {
            return;
        }
        try {
            Class.forName(driver.get(), true, IcebergCatalogFactory.class.getClassLoader());
        }
        catch (ClassNotFoundException e) {
            throw new IllegalArgumentException("JDBC driver class %s is not available: check iceberg.jdbc-catalog.driver-class; PostgreSQL (org.postgresql.Driver) and SQLite (org.sqlite.JDBC) are bundled".formatted(driver.get()));
        }
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
