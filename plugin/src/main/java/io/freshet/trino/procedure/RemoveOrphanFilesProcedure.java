package io.freshet.trino.procedure;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.freshet.trino.upkeep.TableUpkeep;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.procedure.Procedure.Argument;
import io.trino.spi.procedure.Procedure;

import java.lang.invoke.MethodHandle;
import java.util.List;

import static io.freshet.trino.procedure.ProcedureArguments.methodHandle;
import static io.freshet.trino.procedure.ProcedureArguments.tableName;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.remove_orphan_files(schema_name, table_name[, retention_threshold])}: deletes files
 * under the table location that no snapshot references and that are older than the retention (at least 1h).
 */
public class RemoveOrphanFilesProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle REMOVE_ORPHAN_FILES = methodHandle(RemoveOrphanFilesProcedure.class, "removeOrphanFiles");

    private final TableUpkeep upkeep;

    @Inject
    public RemoveOrphanFilesProcedure(TableUpkeep upkeep)
    {
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "remove_orphan_files",
                List.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("RETENTION_THRESHOLD", VARCHAR, false, null)),
                REMOVE_ORPHAN_FILES.bindTo(this));
    }

    public void removeOrphanFiles(ConnectorSession session, ConnectorAccessControl accessControl, String schemaName, String tableName, String retentionThreshold)
    {
        SchemaTableName name = tableName(schemaName, tableName);
        TableUpkeep.checkAccess(accessControl, name);
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            upkeep.removeOrphanFiles(name, TableUpkeep.duration("retention_threshold", retentionThreshold));
        }
    }
}
