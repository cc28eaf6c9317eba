package io.freshet.trino.procedure;

import com.google.inject.Inject;
import com.google.inject.Provider;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.trino.cluster.KafkaTopicAdmin;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.ownership.ClusterNodes;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.connector.ConnectorAccessControl;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.procedure.Procedure;
import io.trino.spi.procedure.Procedure.Argument;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INGESTION_NOT_RUNNING;
import static io.freshet.trino.procedure.ProcedureArguments.methodHandle;
import static io.freshet.trino.procedure.ProcedureArguments.tableName;
import static io.trino.spi.StandardErrorCode.GENERIC_INTERNAL_ERROR;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/**
 * {@code CALL system.flush(schema_name, table_name)}: writes everything the table's hot buffer holds to
 * Parquet and commits it, returning once the commit is done. On a single node that node's ingester flushes; on a
 * cluster every owner of a partition does, asked through the catalog ({@link ClusterFlush}).
 */
public class FlushProcedure
        implements Provider<Procedure>
{
    private static final MethodHandle FLUSH = methodHandle(FlushProcedure.class, "flush");

    private final IngestionManager ingestion;
    private final ClusterNodes clusterNodes;
    private final ClusterFlush clusterFlush;

    @Inject
    public FlushProcedure(IngestionManager ingestion, ClusterNodes clusterNodes, KafkaTopicAdmin topicAdmin)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.clusterNodes = requireNonNull(clusterNodes, "clusterNodes is null");
        this.clusterFlush = new ClusterFlush(topicAdmin);
    }

    @Override
    public Procedure get()
    {
        return new Procedure(
                "system",
                "flush",
                List.of(new Argument("SCHEMA_NAME", VARCHAR), new Argument("TABLE_NAME", VARCHAR)),
                FLUSH.bindTo(this));
    }

    public void flush(ConnectorSession session, ConnectorAccessControl accessControl, String schemaName, String tableName)
    {
        // the Kafka admin client of a cluster flush loads its classes through the context class loader
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(getClass().getClassLoader())) {
            SchemaTableName name = tableName(schemaName, tableName);
            accessControl.checkCanInsertIntoTable(null, name);
            TableIdentifier identifier = TableIdentifier.of(name.getSchemaName(), name.getTableName());
            Optional<TableIngester> ingester = ingestion.ingester(identifier);
            try {
                if (ingester.isPresent() && clusterNodes.isOnlyWorker()) {
                    // this node owns every partition
                    ingester.get().flush().get(10, TimeUnit.MINUTES);
                }
                else {
                    Table table = loadTable(name, identifier);
                    TableBinding binding = TableBinding.fromTableProperties(table.properties()).orElseThrow(() -> FreshetErrors.notFreshetTable(name));
                    clusterFlush.flush(name, table, binding.topic());
                }
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new TrinoException(GENERIC_INTERNAL_ERROR, "Interrupted while flushing " + name, e);
            }
            catch (TimeoutException e) {
                throw new TrinoException(GENERIC_INTERNAL_ERROR, "Flush of %s did not finish within 10 minutes".formatted(name), e);
            }
            catch (java.util.concurrent.ExecutionException | CompletionException e) {
                throw new TrinoException(FRESHET_INGESTION_NOT_RUNNING, "Flush of %s failed: %s".formatted(name, e.getCause().getMessage()), e.getCause());
            }
        }
    }

    private Table loadTable(SchemaTableName name, TableIdentifier identifier)
    {
        try {
            return ingestion.catalog().loadTable(identifier);
        }
        catch (NoSuchTableException e) {
            throw new TableNotFoundException(name);
        }
    }
}
