package io.freshet.trino.schema;

import io.freshet.ingest.error.IngestException;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.function.Consumer;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_CATALOG_ERROR;
import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_SCHEMA_CHANGE;

/**
 * A schema or partitioning change of {@code ALTER TABLE}: applied to the catalog's current table, with the errors it
 * raises, then adopted by the table's ingestion between two polls.
 */
public final class TableChanges
{
    private static final long TABLE_CHANGE_ADOPTION_TIMEOUT_SECONDS = 30;

    private TableChanges() {}

    /** Applies the change to the table, the catalog's current version of {@code name}, which must be a Freshet table. */
    public static void apply(SchemaTableName name, Table table, Consumer<Table> change)
    {
        if (TableBinding.fromTableProperties(table.properties()).isEmpty()) {
            throw FreshetErrors.notFreshetTable(name);
        }
        try {
            change.accept(table);
        }
        catch (TrinoException e) {
            throw e;
        }
        catch (IngestException e) {
            throw FreshetErrors.fromIngest(e);
        }
        // Iceberg's refusals of the change itself, such as adding a column that exists
        catch (IllegalArgumentException | org.apache.iceberg.exceptions.ValidationException e) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Cannot change table %s: %s".formatted(name, e.getMessage()), e);
        }
        catch (RuntimeException e) {
            throw new TrinoException(FRESHET_CATALOG_ERROR, "Cannot change table %s: %s".formatted(name, e.getMessage()), e);
        }
    }

    /** Has the table's ingestion, when it runs on this node, adopt a change the catalog holds now. */
    public static void awaitAdoption(IngestionManager ingestion, TableIdentifier identifier)
    {
        // records consumed after the statement returns are decoded with the new schema; a flush in flight may delay that
        ingestion.ingester(identifier).ifPresent(ingester -> {
            try {
                ingester.checkTableChanges().get(TABLE_CHANGE_ADOPTION_TIMEOUT_SECONDS, java.util.concurrent.TimeUnit.SECONDS);
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                // committed either way: ingestion adopts the change at its next check
            }
        });
    }
}
