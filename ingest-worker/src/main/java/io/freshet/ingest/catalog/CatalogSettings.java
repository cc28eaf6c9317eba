package io.freshet.ingest.catalog;

import java.nio.file.Path;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the Iceberg tables live. With no connection URL the JDBC catalog is embedded:
 * a SQLite file {@code freshet-catalog.db} inside the warehouse directory.
 */
public record CatalogSettings(
        CatalogType type,
        String catalogName,
        String warehouse,
        Optional<String> jdbcConnectionUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        Optional<String> restUri,
        String fileIoImplementation)
{
    public static final String EMBEDDED_DATABASE_FILE = "freshet-catalog.db";

    public CatalogSettings
    {
        requireNonNull(type, "type is null");
        requireNonNull(catalogName, "catalogName is null");
        requireNonNull(warehouse, "warehouse is null");
        requireNonNull(jdbcConnectionUrl, "jdbcConnectionUrl is null");
        requireNonNull(jdbcUser, "jdbcUser is null");
        requireNonNull(jdbcPassword, "jdbcPassword is null");
        requireNonNull(restUri, "restUri is null");
        requireNonNull(fileIoImplementation, "fileIoImplementation is null");
        if (type == CatalogType.REST && restUri.isEmpty()) {
            throw new IllegalArgumentException("iceberg.rest-catalog.uri must be set when iceberg.catalog.type is REST");
        }
    }

    public static CatalogSettings embedded(Path warehouseDirectory)
    {
        return new CatalogSettings(CatalogType.JDBC, "freshet", warehouseDirectory.toAbsolutePath().toString(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), LocalFileIO.class.getName());
    }

    /** The warehouse as a URI Iceberg understands; plain paths are local directories. */
    public String warehouseLocation()
    {
        if (warehouse.contains("://") || warehouse.startsWith("file:")) {
            return warehouse;
        }
        return Path.of(warehouse).toAbsolutePath().normalize().toUri().toString();
    }

    public String effectiveJdbcConnectionUrl()
    {
        return jdbcConnectionUrl.orElseGet(() -> "jdbc:sqlite:" + LocalFileIO.toPath(warehouseLocation()).resolve(EMBEDDED_DATABASE_FILE));
    }
}
