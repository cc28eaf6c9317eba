package io.freshet.ingest.upkeep;

import org.apache.iceberg.Table;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.nio.file.Path;

import static java.util.Objects.requireNonNull;

/**
 * Upkeep deletes only below the table's own location. Metadata may reference any file (an imported data file, a
 * location rewritten by another engine): such a file belongs to someone else, and expiry or orphan cleanup leave it.
 */
final class TableLocationGuard
{
    private static final Logger log = LoggerFactory.getLogger(TableLocationGuard.class);

    private final String tableName;
    private final String root;

    TableLocationGuard(Table table)
    {
        requireNonNull(table, "table is null");
        this.tableName = table.name();
        this.root = directory(table.location());
    }

    /** True when the file lies below the table location; logs and answers false otherwise. */
    boolean mayDelete(String location)
    {
        String normalized = normalize(location);
        if (normalized.startsWith(root) && !normalized.substring(root.length()).contains("/../")) {
            return true;
        }
        log.warn("Not deleting {}: it lies outside the location {} of table {}", location, root, tableName);
        return false;
    }

    private static String directory(String location)
    {
        String normalized = normalize(location);
        return normalized.endsWith("/") ? normalized : normalized + "/";
    }

    /** {@code file:/a}, {@code file:///a} and {@code /a} name the same local file; other schemes compare as URIs. */
    static String normalize(String location)
    {
        if (location.startsWith("file:")) {
            return URI.create(location.startsWith("file://") && !location.startsWith("file:///") ? "file:///" + location.substring("file://".length()) : location).normalize().getPath();
        }
        if (location.startsWith("/")) {
            return Path.of(location).normalize().toString();
        }
        try {
            return URI.create(location).normalize().toString();
        }
        catch (IllegalArgumentException e) {
            return location;
        }
    }
}
