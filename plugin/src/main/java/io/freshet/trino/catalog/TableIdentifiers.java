package io.freshet.trino.catalog;

import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;

/** The Iceberg catalog's name of a Trino table: the schema is the namespace. */
public final class TableIdentifiers
{
    private TableIdentifiers() {}

    public static TableIdentifier toIdentifier(SchemaTableName name)
    {
        return TableIdentifier.of(Namespace.of(name.getSchemaName()), name.getTableName());
    }
}
