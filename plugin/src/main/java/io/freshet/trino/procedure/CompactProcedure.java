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
 * {@code CALL system.compact(schema_name, table_name[, target_file_size])}: rewrites the small data files
 * of every Kafka partition into files of the target size now, and fragmented manifests into fewer.
 */
public class CompactProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle COMPACT = methodHandle(CompactProcedure.class, "compact");

    private final TableUpkeep upkeep;

    @Inject
    public CompactProcedure(TableUpkeep upkeep)
    {
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "compact",
                List.of(
                        new Argument("SCHEMA_NAME", VARCHAR),
                        new Argument("TABLE_NAME", VARCHAR),
                        new Argument("TARGET_FILE_SIZE", VARCHAR, false, null)),
                COMPACT.bindTo(this));
    }

    public void compact(ConnectorSession session, ConnectorAccessControl accessControl, String schemaName, String tableName, String targetFileSize)
    {
        SchemaTableName name = tableName(schemaName, tableName);
        TableUpkeep.checkAccess(accessControl, name);
        // a procedure is called by the engine as it is: Iceberg needs the plugin's class loader as the context class loader
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            upkeep.compact(name, TableUpkeep.dataSize("target_file_size", targetFileSize));
        }
    }
}
