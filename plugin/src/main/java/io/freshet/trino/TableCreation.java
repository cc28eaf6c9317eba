package io.freshet.trino;

import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.consumer.DataLossPolicy;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.UnknownTopicException;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.ingest.schema.Partitioning;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.filesystem.WarehouseProbe;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.security.AllowedTopics;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.SaveMode;
import io.trino.spi.connector.SchemaNotFoundException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types.NestedField;

import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;

import static io.freshet.trino.FreshetErrorCode.FRESHET_FILESYSTEM_ERROR;
import static io.freshet.trino.FreshetErrorCode.FRESHET_INVALID_NAME;
import static io.freshet.trino.FreshetErrorCode.FRESHET_INVALID_TABLE_PROPERTY;
import static io.freshet.trino.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static io.freshet.trino.FreshetErrorCode.FRESHET_UNKNOWN_TOPIC;
import static io.freshet.trino.FreshetMetadata.toIdentifier;
import static io.trino.spi.StandardErrorCode.ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static java.util.Objects.requireNonNull;

/**
 * {@code CREATE TABLE}: checks the name, the binding to a topic, the partitioning and the columns, then has the ingest
 * worker create the Iceberg table and start ingesting it when this node ingests.
 */
final class TableCreation
{
    private final IngestionManager ingestion;
    private final TableCache tableCache;
    private final AllowedTopics allowedTopics;
    private final Supplier<SupportsNamespaces> namespaces;

    /** @param namespaces the catalog's namespaces, failing when the catalog has none */
    TableCreation(IngestionManager ingestion, TableCache tableCache, AllowedTopics allowedTopics, Supplier<SupportsNamespaces> namespaces)
    {
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.allowedTopics = requireNonNull(allowedTopics, "allowedTopics is null");
        this.namespaces = requireNonNull(namespaces, "namespaces is null");
    }

    void createTable(ConnectorTableMetadata tableMetadata, SaveMode saveMode)
    {
        if (saveMode == SaveMode.REPLACE) {
            throw new TrinoException(NOT_SUPPORTED, "CREATE OR REPLACE TABLE is not supported: drop the table first");
        }
        SchemaTableName name = tableMetadata.getTable();
        try {
            SafeNames.requireSafeTableName(toIdentifier(name));
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(FRESHET_INVALID_NAME, e.getMessage(), e);
        }
        TableBinding binding = FreshetTableProperties.binding(tableMetadata.getProperties());
        allowedTopics.check(binding, ingestion.worker().settings().badRecordPolicy());
        Optional<String> dataLossPolicy = FreshetTableProperties.dataLossPolicy(tableMetadata.getProperties());
        List<NestedField> columns = TypeConverter.toIcebergColumns(tableMetadata.getColumns());
        List<String> partitioning = FreshetTableProperties.partitioning(tableMetadata.getProperties());
        try {
            Partitioning.toSpec(KafkaMetadataColumns.withMetadataColumns(columns), partitioning);
        }
        catch (IllegalArgumentException e) {
            throw new TrinoException(FRESHET_INVALID_TABLE_PROPERTY, e.getMessage(), e);
        }
        TableIdentifier identifier = toIdentifier(name);
        if (!namespaces.get().namespaceExists(identifier.namespace())) {
            throw new SchemaNotFoundException(name.getSchemaName());
        }
        if (ingestion.catalog().tableExists(identifier)) {
            if (saveMode == SaveMode.IGNORE) {
                return;
            }
            throw new TrinoException(ALREADY_EXISTS, "Table already exists: " + name);
        }
        Map<String, String> extra = new LinkedHashMap<>();
        tableMetadata.getComment().ifPresent(comment -> extra.put("comment", comment));
        dataLossPolicy.ifPresent(policy -> extra.put(DataLossPolicy.PROPERTY, policy));
        try {
            tableCache.invalidate(identifier);
            ingestion.worker().createTable(identifier, columns, partitioning, binding, extra, ingestion.isIngesting());
        }
        catch (UnknownTopicException e) {
            throw new TrinoException(FRESHET_UNKNOWN_TOPIC, e.getMessage(), e);
        }
        catch (IllegalArgumentException e) {
            // reserved column names and column types the hot buffer cannot hold
            throw new TrinoException(NOT_SUPPORTED, e.getMessage(), e);
        }
        catch (IllegalStateException e) {
            throw new TrinoException(FRESHET_KAFKA_ERROR, e.getMessage(), e);
        }
        catch (UncheckedIOException e) {
            throw new TrinoException(FRESHET_FILESYSTEM_ERROR, "Cannot write the metadata of table %s: %s; check iceberg.jdbc-catalog.default-warehouse-dir and the storage settings %s"
                    .formatted(name, e.getMessage(), WarehouseProbe.STORAGE_PROPERTIES), e);
        }
    }
}
