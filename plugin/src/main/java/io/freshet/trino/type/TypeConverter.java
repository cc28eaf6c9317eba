package io.freshet.trino.type;

import io.trino.spi.TrinoException;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.BigintType;
import io.trino.spi.type.BooleanType;
import io.trino.spi.type.DateType;
import io.trino.spi.type.DecimalType;
import io.trino.spi.type.DoubleType;
import io.trino.spi.type.IntegerType;
import io.trino.spi.type.LongTimestampWithTimeZone;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RealType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.TimestampType;
import io.trino.spi.type.TimestampWithTimeZoneType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;
import io.trino.spi.type.TypeSignature;
import io.trino.spi.type.TypeSignatureParameter;
import io.trino.spi.type.VarbinaryType;
import io.trino.spi.type.VarcharType;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.TimeZoneKey.UTC_KEY;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;

/** Maps Trino types to Iceberg types and back, the way Trino's Iceberg connector does. */
public final class TypeConverter
{
    private TypeConverter() {}

    public static Type toTrinoType(org.apache.iceberg.types.Type type, TypeManager typeManager)
    {
        return switch (type.typeId()) {
            case BOOLEAN -> BooleanType.BOOLEAN;
            case INTEGER -> IntegerType.INTEGER;
            case LONG -> BigintType.BIGINT;
            case FLOAT -> RealType.REAL;
            case DOUBLE -> DoubleType.DOUBLE;
            case DECIMAL -> {
                Types.DecimalType decimal = (Types.DecimalType) type;
                yield DecimalType.createDecimalType(decimal.precision(), decimal.scale());
            }
            case STRING -> VarcharType.VARCHAR;
            case BINARY, FIXED -> VarbinaryType.VARBINARY;
            case DATE -> DateType.DATE;
            case TIMESTAMP -> ((Types.TimestampType) type).shouldAdjustToUTC() ? TIMESTAMP_TZ_MICROS : TIMESTAMP_MICROS;
            case LIST -> new ArrayType(toTrinoType(((Types.ListType) type).elementType(), typeManager));
            case MAP -> {
                Types.MapType map = (Types.MapType) type;
                yield typeManager.getType(new TypeSignature("map",
                        TypeSignatureParameter.typeParameter(toTrinoType(map.keyType(), typeManager).getTypeSignature()),
                        TypeSignatureParameter.typeParameter(toTrinoType(map.valueType(), typeManager).getTypeSignature())));
            }
            case STRUCT -> RowType.from(type.asStructType().fields().stream()
                    .map(field -> RowType.field(field.name(), toTrinoType(field.type(), typeManager)))
                    .toList());
            default -> throw new TrinoException(NOT_SUPPORTED, "Iceberg type %s is not supported by Freshet".formatted(type));
        };
    }

    /** Iceberg columns for Trino columns; field ids are placeholders that the catalog reassigns. */
    public static List<NestedField> toIcebergColumns(List<io.trino.spi.connector.ColumnMetadata> columns)
    {
        AtomicInteger nextId = new AtomicInteger(1);
        List<NestedField> fields = new ArrayList<>();
        for (io.trino.spi.connector.ColumnMetadata column : columns) {
            int id = nextId.getAndIncrement();
            org.apache.iceberg.types.Type type = toIcebergType(column.getType(), nextId);
            fields.add(column.isNullable()
                    ? NestedField.optional(id, column.getName(), type, column.getComment())
                    : NestedField.required(id, column.getName(), type, column.getComment()));
        }
        return fields;
    }

    /** The Iceberg type of a Trino type; nested field ids are placeholders that a schema update reassigns. */
    public static org.apache.iceberg.types.Type toIcebergType(Type type)
    {
        return toIcebergType(type, new AtomicInteger(1));
    }

    private static org.apache.iceberg.types.Type toIcebergType(Type type, AtomicInteger nextId)
    {
        if (type instanceof BooleanType) {
            return Types.BooleanType.get();
        }
        if (type instanceof IntegerType) {
            return Types.IntegerType.get();
        }
        if (type instanceof BigintType) {
            return Types.LongType.get();
        }
        if (type instanceof RealType) {
            return Types.FloatType.get();
        }
        if (type instanceof DoubleType) {
            return Types.DoubleType.get();
        }
        if (type instanceof DecimalType decimal) {
            return Types.DecimalType.of(decimal.getPrecision(), decimal.getScale());
        }
        if (type instanceof VarcharType varchar) {
            if (!varchar.isUnbounded()) {
                throw new TrinoException(NOT_SUPPORTED, "Type %s is not supported: use varchar without a length".formatted(type));
            }
            return Types.StringType.get();
        }
        if (type instanceof VarbinaryType) {
            return Types.BinaryType.get();
        }
        if (type instanceof DateType) {
            return Types.DateType.get();
        }
        if (type instanceof TimestampType timestamp) {
            if (timestamp.getPrecision() != 6) {
                throw new TrinoException(NOT_SUPPORTED, "Type %s is not supported: use timestamp(6)".formatted(type));
            }
            return Types.TimestampType.withoutZone();
        }
        if (type instanceof TimestampWithTimeZoneType timestamp) {
            if (timestamp.getPrecision() != 6) {
                throw new TrinoException(NOT_SUPPORTED, "Type %s is not supported: use timestamp(6) with time zone".formatted(type));
            }
            return Types.TimestampType.withZone();
        }
        if (type instanceof ArrayType array) {
            int elementId = nextId.getAndIncrement();
            return Types.ListType.ofOptional(elementId, toIcebergType(array.getElementType(), nextId));
        }
        if (type instanceof MapType map) {
            int keyId = nextId.getAndIncrement();
            int valueId = nextId.getAndIncrement();
            return Types.MapType.ofOptional(keyId, valueId, toIcebergType(map.getKeyType(), nextId), toIcebergType(map.getValueType(), nextId));
        }
        if (type instanceof RowType row) {
            List<NestedField> fields = new ArrayList<>();
            for (RowType.Field field : row.getFields()) {
                String name = field.getName().orElseThrow(() -> new TrinoException(NOT_SUPPORTED, "Row fields must have names: " + type));
                int id = nextId.getAndIncrement();
                fields.add(NestedField.optional(id, name, toIcebergType(field.getType(), nextId)));
            }
            return Types.StructType.of(fields);
        }
        throw new TrinoException(NOT_SUPPORTED, "Type %s is not supported by Freshet; use boolean, integer, bigint, real, double, decimal, varchar, varbinary, date, timestamp(6), timestamp(6) with time zone, array, map or row".formatted(type));
    }

    /** A {@code timestamp(6) with time zone} value, in UTC, from microseconds since the epoch (Arrow's and Iceberg's unit). */
    public static LongTimestampWithTimeZone toTimestampWithTimeZone(long epochMicros)
    {
        return LongTimestampWithTimeZone.fromEpochMillisAndFraction(Math.floorDiv(epochMicros, 1000), Math.floorMod(epochMicros, 1000) * 1_000_000, UTC_KEY);
    }
}
