package io.freshet.ingest.schema;

import io.freshet.ingest.error.InvalidSchemaChangeException;
import io.freshet.ingest.error.UnsupportedColumnException;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types.NestedField;

import java.util.Map;

/**
 * Whether ingestion can adopt a table's new schema or partition spec, whoever changed it: Freshet itself or
 * another engine. Anything Freshet cannot write correctly stops the table's ingestion with the reason, so no value
 * ever lands in the wrong column or partition.
 */
public final class SchemaChanges
{
    private SchemaChanges() {}

    /** Fails with what to do when ingestion cannot go on from {@code before} to {@code after}. */
    public static void requireAdoptable(Schema before, Schema after)
    {
        for (String name : KafkaMetadataColumns.NAMES) {
            NestedField was = before.findField(name);
            NestedField now = after.findField(name);
            if (was != null && (now == null || now.fieldId() != was.fieldId() || !now.type().equals(was.type()))) {
                throw new InvalidSchemaChangeException(("Kafka metadata column %s was dropped, renamed or retyped by another engine; Freshet writes every record's %s there. "
                        + "Restore the column (ALTER TABLE ... ADD COLUMN or RENAME COLUMN with Trino's Iceberg connector), then restart ingestion").formatted(name, name));
            }
        }
        try {
            ArrowSchemas.toArrow(after);
        }
        catch (UnsupportedColumnException e) {
            throw new InvalidSchemaChangeException("The table's new schema has a column Freshet cannot ingest: " + e.getMessage(), e);
        }
        for (NestedField column : after.columns()) {
            if (column.isRequired() && before.findField(column.fieldId()) == null) {
                throw new InvalidSchemaChangeException("Column %s was added as required (NOT NULL) by another engine; records that lack it cannot be ingested. Make it optional to resume ingestion"
                        .formatted(column.name()));
            }
        }
        Map<Integer, NestedField> beforeFields = TypeUtil.indexById(before.asStruct());
        Map<Integer, NestedField> afterFields = TypeUtil.indexById(after.asStruct());
        for (Map.Entry<Integer, NestedField> entry : afterFields.entrySet()) {
            NestedField was = beforeFields.get(entry.getKey());
            boolean topLevel = after.columns().stream().anyMatch(column -> column.fieldId() == entry.getKey());
            if (was != null && !topLevel && !was.name().equals(entry.getValue().name())) {
                throw new InvalidSchemaChangeException(("Nested field %s was renamed to %s by another engine; Freshet reads nested fields by name, so its values would be lost. "
                        + "Rename it back to resume ingestion").formatted(before.findColumnName(entry.getKey()), after.findColumnName(entry.getKey())));
            }
        }
    }

    /** Fails with what to do when Freshet cannot write files of {@code spec}: every source column must be a top-level column. */
    public static void requireWritable(Schema schema, PartitionSpec spec)
    {
        for (PartitionField field : spec.fields()) {
            boolean topLevel = schema.columns().stream().anyMatch(column -> column.fieldId() == field.sourceId());
            if (!topLevel && !field.transform().isVoid()) {
                throw new InvalidSchemaChangeException(("Partition field %s is computed from %s, which is not a top-level column; Freshet partitions by top-level columns only. "
                        + "Change the table's partitioning to resume ingestion").formatted(field.name(), schema.findColumnName(field.sourceId())));
            }
        }
    }
}
