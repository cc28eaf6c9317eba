package io.freshet.trino.function;

import com.google.inject.Inject;
import io.freshet.ingest.buffer.HotCut;
import io.freshet.ingest.consumer.IngestionStatus;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.verify.PartitionVerification;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import io.freshet.trino.FreshetErrors;
import io.freshet.trino.cluster.ClusterNodes;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.plugin.base.classloader.ClassLoaderSafeTableFunctionProcessorProvider;
import io.trino.spi.Page;
import io.trino.spi.PageBuilder;
import io.trino.spi.TrinoException;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.spi.block.BlockBuilder;
import io.trino.spi.connector.ConnectorSession;
import io.trino.spi.connector.ConnectorSplit;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.connector.TableNotFoundException;
import io.trino.spi.function.FunctionProvider;
import io.trino.spi.function.table.ConnectorTableFunctionHandle;
import io.trino.spi.function.table.TableFunctionProcessorProvider;
import io.trino.spi.function.table.TableFunctionProcessorState;
import io.trino.spi.function.table.TableFunctionSplitProcessor;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.Optional;

import static io.freshet.trino.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static io.freshet.trino.FreshetMetadata.toIdentifier;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static java.util.Objects.requireNonNull;

/** Runs the table functions of the catalog: {@code system.verify}. */
public class FreshetFunctionProvider
        implements FunctionProvider
{
    private final IngestionManager ingestion;

    private final ClusterNodes clusterNodes;

    @Inject
    public FreshetFunctionProvider(IngestionManager ingestion, ClusterNodes clusterNodes)
    {
        this.clusterNodes = requireNonNull(clusterNodes, "clusterNodes is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
    }

    @Override
    public TableFunctionProcessorProvider getTableFunctionProcessorProvider(ConnectorTableFunctionHandle functionHandle)
    {
        if (!(functionHandle instanceof VerifyFunctionHandle)) {
            return FunctionProvider.super.getTableFunctionProcessorProvider(functionHandle);
        }
        TableFunctionProcessorProvider verify = new TableFunctionProcessorProvider()
        {
            @Override
            public TableFunctionSplitProcessor getSplitProcessor(ConnectorSession session, ConnectorTableFunctionHandle handle, ConnectorSplit split)
            {
                VerifySplit verifySplit = (VerifySplit) split;
                return new VerifyProcessor(new SchemaTableName(verifySplit.schemaName(), verifySplit.tableName()), session.getQueryId());
            }
        };
        // the verifier reads Kafka and Iceberg, which look classes up through the context class loader
        return new ClassLoaderSafeTableFunctionProcessorProvider(verify, getClass().getClassLoader());
    }

    private final class VerifyProcessor
            implements TableFunctionSplitProcessor
    {
        private final SchemaTableName name;
        private final String leaseId;
        private boolean done;

        VerifyProcessor(SchemaTableName name, String queryId)
        {
            this.name = name;
            this.leaseId = queryId + "/verify";
        }

        @Override
        public TableFunctionProcessorState process()
        {
            if (done) {
                return TableFunctionProcessorState.Finished.FINISHED;
            }
            done = true;
            TableVerification verification;
            // the verifier's Kafka consumer loads its deserializers through the context class loader, and a worker runs
            // this outside the provider's class-loader-safe call
            try (ThreadContextClassLoader _ = new ThreadContextClassLoader(FreshetFunctionProvider.class.getClassLoader())) {
                verification = verify();
            }
            PageBuilder page = new PageBuilder(VerifyTableFunction.COLUMN_TYPES);
            for (PartitionVerification partition : verification.partitions()) {
                page.declarePosition();
                long[] values = {partition.partition(), partition.kafkaStartOffset(), partition.kafkaEndOffset(), partition.checkedUntilOffset(), partition.kafkaRecords(),
                        partition.tableRows(), partition.missing(), partition.duplicated(), partition.extra(), partition.badRecords(), partition.notYetIngested(), partition.lostToRetention()};
                for (int column = 0; column < values.length; column++) {
                    BIGINT.writeLong(page.getBlockBuilder(column), values[column]);
                }
                BlockBuilder examples = page.getBlockBuilder(values.length);
                if (partition.examples().isEmpty()) {
                    examples.appendNull();
                }
                else {
                    VARCHAR.writeString(examples, String.join(", ", partition.examples()));
                }
            }
            Page result = page.build();
            return TableFunctionProcessorState.Processed.produced(result);
        }

        private TableVerification verify()
        {
            TableIdentifier identifier = toIdentifier(name);
            Table table;
            try {
                table = ingestion.catalog().loadTable(identifier);
            }
            catch (NoSuchTableException e) {
                throw new TableNotFoundException(name);
            }
            TableBinding binding = TableBinding.fromTableProperties(table.properties())
                    .orElseThrow(() -> FreshetErrors.notFreshetTable(name));
            // a failed or stopped table has no hot buffer left: a query of it reads the committed rows only; on a
            // cluster this node holds the hot rows of its own partitions only, so the committed rows are verified
            Optional<TableIngester> ingester = ingestion.ingester(identifier)
                    .filter(_ -> clusterNodes.isOnlyWorker())
                    .filter(running -> running.status().state() != IngestionStatus.State.FAILED && running.status().state() != IngestionStatus.State.STOPPED);
            TableContents contents;
            if (ingester.isPresent()) {
                // the same cut a SELECT takes: committed rows and the hot rows above them
                try (HotCut cut = ingester.get().buffer().cut(leaseId)) {
                    // the table just loaded knows every snapshot up to the cut's, upkeep commits included
                    contents = TableContents.of(table, cut);
                }
                finally {
                    ingester.get().buffer().releaseLeases(leaseId);
                }
            }
            else {
                contents = TableContents.committed(table);
            }
            try {
                return new TableVerifier(ingestion.worker().settings()).verify(name.toString(), table.schema(), binding, contents);
            }
            catch (IllegalStateException e) {
                throw new TrinoException(FRESHET_KAFKA_ERROR, e.getMessage(), e);
            }
        }
    }
}
