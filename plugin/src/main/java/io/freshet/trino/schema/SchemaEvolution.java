package io.freshet.trino.schema;

import io.freshet.ingest.decoding.JsonFieldNames;
import io.freshet.ingest.error.UnsupportedColumnException;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.trino.error.FreshetErrors;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.Table;
import org.apache.iceberg.Transaction;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.TypeUtil;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.util.List;

import static io.freshet.trino.error.FreshetErrorCode.FRESHET_INVALID_SCHEMA_CHANGE;
import static io.trino.spi.StandardErrorCode.COLUMN_ALREADY_EXISTS;
import static io.trino.spi.StandardErrorCode.COLUMN_NOT_FOUND;
import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;

/**
 * {@code ALTER TABLE} on the columns of a Freshet table, as Iceberg schema updates by field id: old data files
 * read with the new schema (added columns null, renamed ones keep their values), and ingestion adopts the new
 * schema between two polls. Each change is checked first and either commits whole or changes nothing.
 */
public final class SchemaEvolution
{
    private SchemaEvolution() {}

    public static void addColumn(Table table, ColumnMetadata column)
    {
        requireDeclaredName(column.getName(), "add");
        if (!column.isNullable()) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Column %s cannot be added as NOT NULL: records written before have no value for it".formatted(column.getName()));
        }
        if (table.schema().findField(column.getName()) != null) {
            throw new TrinoException(COLUMN_ALREADY_EXISTS, "Column %s already exists".formatted(column.getName()));
        }
        Type type = supported(column.getName(), TypeConverter.toIcebergType(column.getType()));
        table.updateSchema().addColumn(column.getName(), type, column.getComment()).commit();
    }

    /** Adds a field to a row column (at any depth); {@code parentPath} names the row from the top-level column down. */
    public static void addField(Table table, List<String> parentPath, String fieldName, io.trino.spi.type.Type type, boolean ignoreExisting)
    {
        String parent = String.join(".", parentPath);
        requireDeclaredName(parentPath.getFirst(), "add a field to");
        NestedField parentField = table.schema().findField(parent);
        if (parentField == null) {
            throw new TrinoException(COLUMN_NOT_FOUND, "Column %s does not exist".formatted(parent));
        }
        if (!parentField.type().isStructType()) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Column %s is of type %s, not a row: only rows take fields".formatted(parent, parentField.type()));
        }
        if (parentField.type().asStructType().field(fieldName) != null) {
            if (ignoreExisting) {
                return;
            }
            throw new TrinoException(COLUMN_ALREADY_EXISTS, "Field %s already exists in column %s".formatted(fieldName, parent));
        }
        Type icebergType = supported(parent + "." + fieldName, TypeConverter.toIcebergType(type));
        table.updateSchema().addColumn(parent, fieldName, icebergType).commit();
    }

    public static void dropColumn(Table table, String name)
    {
        requireDeclaredName(name, "drop");
        NestedField column = existing(table, name);
        for (PartitionField field : table.spec().fields()) {
            if (field.sourceId() == column.fieldId() && !field.transform().isVoid()) {
                throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Column %s cannot be dropped: the table is partitioned by it (%s). Change the partitioning first".formatted(name, field.name()));
            }
        }
        long declared = table.schema().columns().stream().filter(candidate -> !KafkaMetadataColumns.isMetadataColumn(candidate.name())).count();
        if (declared == 1) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Column %s cannot be dropped: it is the table's only declared column".formatted(name));
        }
        table.updateSchema().deleteColumn(name).commit();
    }

    public static void dropField(Table table, String column, List<String> fieldPath)
    {
        requireDeclaredName(column, "drop a field of");
        String path = column + "." + String.join(".", fieldPath);
        existing(table, path);
        NestedField parent = table.schema().findField(path.substring(0, path.lastIndexOf('.')));
        if (parent != null && parent.type().isStructType() && parent.type().asStructType().fields().size() == 1) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Field %s cannot be dropped: it is the only field of its row".formatted(path));
        }
        table.updateSchema().deleteColumn(path).commit();
    }

    /**
     * Renames a top-level column. Its values keep their field id, so old files and hot batches read under the new
     * name; the table property {@code freshet.json-field.<field id>} keeps it decoding from its former JSON field.
     */
    public static void renameColumn(Table table, String name, String target)
    {
        requireDeclaredName(name, "rename");
        requireDeclaredName(target, "rename a column to");
        NestedField column = existing(table, name);
        if (table.schema().findField(target) != null) {
            throw new TrinoException(COLUMN_ALREADY_EXISTS, "Column %s already exists".formatted(target));
        }
        Transaction transaction = table.newTransaction();
        transaction.updateSchema().renameColumn(name, target).commit();
        String property = JsonFieldNames.property(column.fieldId());
        if (!table.properties().containsKey(property)) {
            transaction.updateProperties().set(property, name).commit();
        }
        transaction.commitTransaction();
    }

    /** Widens a column, or a field of a row column ({@code path} from the top-level column down), as Iceberg allows. */
    public static void setType(Table table, List<String> path, io.trino.spi.type.Type type)
    {
        String name = String.join(".", path);
        requireDeclaredName(path.getFirst(), "change the type of");
        NestedField column = existing(table, name);
        Type target = TypeConverter.toIcebergType(type);
        if (column.type().equals(target)) {
            return;
        }
        if (!column.type().isPrimitiveType() || !target.isPrimitiveType() || !TypeUtil.isPromotionAllowed(column.type(), target.asPrimitiveType())) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, ("Cannot change the type of column %s from %s to %s: "
                    + "Iceberg allows integer to bigint, real to double, and a larger decimal precision with the same scale").formatted(name, column.type(), target));
        }
        table.updateSchema().updateColumn(name, target.asPrimitiveType()).commit();
    }

    public static void renameField()
    {
        throw new TrinoException(NOT_SUPPORTED, "Renaming a field of a row column is not supported: Freshet reads nested fields by name. Add a new field instead");
    }

    private static NestedField existing(Table table, String name)
    {
        NestedField column = table.schema().findField(name);
        if (column == null) {
            throw new TrinoException(COLUMN_NOT_FOUND, "Column %s does not exist".formatted(name));
        }
        return column;
    }

    private static void requireDeclaredName(String name, String action)
    {
        if (KafkaMetadataColumns.isMetadataColumn(name)) {
            throw new TrinoException(FRESHET_INVALID_SCHEMA_CHANGE, "Cannot %s column %s: the Kafka metadata columns _partition_id, _partition_offset, _timestamp, _key and _headers are fixed".formatted(action, name));
        }
    }

    private static Type supported(String name, Type type)
    {
        try {
            ArrowSchemas.toArrow(Types.NestedField.optional(1, name, type));
        }
        catch (UnsupportedColumnException e) {
            throw FreshetErrors.fromIngest("Column %s".formatted(name), e);
        }
        return type;
    }
}
