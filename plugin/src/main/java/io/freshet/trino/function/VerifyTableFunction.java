package io.freshet.trino.function;

import com.google.inject.Inject;
import io.airlift.slice.Slice;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorTransactionHandle;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.function.table.AbstractConnectorTableFunction;
import io.trino.spi.function.table.Argument;
import io.trino.spi.function.table.Descriptor;
import io.trino.spi.function.table.ReturnTypeSpecification.DescribedTable;
import io.trino.spi.function.table.ScalarArgument;
import io.trino.spi.function.table.ScalarArgumentSpecification;
import io.trino.spi.function.table.TableFunctionAnalysis;
import io.trino.spi.type.Type;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.apache.iceberg.types.Types.NestedField;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

import static io.freshet.trino.catalog.TableIdentifiers.toIdentifier;
import static io.trino.spi.StandardErrorCode.INVALID_FUNCTION_ARGUMENT;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code TABLE(system.verify(schema_name => ..., table_name => ...))}: checks what a query of the table sees
 * (committed and hot rows) against the records its Kafka topic retains, one row per partition.
 */
public class VerifyTableFunction
        extends AbstractConnectorTableFunction
{
    public static final List<String> COLUMN_NAMES = List.of(
            "partition", "kafka_start_offset", "kafka_end_offset", "checked_until_offset", "kafka_records", "table_rows",
            "missing", "duplicated", "extra", "bad_records", "not_yet_ingested", "lost_to_retention", "examples");
    public static final List<Type> COLUMN_TYPES = List.of(
            BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT,
            BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, BIGINT, VARCHAR);

    private final IngestionManager ingestion;

    @Inject
    public VerifyTableFunction(IngestionManager ingestion)
    {
        super(
                "system",
                "verify",
                List.of(
                        ScalarArgumentSpecification.builder().name("SCHEMA_NAME").type(VARCHAR).build(),
                        ScalarArgumentSpecification.builder().name("TABLE_NAME").type(VARCHAR).build()),
                new DescribedTable(Descriptor.descriptor(COLUMN_NAMES, COLUMN_TYPES)));
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
    }

    @Override
    public TableFunctionAnalysis analyze(ConnectorSession session, ConnectorTransactionHandle transaction, Map<String, Argument> arguments, ConnectorAccessControl accessControl)
    {
        SchemaTableName name = new SchemaTableName(text(arguments, "SCHEMA_NAME"), text(arguments, "TABLE_NAME"));
        TableIdentifier identifier = toIdentifier(name);
        Set<String> columns;
        try {
            columns = ingestion.catalog().loadTable(identifier).schema().columns().stream()
                    .map(NestedField::name)
                    .collect(Collectors.toUnmodifiableSet());
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(name);
        }
        // the verifier reads every record of the topic with the connector's credentials: only a user who may read the whole table may ask
        accessControl.checkCanSelectFromColumns(null, name, columns);
        return TableFunctionAnalysis.builder()
                .handle(new VerifyFunctionHandle(name.getSchemaName(), name.getTableName()))
                .build();
    }

    private static String text(Map<String, Argument> arguments, String name)
    {
        Object value = ((ScalarArgument) arguments.get(name)).getValue();
        if (value == null) {
            throw new TrinoException(INVALID_FUNCTION_ARGUMENT, name.toLowerCase(Locale.ROOT) + " is required");
        }
        return ((Slice) value).toStringUtf8().toLowerCase(Locale.ROOT);
    }
}
