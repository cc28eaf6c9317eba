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
import java.util.Optional;

import static io.freshet.trino.procedure.ProcedureArguments.methodHandle;
import static io.freshet.trino.procedure.ProcedureArguments.tableName;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.expire_snapshots(schema_name, table_name[, retention_threshold][, retain_last])}:
 * expires older snapshots and deletes the files only they referenced, keeping those queries read and the
 * last ingest commit.
 */
public class ExpireSnapshotsProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle EXPIRE_SNAPSHOTS = methodHandle(ExpireSnapshotsProcedure.class, "expireSnapshots");

    private final TableUpkeep upkeep;

    @Inject
    public ExpireSnapshotsProcedure(TableUpkeep upkeep)
    {
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "expire_snapshots",
                List.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("RETENTION_THRESHOLD", VARCHAR, false, null),
                        new Argument("RETAIN_LAST", BIGINT, false, null)),
                EXPIRE_SNAPSHOTS.bindTo(this));
    }

    public void expireSnapshots(ConnectorSession session, ConnectorAccessControl accessControl, String schemaName, String tableName, String retentionThreshold, Long retainLast)
    {
        SchemaTableName name = tableName(schemaName, tableName);
        TableUpkeep.checkAccess(accessControl, name);
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            upkeep.expireSnapshots(name, TableUpkeep.duration("retention_threshold", retentionThreshold),
                    Optional.ofNullable(retainLast).map(Math::toIntExact));
        }
    }
}
