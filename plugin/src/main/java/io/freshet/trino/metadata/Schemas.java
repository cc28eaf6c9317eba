package io.freshet.trino.metadata;

import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.ingestion.IngestionManager;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NamespaceNotEmptyException;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.StandardErrorCode.SCHEMA_NOT_EMPTY;
import static java.util.Objects.requireNonNull;

/** The schemas of the catalog, which are the Iceberg catalog's namespaces, and the tables they hold. */
final class Schemas
{
    private final IngestionManager ingestion;
    private final TableCache tableCache;

    Schemas(IngestionManager ingestion, TableCache tableCache)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
    }

    private Catalog catalog()
    {
        return ingestion.catalog();
    }

    /** The catalog's namespaces, failing when the catalog has none. */
    SupportsNamespaces namespaces()
    {
        if (catalog() instanceof SupportsNamespaces namespaces) {
            return namespaces;
        }
        throw new TrinoException(NOT_SUPPORTED, "The Iceberg catalog does not support schemas");
    }

    boolean exists(String schemaName)
    {
        return namespaces().namespaceExists(Namespace.of(schemaName));
    }

    List<String> names()
    {
        return namespaces().listNamespaces().stream()
                .map(namespace -> namespace.level(0))
                .toList();
    }

    void drop(String schemaName, boolean cascade)
    {
        try {
            if (cascade) {
                catalog().listTables(Namespace.of(schemaName)).forEach(tableCache::invalidate);
                ingestion.worker().dropNamespaceCascade(Namespace.of(schemaName));
            }
            else {
                namespaces().dropNamespace(Namespace.of(schemaName));
            }
        }
        catch (NotFreshetTableException e) {
            throw FreshetErrors.fromIngest("Schema %s is not dropped".formatted(schemaName), e);
        }
        catch (NamespaceNotEmptyException e) {
            throw new TrinoException(SCHEMA_NOT_EMPTY, "Schema %s is not empty: drop its tables first or use DROP SCHEMA ... CASCADE".formatted(schemaName));
        }
    }

    /** The tables of one schema, or of every schema. */
    List<SchemaTableName> tables(Optional<String> schemaName)
    {
        List<String> schemas = schemaName.map(List::of).orElseGet(this::names);
        List<SchemaTableName> tables = new ArrayList<>();
        for (String schema : schemas) {
            try {
                for (TableIdentifier identifier : catalog().listTables(Namespace.of(schema))) {
                    tables.add(new SchemaTableName(schema, identifier.name()));
                }
            }
            catch (NoSuchNamespaceException ignored) {
                // listed schema dropped concurrently
            }
        }
        return tables;
    }
}
