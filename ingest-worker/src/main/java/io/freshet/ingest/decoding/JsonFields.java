package io.freshet.ingest.decoding;

import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The fields of a row type, looked up by name, with the nested shapes below each; also the per-object
 * scratch of which fields were seen. Objects of one row type never nest, so the scratch is reused.
 */
final class JsonFields
{
    static final byte NONE = 0;
    static final byte IGNORING_CASE = 1;
    static final byte EXACT = 2;

    final String[] names;
    final Type[] types;
    final JsonFields[] children;
    final byte[] matched;
    final BadRecordException[] errors;
    private final Map<String, Integer> byName = new HashMap<>();

    private JsonFields(List<NestedField> fields, List<String> jsonNames)
    {
        int count = fields.size();
        names = new String[count];
        types = new Type[count];
        children = new JsonFields[count];
        matched = new byte[count];
        errors = new BadRecordException[count];
        for (int i = 0; i < count; i++) {
            NestedField field = fields.get(i);
            names[i] = jsonNames.get(i);
            types[i] = field.type();
            children[i] = shapeBelow(field.type());
            byName.putIfAbsent(names[i], i);
        }
    }

    static JsonFields of(Types.StructType struct)
    {
        return new JsonFields(struct.fields(), struct.fields().stream().map(NestedField::name).toList());
    }

    /** The fields of a row type read from the JSON fields named, in field order. */
    static JsonFields of(Types.StructType struct, List<String> jsonNames)
    {
        return new JsonFields(struct.fields(), jsonNames);
    }

    /** The fields of the first row type below a type (through lists and map values), or null. */
    private static JsonFields shapeBelow(Type type)
    {
        return switch (type.typeId()) {
            case STRUCT -> of(type.asStructType());
            case LIST -> shapeBelow(((Types.ListType) type).elementType());
            case MAP -> shapeBelow(((Types.MapType) type).valueType());
            default -> null;
        };
    }

    void reset()
    {
        Arrays.fill(matched, NONE);
        Arrays.fill(errors, null);
    }

    int exact(String name)
    {
        Integer column = byName.get(name);
        return column == null ? -1 : column;
    }

    int ignoringCase(String name)
    {
        for (int i = 0; i < names.length; i++) {
            if (names[i].equalsIgnoreCase(name)) {
                return i;
            }
        }
        return -1;
    }
}
