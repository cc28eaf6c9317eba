package io.freshet.ingest.consumer;

import io.freshet.ingest.buffer.HotBatch;
import io.freshet.ingest.decoding.JsonFieldNames;
import io.freshet.ingest.flush.PartitionRows;
import io.freshet.ingest.schema.SchemaChanges;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.types.Types.NestedField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;

import static java.util.Objects.requireNonNull;

/**
 * Schema adoption: the ingest loop switches to a table schema or partition spec committed since it last looked, by
 * Freshet or another engine. The switch happens between polls: the rows built so far are sealed with the old
 * schema's field ids, the next record goes into the new layout, so no record is lost or taken twice. What Freshet
 * cannot write stops the table with the reason. Only the ingest loop calls it, except {@link #request}.
 */
final class SchemaAdoption
{
    private static final Logger log = LoggerFactory.getLogger(SchemaAdoption.class);
    // a schema or spec change by another engine makes no commit of ours: look for one this often
    private static final long CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);

    private final String tableName;
    private final Table table;
    private final PartitionConsumer partitions;
    private final RecordRouter router;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> requests = new ConcurrentLinkedQueue<>();
    private Schema schema;
    private Map<String, String> jsonFields;
    private int specId;
    private PartitionRows timePartitions;
    private long nextCheckNanos = System.nanoTime() + CHECK_NANOS;

    SchemaAdoption(String tableName, Table table, PartitionConsumer partitions, RecordRouter router)
    {
        this.tableName = requireNonNull(tableName, "tableName is null");
        this.table = requireNonNull(table, "table is null");
        this.partitions = requireNonNull(partitions, "partitions is null");
        this.router = requireNonNull(router, "router is null");
        this.schema = table.schema();
        this.jsonFields = jsonFields(table.properties());
        this.specId = table.spec().specId();
        this.timePartitions = new PartitionRows(table.spec());
    }

    /** Fails when the table has a column or partition transform Freshet cannot write. */
    void requireWritable()
    {
        SchemaChanges.requireWritable(schema, table.spec());
    }

    /** Asks the loop to look for a change before its next poll; completes once it looked (and adopted what it found). */
    CompletableFuture<Void> request()
    {
        CompletableFuture<Void> checked = new CompletableFuture<>();
        requests.add(checked);
        return checked;
    }

    /** Completes every waiting request: the loop stopped. */
    void completeRequests()
    {
        for (CompletableFuture<Void> check; (check = requests.poll()) != null; ) {
            check.complete(null);
        }
    }

    /**
     * Adopts what changed: every commit refreshes the table, the loop refreshes it every few seconds, and a request
     * refreshes it at once. Call only while no flush uses the table object.
     */
    void adoptChanges()
    {
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (CompletableFuture<Void> check; (check = requests.poll()) != null; ) {
            checks.add(check);
        }
        try {
            Schema current;
            PartitionSpec spec;
            try {
                if (!checks.isEmpty() || System.nanoTime() >= nextCheckNanos) {
                    nextCheckNanos = System.nanoTime() + CHECK_NANOS;
                    table.refresh();
                }
                // after a commit whose outcome was unknown, reading the metadata refreshes it too
                current = table.schema();
                spec = table.spec();
            }
            catch (RuntimeException e) {
                // a catalog or storage outage only delays the check: ingestion goes on with the schema it has
                nextCheckNanos = System.nanoTime() + CHECK_NANOS;
                log.warn("Cannot look for schema changes of {}: {}; trying again in {} s", tableName, e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(CHECK_NANOS));
                return;
            }
            adoptCurrentTable(current, spec);
        }
        finally {
            // the statement that asked returns either way: a change that cannot be adopted stops the table
            checks.forEach(check -> check.complete(null));
        }
    }

    /** The key of the time partitions a batch spans: small batches merge only with batches of the same key. */
    Object timeRangeKey(HotBatch batch)
    {
        return timePartitions.timeRangeKey(batch);
    }

    private void adoptCurrentTable(Schema current, PartitionSpec spec)
    {
        if (current.schemaId() == schema.schemaId() && spec.specId() == specId) {
            adoptJsonFields();
            return;
        }
        SchemaChanges.requireAdoptable(schema, current);
        SchemaChanges.requireWritable(current, spec);
        if (current.schemaId() != schema.schemaId()) {
            try {
                keepJsonFieldsOfRenamedColumns(current);
            }
            catch (RuntimeException e) {
                // the schema is adopted only with its JSON mapping: the next check tries again
                log.warn("Cannot record the JSON fields of renamed columns of {}: {}; trying again in {} s", tableName, e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(CHECK_NANOS));
                return;
            }
            router.adopt(current, table.properties());
            jsonFields = jsonFields(table.properties());
            partitions.adopt(current);
            log.info("Ingestion of {} adopted schema {}: {}", tableName, current.schemaId(), current.asStruct());
        }
        if (spec.specId() != specId) {
            log.info("Ingestion of {} writes partition spec {} from its next flush: {}", tableName, spec.specId(), spec);
        }
        schema = current;
        specId = spec.specId();
        timePartitions = new PartitionRows(spec);
    }

    /**
     * A JSON field mapping changed without a schema change (a user remapped a column): the next record decodes with
     * it. The rows built so far keep their values; the layout of the rows does not change.
     */
    private void adoptJsonFields()
    {
        Map<String, String> current = jsonFields(table.properties());
        if (!current.equals(jsonFields)) {
            router.adopt(schema, table.properties());
            jsonFields = current;
            log.info("Ingestion of {} decodes with the JSON fields {}", tableName, current);
        }
    }

    private static Map<String, String> jsonFields(Map<String, String> tableProperties)
    {
        Map<String, String> fields = new TreeMap<>();
        tableProperties.forEach((name, value) -> {
            if (name.startsWith(JsonFieldNames.PROPERTY_PREFIX)) {
                fields.put(name, value);
            }
        });
        return fields;
    }

    /** A column another engine renamed keeps decoding from the JSON field it decoded from, unless a mapping says otherwise. */
    private void keepJsonFieldsOfRenamedColumns(Schema current)
    {
        Map<String, String> properties = table.properties();
        UpdateProperties update = null;
        for (NestedField column : current.columns()) {
            NestedField before = schema.findField(column.fieldId());
            if (before != null && !before.name().equals(column.name()) && !properties.containsKey(JsonFieldNames.property(column.fieldId()))) {
                update = update == null ? table.updateProperties() : update;
                update.set(JsonFieldNames.property(column.fieldId()), JsonFieldNames.jsonName(before, properties));
            }
        }
        if (update != null) {
            update.commit();
        }
    }
}
