package io.freshet.trino.procedure;

import io.trino.spi.connector.ConnectorTableExecuteHandle;
import io.trino.spi.connector.SchemaTableName;

import java.util.Optional;

import static java.util.Objects.requireNonNull;

/** One {@code ALTER TABLE ... EXECUTE} of table upkeep, with its arguments as the user wrote them. */
public record FreshetTableExecuteHandle(
        String schemaName,
        String tableName,
        UpkeepProcedure procedure,
        Optional<String> fileSizeThreshold,
        Optional<String> retentionThreshold,
        Optional<Integer> retainLast)
        implements ConnectorTableExecuteHandle
{
    public FreshetTableExecuteHandle
    {
        requireNonNull(schemaName, "schemaName is null");
        requireNonNull(tableName, "tableName is null");
        requireNonNull(procedure, "procedure is null");
        requireNonNull(fileSizeThreshold, "fileSizeThreshold is null");
        requireNonNull(retentionThreshold, "retentionThreshold is null");
        requireNonNull(retainLast, "retainLast is null");
    }

    public SchemaTableName schemaTableName()
    {
        return new SchemaTableName(schemaName, tableName);
    }
}
