package io.freshet.trino.metadata;

import io.freshet.ingest.schema.Partitioning;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.trino.handle.FreshetColumnHandle;
import io.freshet.trino.type.TypeConverter;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.connector.ConnectorTableMetadata;
import io.trino.spi.connector.SchemaTableName;
import io.trino.spi.type.TypeManager;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.types.Types.NestedField;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A Freshet table as Trino describes it: its columns, its table properties and its comment. */
final class TableDescriptions
{
    private TableDescriptions() {}

    static ConnectorTableMetadata tableMetadata(SchemaTableName name, Table table, TypeManager typeManager)
    {
        List<ColumnMetadata> columns = columnHandles(table.schema(), typeManager).values().stream()
                .map(FreshetColumnHandle::toColumnMetadata)
                .toList();
        Map<String, Object> properties = new HashMap<>(TableBinding.fromTableProperties(table.properties())
                .map(binding -> FreshetTableProperties.toProperties(binding, table.properties()))
                .orElse(Map.of()));
        List<String> partitioning = Partitioning.toProperty(table.schema(), table.spec());
        if (!partitioning.isEmpty()) {
            properties.put(FreshetTableProperties.PARTITIONING, partitioning);
        }
        return new ConnectorTableMetadata(name, columns, properties, Optional.ofNullable(table.properties().get("comment")));
    }

    /** The handles of the table's top-level columns, in their order in the schema. */
    static Map<String, FreshetColumnHandle> columnHandles(Schema schema, TypeManager typeManager)
    {
        Map<String, FreshetColumnHandle> columns = new LinkedHashMap<>();
        for (NestedField field : schema.columns()) {
            columns.put(field.name(), new FreshetColumnHandle(field.name(), field.fieldId(), TypeConverter.toTrinoType(field.type(), typeManager), field.isOptional()));
        }
        return columns;
    }
}
