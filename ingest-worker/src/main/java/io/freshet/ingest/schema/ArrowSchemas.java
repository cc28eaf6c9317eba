package io.freshet.ingest.schema;

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

import java.util.List;

/** Maps an Iceberg schema to the Arrow schema of the hot buffer. */
public final class ArrowSchemas
{
    private ArrowSchemas() {}

    public static org.apache.arrow.vector.types.pojo.Schema toArrow(Schema schema)
    {
        return new org.apache.arrow.vector.types.pojo.Schema(schema.columns().stream().map(ArrowSchemas::toArrow).toList());
    }

    public static Field toArrow(NestedField field)
    {
        return toArrow(field.name(), field.type(), true);
    }

    private static Field toArrow(String name, Type type, boolean nullable)
    {
        return switch (type.typeId()) {
            case LIST -> {
                Types.ListType list = (Types.ListType) type;
                yield new Field(name, FieldType.nullable(ArrowType.List.INSTANCE), List.of(toArrow("element", list.elementType(), true)));
            }
            case STRUCT -> new Field(name, FieldType.nullable(ArrowType.Struct.INSTANCE),
                    type.asStructType().fields().stream().map(ArrowSchemas::toArrow).toList());
            case MAP -> {
                Types.MapType map = (Types.MapType) type;
                Field entries = new Field("entries", FieldType.notNullable(ArrowType.Struct.INSTANCE), List.of(
                        toArrow("key", map.keyType(), false),
                        toArrow("value", map.valueType(), true)));
                yield new Field(name, FieldType.nullable(new ArrowType.Map(false)), List.of(entries));
            }
            default -> new Field(name, new FieldType(nullable, primitive(type), null), null);
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
            default -> throw new UnsupportedTypeException(type);
        };
    }

    public static class UnsupportedTypeException
            extends IllegalArgumentException
    {
        public UnsupportedTypeException(Type type)
        {
            super("Column type %s is not supported by Freshet; use boolean, integer, bigint, real, double, decimal, varchar, varbinary, date, timestamp(6), timestamp(6) with time zone, array, map or row".formatted(type));
        }
    }
}
