package io.freshet.trino.function;

import io.trino.spi.function.table.ConnectorTableFunctionHandle;

import static java.util.Objects.requireNonNull;

/** The table one call of {@code system.verify} checks. */
public record VerifyFunctionHandle(String schemaName, String tableName)
        implements ConnectorTableFunctionHandle
{
    public VerifyFunctionHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
    }
}
