package io.freshet.ingest.decoding;

import org.apache.iceberg.types.Types.NestedField;

import java.util.Map;

/**
 * Which JSON field a top-level column decodes from: its name, unless the table property
 * {@code freshet.json-field.<field id>} names another. Renaming a column records its former JSON field there,
 * so the topic's records keep filling the column under its new name; setting the property maps it anew.
 */
public final class JsonFieldNames
{
    public static final String PROPERTY_PREFIX = "freshet.json-field.";

    private JsonFieldNames() {}

    public static String property(int fieldId)
    {
        return PROPERTY_PREFIX + fieldId;
    }

    public static String jsonName(NestedField column, Map<String, String> tableProperties)
    {
        return tableProperties.getOrDefault(property(column.fieldId()), column.name());
    }
}
