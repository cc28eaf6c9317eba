package io.freshet.ingest.catalog;

public enum CatalogType
{
    /** Iceberg JDBC catalog; the embedded default keeps it in a SQLite file beside the warehouse. */
    JDBC,
    /** Iceberg REST catalog. */
    REST,
}
