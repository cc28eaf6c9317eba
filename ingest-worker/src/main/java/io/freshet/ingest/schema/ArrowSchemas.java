package io.freshet.ingest.schema;

import io.freshet.ingest.error.UnsupportedColumnException;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.types.DateUnit;
import org.apache.arrow.vector.types.FloatingPointPrecision;
import org.apache.arrow.vector.types.TimeUnit;
import org.apache.arrow.vector.types.pojo.ArrowType;
import org.apache.arrow.vector.types.pojo.Field;
import org.apache.arrow.vector.types.pojo.FieldType;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Maps an Iceberg schema to the Arrow schema of the hot buffer. Every Arrow field carries its Iceberg field id
 * as field metadata (the key Arrow's Parquet bindings use), so that every path from decoding to the flush
 * matches vectors to columns by field id: a column renamed, dropped, added or reordered never shifts values.
 */
public final class ArrowSchemas
{
    public static final String FIELD_ID = "PARQUET:field_id";

    private ArrowSchemas() {}

    /** The Iceberg field id an Arrow field carries, or -1 (the entries of a map have none). */
    public static int fieldId(Field field)
    {
        String id = field.getMetadata().get(FIELD_ID);
        return id == null ? -1 : Integer.parseInt(id);
    }

    /** The vectors of a batch by Iceberg field id. */
    public static Map<Integer, FieldVector> byFieldId(List<FieldVector> vectors)
    {
        Map<Integer, FieldVector> byId = new HashMap<>();
        for (FieldVector vector : vectors) {
            int id = fieldId(vector.getField());
            if (id >= 0) {
                byId.put(id, vector);
            }
        }
        return byId;
    }

    /** The vector of a field among siblings, by field id; fails when the batch has none, which means it follows another schema. */
    public static FieldVector require(Map<Integer, FieldVector> vectors, NestedField field)
    {
        FieldVector vector = vectors.get(field.fieldId());
        if (vector == null) {
            throw new IllegalStateException("hot batch has no vector for column %s (field id %s)".formatted(field.name(), field.fieldId()));
        }
        return vector;
    }

    public static org.apache.arrow.vector.types.pojo.Schema toArrow(Schema schema)
    {
        return new org.apache.arrow.vector.types.pojo.Schema(schema.columns().stream().map(ArrowSchemas::toArrow).toList());
    }

    public static Field toArrow(NestedField field)
    {
        return toArrow(field.fieldId(), field.name(), field.type(), true);
    }

    private static Field toArrow(int fieldId, String name, Type type, boolean nullable)
    {
        Map<String, String> metadata = Map.of(FIELD_ID, Integer.toString(fieldId));
        return switch (type.typeId()) {
            case LIST -> {
                Types.ListType list = (Types.ListType) type;
                yield new Field(name, new FieldType(true, ArrowType.List.INSTANCE, null, metadata), List.of(toArrow(list.elementId(), "element", list.elementType(), true)));
            }
            case STRUCT -> new Field(name, new FieldType(true, ArrowType.Struct.INSTANCE, null, metadata),
                    type.asStructType().fields().stream().map(ArrowSchemas::toArrow).toList());
            case MAP -> {
                Types.MapType map = (Types.MapType) type;
                Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
                        toArrow(map.keyId(), "key", map.keyType(), false),
                        toArrow(map.valueId(), "value", map.valueType(), true)));
                yield new Field(name, new FieldType(true, new ArrowType.Map(false), null, metadata), List.of(entries));
            }
            default -> new Field(name, new FieldType(nullable, primitive(type), null, metadata), null);
        };
    }

    private static ArrowType primitive(Type type)
    {
        return switch (type.typeId()) {
            case BOOLEAN -> ArrowType.Bool.INSTANCE;
            case INTEGER -> new ArrowType.Int(32, true);
            case LONG -> new ArrowType.Int(64, true);
            case FLOAT -> new ArrowType.FloatingPoint(FloatingPointPrecision.SINGLE);
            case DOUBLE -> new ArrowType.FloatingPoint(FloatingPointPrecision.DOUBLE);
            case DECIMAL -> {
                Types.DecimalType decimal = (Types.DecimalType) type;
                yield new ArrowType.Decimal(decimal.precision(), decimal.scale(), 128);
            }
            case STRING -> ArrowType.Utf8.INSTANCE;
            case BINARY -> ArrowType.Binary.INSTANCE;
            case DATE -> new ArrowType.Date(DateUnit.DAY);
            case TIMESTAMP -> new ArrowType.Timestamp(TimeUnit.MICROSECOND, ((Types.TimestampType) type).shouldAdjustToUTC() ? "UTC" : null);
            default -> throw new UnsupportedColumnException("Column type %s is not supported by Freshet; use boolean, integer, bigint, real, double, decimal, varchar, varbinary, date, timestamp(6), timestamp(6) with time zone, array, map or row".formatted(type));
        };
    }
}
