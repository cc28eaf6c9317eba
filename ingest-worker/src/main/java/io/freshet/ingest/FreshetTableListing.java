package io.freshet.ingest;

import io.freshet.ingest.consumer.FlushRequestProperty;
import io.freshet.ingest.decoding.JsonFieldNames;
import io.freshet.ingest.settings.TableBinding;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;

import java.util.Comparator;
import java.util.Map;
import java.util.TreeMap;

/** Finds the tables of a catalog that are bound to a Kafka topic, with the table properties that shape their ingestion. */
final class FreshetTableListing
{
    private FreshetTableListing() {}

    /** Every table of the catalog bound to a Kafka topic, with its binding. */
    static Map<TableIdentifier, TableBinding> bindings(Catalog catalog)
    {
        Map<TableIdentifier, TableBinding> tables = new TreeMap<>(Comparator.comparing(TableIdentifier::toString));
        ingestPropertiesOfTables(catalog).forEach((identifier, properties) -> tables.put(identifier, TableBinding.fromTableProperties(properties).orElseThrow()));
        return tables;
    }

    /** The table properties that shape ingestion ({@code freshet.*}: binding, data-loss policy), of the tables bound to a Kafka topic. */
    static Map<TableIdentifier, Map<String, String>> ingestPropertiesOfTables(Catalog catalog)
    {
        Map<TableIdentifier, Map<String, String>> tables = new TreeMap<>(Comparator.comparing(TableIdentifier::toString));
        if (!(catalog instanceof SupportsNamespaces namespaces)) {
            return tables;
        }
        for (Namespace namespace : namespaces.listNamespaces()) {
            for (TableIdentifier identifier : catalog.listTables(namespace)) {
                Table table;
                try {
                    table = catalog.loadTable(identifier);
                }
                catch (NoSuchTableException e) {
                    // dropped since it was listed
                    continue;
                }
                if (TableBinding.fromTableProperties(table.properties()).isPresent()) {
                    tables.put(identifier, ingestProperties(table.properties()));
                }
            }
        }
        return tables;
    }

    /**
     * The {@code freshet.*} table properties whose change restarts ingestion. JSON field mappings are left out: the
     * ingest loop adopts them between two polls, as it adopts a schema change, and Freshet itself writes them when
     * a column is renamed, which must not restart ingestion and drop the hot buffer. Nor is a flush request.
     */
    static Map<String, String> ingestProperties(Map<String, String> tableProperties)
    {
        Map<String, String> properties = new TreeMap<>();
        tableProperties.forEach((name, value) -> {
            if (name.startsWith("freshet.") && !name.startsWith(JsonFieldNames.PROPERTY_PREFIX) && !name.equals(FlushRequestProperty.NAME)) {
                properties.put(name, value);
            }
        });
        return properties;
    }
}
