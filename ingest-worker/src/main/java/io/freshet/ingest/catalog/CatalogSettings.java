package io.freshet.ingest.catalog;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;

import static java.util.Objects.requireNonNull;

/**
 * Where the Iceberg tables live. With no connection URL the JDBC catalog is embedded:
 * a SQLite file {@code freshet-catalog.db} inside the warehouse directory.
 *
 * @param jdbcDriverClass the JDBC driver to load; by default the one the connection URL names (PostgreSQL or SQLite)
 * @param restProperties Iceberg REST client properties: warehouse and security (see {@link RestCatalogProperties})
 * @param fileIoFactory opens the FileIO through which Iceberg reads and writes every file of the catalog
 */
public record CatalogSettings(
        CatalogType type,
        String catalogName,
        String warehouse,
        Optional<String> jdbcConnectionUrl,
        Optional<String> jdbcUser,
        Optional<String> jdbcPassword,
        Optional<String> jdbcDriverClass,
        Optional<String> restUri,
        Map<String, String> restProperties,
        FileIoFactory fileIoFactory)
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
        requireNonNull(jdbcDriverClass, "jdbcDriverClass is null");
        requireNonNull(restUri, "restUri is null");
        restProperties = Map.copyOf(requireNonNull(restProperties, "restProperties is null"));
        requireNonNull(fileIoFactory, "fileIoFactory is null");
        if (type == CatalogType.REST && restUri.isEmpty()) {
            throw new IllegalArgumentException("iceberg.rest-catalog.uri must be set when iceberg.catalog.type is REST");
        }
        if (type == CatalogType.JDBC && jdbcConnectionUrl.isEmpty() && !isLocal(warehouse)) {
            throw new IllegalArgumentException("The embedded catalog keeps its database in the warehouse directory, which must be on the local disk, not %s: set iceberg.jdbc-catalog.connection-url to a shared catalog database (PostgreSQL), or use iceberg.catalog.type=REST"
                    .formatted(warehouse));
        }
    }

    public static CatalogSettings embedded(Path warehouseDirectory)
    {
        return new CatalogSettings(CatalogType.JDBC, "freshet", warehouseDirectory.toAbsolutePath().toString(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Map.of(), _ -> new LocalFileIO());
    }

    /** These settings with another FileIO; everything else stays. */
    public CatalogSettings withFileIoFactory(FileIoFactory newFileIoFactory)
    {
        return new CatalogSettings(type, catalogName, warehouse, jdbcConnectionUrl, jdbcUser, jdbcPassword, jdbcDriverClass, restUri, restProperties, newFileIoFactory);
    }

    /** These settings with another JDBC catalog database; everything else stays. */
    public CatalogSettings withJdbcConnection(String url, Optional<String> user, Optional<String> password)
    {
        return new CatalogSettings(type, catalogName, warehouse, Optional.of(url), user, password, jdbcDriverClass, restUri, restProperties, fileIoFactory);
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

    private static boolean isLocal(String warehouse)
    {
        return !warehouse.contains("://") || warehouse.startsWith("file:") || warehouse.startsWith("local:");
    }
}
