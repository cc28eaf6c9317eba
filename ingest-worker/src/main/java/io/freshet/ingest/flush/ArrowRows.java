package io.freshet.ingest.flush;

import org.apache.arrow.vector.BigIntVector;
import org.apache.arrow.vector.BitVector;
import org.apache.arrow.vector.DateDayVector;
import org.apache.arrow.vector.DecimalVector;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.Float4Vector;
import org.apache.arrow.vector.Float8Vector;
import org.apache.arrow.vector.IntVector;
import org.apache.arrow.vector.TimeStampVector;
import org.apache.arrow.vector.VarBinaryVector;
import org.apache.arrow.vector.VarCharVector;
import org.apache.arrow.vector.complex.ListVector;
import org.apache.arrow.vector.complex.MapVector;
import org.apache.arrow.vector.complex.StructVector;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Reads values of hot-buffer vectors as the Java objects Iceberg's generic writers take. */
public final class ArrowRows
{
    private ArrowRows() {}

    /** Fills {@code record} with row {@code row} of the vectors, which follow the record's struct type field by field. */
    public static void readRow(List<FieldVector> vectors, Types.StructType type, int row, GenericRecord record)
    {
        List<Types.NestedField> fields = type.fields();
        for (int i = 0; i < fields.size(); i++) {
            record.set(i, value(vectors.get(i), fields.get(i).type(), row));
        }
    }

    public static Object value(FieldVector vector, Type type, int index)
    {
        if (vector.isNull(index)) {
            return null;
        }
        return switch (type.typeId()) {
            case BOOLEAN -> ((BitVector) vector).get(index) != 0;
            case INTEGER -> ((IntVector) vector).get(index);
            case LONG -> ((BigIntVector) vector).get(index);
            case FLOAT -> ((Float4Vector) vector).get(index);
            case DOUBLE -> ((Float8Vector) vector).get(index);
            case DECIMAL -> ((DecimalVector) vector).getObject(index);
            case STRING -> new String(((VarCharVector) vector).get(index), StandardCharsets.UTF_8);
            case BINARY -> ByteBuffer.wrap(((VarBinaryVector) vector).get(index));
            case DATE -> LocalDate.ofEpochDay(((DateDayVector) vector).get(index));
            case TIMESTAMP -> timestamp(((TimeStampVector) vector).get(index), ((Types.TimestampType) type).shouldAdjustToUTC());
            case LIST -> list((ListVector) vector, (Types.ListType) type, index);
            case STRUCT -> struct((StructVector) vector, type.asStructType(), index);
            case MAP -> map((MapVector) vector, (Types.MapType) type, index);
            default -> throw new IllegalArgumentException("Unsupported type " + type);
        };
    }

    private static Object timestamp(long epochMicros, boolean withZone)
    {
        Instant instant = Instant.ofEpochSecond(Math.floorDiv(epochMicros, 1_000_000L), Math.floorMod(epochMicros, 1_000_000L) * 1000L);
        return withZone ? OffsetDateTime.ofInstant(instant, ZoneOffset.UTC) : LocalDateTime.ofInstant(instant, ZoneOffset.UTC);
    }

    private static List<Object> list(ListVector vector, Types.ListType type, int index)
    {
        int start = vector.getElementStartIndex(index);
        int end = vector.getElementEndIndex(index);
        FieldVector elements = vector.getDataVector();
        List<Object> values = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            values.add(value(elements, type.elementType(), i));
        }
        return values;
    }

    private static Record struct(StructVector vector, Types.StructType type, int index)
    {
        GenericRecord record = GenericRecord.create(type);
        readRow(vector.getChildrenFromFields(), type, index, record);
        return record;
    }

    private static Map<Object, Object> map(MapVector vector, Types.MapType type, int index)
    {
        int start = vector.getElementStartIndex(index);
        int end = vector.getElementEndIndex(index);
        StructVector entries = (StructVector) vector.getDataVector();
        FieldVector keys = entries.getChildrenFromFields().get(0);
        FieldVector values = entries.getChildrenFromFields().get(1);
        Map<Object, Object> map = new LinkedHashMap<>();
        for (int i = start; i < end; i++) {
            map.put(value(keys, type.keyType(), i), value(values, type.valueType(), i));
        }
        return map;
    }
}
