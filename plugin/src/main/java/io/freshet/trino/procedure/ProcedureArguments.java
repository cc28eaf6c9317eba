package io.freshet.trino.procedure;

import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;

import java.lang.invoke.MethodHandle;
import java.lang.reflect.Method;
import java.util.Arrays;

import static io.trino.spi.StandardErrorCode.INVALID_PROCEDURE_ARGUMENT;
import static java.lang.invoke.MethodHandles.lookup;

/** What every Freshet procedure does first: find its method, and name the table it works on. */
final class ProcedureArguments
{
    private ProcedureArguments() {}

    static MethodHandle methodHandle(Class<?> type, String name)
    {
        Method method = Arrays.stream(type.getMethods())
                .filter(candidate -> candidate.getName().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("No method " + name + " in " + type));
        try {
            return lookup().unreflect(method);
        }
        catch (IllegalAccessException e) {
            throw new AssertionError(e);
        }
    }

    static SchemaTableName tableName(String schemaName, String tableName)
    {
        if (schemaName == null || schemaName.isBlank() || tableName == null || tableName.isBlank()) {
            throw new TrinoException(INVALID_PROCEDURE_ARGUMENT, "schema_name and table_name are required");
        }
        return new SchemaTableName(schemaName, tableName);
    }
}
