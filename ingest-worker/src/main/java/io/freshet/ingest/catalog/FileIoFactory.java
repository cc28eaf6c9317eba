package io.freshet.ingest.catalog;

import org.apache.iceberg.io.FileIO;

import java.util.Map;

/**
 * Opens the Iceberg {@link FileIO} through which a catalog reads and writes every file: data, manifests, table
 * metadata. Inside Trino it is Trino's own file system; the standalone worker picks one from the same properties.
 */
@FunctionalInterface
public interface FileIoFactory
{
    /**
     * @param properties the catalog's properties; for a REST catalog also those the server sends for a table
     */
    FileIO create(Map<String, String> properties);
}
