package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.consumer.KafkaTopics;
import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.ingest.schema.Partitioning;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.types.Types.NestedField;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * Freshet's tables in the Iceberg catalog: creates a table for a topic (the declared columns plus the Kafka metadata
 * columns, its partitioning and the table properties Freshet sets), and tells a table Freshet owns from one it does not.
 */
final class CatalogTables
{
    private final CatalogConnection catalogConnection;
    private final IngestSettings settings;

    CatalogTables(CatalogConnection catalogConnection, IngestSettings settings)
    {
        this.catalogConnection = requireNonNull(catalogConnection, "catalogConnection is null");
        this.settings = requireNonNull(settings, "settings is null");
    }

    /** Creates the table; fails before creating anything when a topic or the schema does not exist. */
    Table create(TableIdentifier identifier, List<NestedField> declaredColumns, List<String> partitioning, TableBinding binding, Map<String, String> extraProperties)
    {
        SafeNames.requireSafeTableName(identifier);
        Schema schema = KafkaMetadataColumns.withMetadataColumns(declaredColumns);
        PartitionSpec spec = Partitioning.toSpec(schema, partitioning);
        // refuses, before anything is created, a column type the hot buffer cannot hold
        ArrowSchemas.toArrow(schema);
        requireTopic(binding.topic());
        if (binding.badRecordPolicy().orElse(settings.badRecordPolicy()) == io.freshet.ingest.decoding.BadRecordPolicy.DEAD_LETTER) {
            requireTopic(binding.effectiveDeadLetterTopic());
        }
        Catalog catalog = catalogConnection.catalog();
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(identifier.namespace())) {
            throw new NoSuchNamespaceException("Schema %s does not exist", identifier.namespace());
        }
        Map<String, String> properties = new HashMap<>(extraProperties);
        properties.putAll(binding.toTableProperties());
        properties.putIfAbsent(TableProperties.FORMAT_VERSION, "2");
        properties.putIfAbsent(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        properties.putIfAbsent(TableProperties.PARQUET_COMPRESSION, "zstd");
        // every commit writes a metadata file: keep the last 100, not one per commit forever
        properties.putIfAbsent(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        return catalog.createTable(identifier, schema, spec, properties);
    }

    /** Refuses a table of the catalog that Freshet did not create: it is not bound to a Kafka topic. */
    void requireOwned(TableIdentifier identifier)
    {
        if (TableBinding.fromTableProperties(catalogConnection.catalog().loadTable(identifier).properties()).isEmpty()) {
            throw new NotFreshetTableException(identifier);
        }
    }

    /** Fails with a message that says what to do when the topic does not exist or the brokers cannot be reached. */
    void requireTopic(String topic)
    {
        KafkaTopics.requireTopic(settings.kafkaProperties(), topic);
    }
}
