package io.freshet.trino.handle;

import io.trino.spi.connector.ColumnHandle;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.type.Type;

import static java.util.Objects.requireNonNull;

/** A top-level column of a Freshet table, identified by its Iceberg field id. */
public record FreshetColumnHandle(String name, int fieldId, Type type, boolean nullable)
        implements ColumnHandle
{
    public FreshetColumnHandle
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
    }

    public ColumnMetadata toColumnMetadata()
    {
        return ColumnMetadata.builder().setName(name).setType(type).setNullable(nullable).build();
    }
}
