package io.freshet.trino.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import java.util.LinkedHashMap;
import java.util.Map;

/** The settings of an Iceberg JDBC catalog in an embedded PostgreSQL, the same for Freshet and Trino's Iceberg connector. */
public final class TestingPostgres
{
    private TestingPostgres() {}

    public static Map<String, String> jdbcCatalogProperties(EmbeddedPostgres postgres)
    {
        Map<String, String> properties = new LinkedHashMap<>();
        properties.put("iceberg.jdbc-catalog.connection-url", postgres.getJdbcUrl("postgres", "postgres"));
        properties.put("iceberg.jdbc-catalog.connection-user", "postgres");
        properties.put("iceberg.jdbc-catalog.connection-password", "postgres");
        properties.put("iceberg.jdbc-catalog.driver-class", "org.postgresql.Driver");
        return properties;
    }
}
