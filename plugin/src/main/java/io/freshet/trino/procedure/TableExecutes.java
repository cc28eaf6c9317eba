package io.freshet.trino.procedure;

import io.freshet.trino.handle.FreshetTableHandle;
import io.freshet.trino.upkeep.TableUpkeep;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.SchemaTableName;

import java.util.Map;
import java.util.Optional;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;

/** {@code ALTER TABLE ... EXECUTE} of the upkeep procedures: the handle the statement plans with, and the run. */
public final class TableExecutes
{
    private TableExecutes() {}

    public static FreshetTableExecuteHandle handle(ConnectorAccessControl accessControl, FreshetTableHandle handle, String procedureName, Map<String, Object> executeProperties)
    {
        UpkeepProcedure procedure = UpkeepProcedure.fromName(procedureName)
                .orElseThrow(() -> new TrinoException(NOT_SUPPORTED, "Freshet has no table procedure " + procedureName));
        TableUpkeep.checkAccess(accessControl, handle.schemaTableName());
        return new FreshetTableExecuteHandle(
                handle.schemaName(),
                handle.tableName(),
                procedure,
                Optional.ofNullable((String) executeProperties.get("file_size_threshold")),
                Optional.ofNullable((String) executeProperties.get("retention_threshold")),
                Optional.ofNullable((Integer) executeProperties.get("retain_last")));
    }

    public static void execute(TableUpkeep upkeep, FreshetTableExecuteHandle handle)
    {
        SchemaTableName name = handle.schemaTableName();
        switch (handle.procedure()) {
            case OPTIMIZE -> upkeep.compact(name, TableUpkeep.dataSize("file_size_threshold", handle.fileSizeThreshold().orElse(null)));
            case EXPIRE_SNAPSHOTS -> upkeep.expireSnapshots(name, TableUpkeep.duration("retention_threshold", handle.retentionThreshold().orElse(null)), handle.retainLast());
            case REMOVE_ORPHAN_FILES -> upkeep.removeOrphanFiles(name, TableUpkeep.duration("retention_threshold", handle.retentionThreshold().orElse(null)));
        }
    }
}
