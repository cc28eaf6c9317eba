package io.freshet.ingest.decoding;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.TextNode;
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
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Base64;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;


/**
 * Writes one JSON value into an Arrow vector of the column's Iceberg type. Accepts what producers commonly
 * send: numbers as JSON numbers or numeric strings, timestamps as ISO-8601 text or epoch milliseconds,
 * dates as ISO text or epoch days, binary as base64.
 */
final class JsonValueWriter
{
    private JsonValueWriter() {}

    static void write(FieldVector vector, Type type, int index, JsonNode node)
            throws BadRecordException
    {
        if (node == null || node.isNull() || node.isMissingNode()) {
            vector.setNull(index);
            return;
        }
        switch (type.typeId()) {
            case BOOLEAN -> ((BitVector) vector).setSafe(index, booleanValue(node) ? 1 : 0);
            case INTEGER -> ((IntVector) vector).setSafe(index, Math.toIntExact(integralValue(node, Integer.MIN_VALUE, Integer.MAX_VALUE)));
            case LONG -> ((BigIntVector) vector).setSafe(index, integralValue(node, Long.MIN_VALUE, Long.MAX_VALUE));
            case FLOAT -> ((Float4Vector) vector).setSafe(index, (float) doubleValue(node));
            case DOUBLE -> ((Float8Vector) vector).setSafe(index, doubleValue(node));
            case DECIMAL -> ((DecimalVector) vector).setSafe(index, decimalValue(node, (Types.DecimalType) type));
            case STRING -> ((VarCharVector) vector).setSafe(index, (node.isTextual() ? node.textValue() : node.toString()).getBytes(StandardCharsets.UTF_8));
            case BINARY -> ((VarBinaryVector) vector).setSafe(index, binaryValue(node));
            case DATE -> ((DateDayVector) vector).setSafe(index, Math.toIntExact(dateValue(node)));
            case TIMESTAMP -> ((TimeStampVector) vector).setSafe(index, timestampMicros(node, ((Types.TimestampType) type).shouldAdjustToUTC()));
            case LIST -> writeList((ListVector) vector, (Types.ListType) type, index, node);
            case STRUCT -> writeStruct((StructVector) vector, type.asStructType(), index, node);
            case MAP -> writeMap((MapVector) vector, (Types.MapType) type, index, node);
            default -> throw new BadRecordException("unsupported column type " + type);
        }
    }

    /** Writes the fields of a JSON object into the children of a struct, matching names case-insensitively. */
    static void writeFields(Iterable<FieldVector> children, Types.StructType type, int index, JsonNode object)
            throws BadRecordException
    {
        Iterator<FieldVector> vectors = children.iterator();
        for (NestedField field : type.fields()) {
            FieldVector child = vectors.next();
            JsonNode value = fieldValue(object, field.name());
            try {
                write(child, field.type(), index, value);
            }
            catch (BadRecordException | RuntimeException e) {
                throw withPath(field.name(), e);
            }
        }
    }

    static JsonNode fieldValue(JsonNode object, String name)
    {
        JsonNode value = object.get(name);
        if (value != null) {
            return value;
        }
        for (Iterator<Map.Entry<String, JsonNode>> fields = object.fields(); fields.hasNext(); ) {
            Map.Entry<String, JsonNode> field = fields.next();
            if (field.getKey().equalsIgnoreCase(name)) {
                return field.getValue();
            }
        }
        return null;
    }

    static BadRecordException withPath(String name, Exception e)
    {
        String reason = e instanceof BadRecordException ? e.getMessage() : describe(e);
        return new BadRecordException(reason.startsWith("field ") ? "field " + name + "." + reason.substring("field ".length()) : "field " + name + ": " + reason, e);
    }

    private static String describe(Exception e)
    {
        if (e instanceof ArithmeticException) {
            return "value out of range for the column type";
        }
        return e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    }

    private static void writeList(ListVector vector, Types.ListType type, int index, JsonNode node)
            throws BadRecordException
    {
        if (!node.isArray()) {
            throw new BadRecordException("expected a JSON array, found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        int start = vector.startNewValue(index);
        FieldVector elements = vector.getDataVector();
        for (int i = 0; i < node.size(); i++) {
            write(elements, type.elementType(), start + i, node.get(i));
        }
        vector.endValue(index, node.size());
    }

    private static void writeStruct(StructVector vector, Types.StructType type, int index, JsonNode node)
            throws BadRecordException
    {
        if (!node.isObject()) {
            throw new BadRecordException("expected a JSON object, found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        vector.setIndexDefined(index);
        writeFields(vector.getChildrenFromFields(), type, index, node);
    }

    private static void writeMap(MapVector vector, Types.MapType type, int index, JsonNode node)
            throws BadRecordException
    {
        if (!node.isObject()) {
            throw new BadRecordException("expected a JSON object for a map, found " + node.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        int start = vector.startNewValue(index);
        StructVector entries = (StructVector) vector.getDataVector();
        FieldVector keys = entries.getChildrenFromFields().get(0);
        FieldVector values = entries.getChildrenFromFields().get(1);
        int position = start;
        for (Iterator<Map.Entry<String, JsonNode>> fields = node.fields(); fields.hasNext(); position++) {
            Map.Entry<String, JsonNode> field = fields.next();
            entries.setIndexDefined(position);
            write(keys, type.keyType(), position, TextNode.valueOf(field.getKey()));
            write(values, type.valueType(), position, field.getValue());
        }
        vector.endValue(index, position - start);
    }

    private static boolean booleanValue(JsonNode node)
            throws BadRecordException
    {
        if (node.isBoolean()) {
            return node.booleanValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            if (text.equalsIgnoreCase("true")) {
                return true;
            }
            if (text.equalsIgnoreCase("false")) {
                return false;
            }
        }
        throw new BadRecordException("expected a boolean, found " + abbreviate(node));
    }

    private static long integralValue(JsonNode node, long min, long max)
            throws BadRecordException
    {
        BigDecimal value;
        if (node.isIntegralNumber()) {
            value = new BigDecimal(node.bigIntegerValue());
        }
        else if (node.isNumber()) {
            value = node.decimalValue();
        }
        else if (node.isTextual()) {
            try {
                value = new BigDecimal(node.textValue().trim());
            }
            catch (NumberFormatException e) {
                throw new BadRecordException("expected an integer, found " + abbreviate(node));
            }
        }
        else {
            throw new BadRecordException("expected an integer, found " + abbreviate(node));
        }
        try {
            long result = value.longValueExact();
            if (result < min || result > max) {
                throw new BadRecordException("integer " + value + " is out of range for the column type");
            }
            return result;
        }
        catch (ArithmeticException e) {
            throw new BadRecordException("expected an integer in range, found " + abbreviate(node));
        }
    }

    private static double doubleValue(JsonNode node)
            throws BadRecordException
    {
        if (node.isNumber()) {
            return node.doubleValue();
        }
        if (node.isTextual()) {
            try {
                return Double.parseDouble(node.textValue().trim());
            }
            catch (NumberFormatException ignored) {
                // reported below
            }
        }
        throw new BadRecordException("expected a number, found " + abbreviate(node));
    }

    private static BigDecimal decimalValue(JsonNode node, Types.DecimalType type)
            throws BadRecordException
    {
        BigDecimal value;
        try {
            value = node.isNumber() ? node.decimalValue() : new BigDecimal(node.asText().trim());
        }
        catch (NumberFormatException e) {
            throw new BadRecordException("expected a decimal number, found " + abbreviate(node));
        }
        BigDecimal scaled = value.setScale(type.scale(), RoundingMode.HALF_UP);
        if (scaled.precision() > type.precision()) {
            throw new BadRecordException("decimal " + value + " does not fit " + type);
        }
        return scaled;
    }

    private static byte[] binaryValue(JsonNode node)
            throws BadRecordException
    {
        if (!node.isTextual()) {
            throw new BadRecordException("expected base64 text for a varbinary column, found " + abbreviate(node));
        }
        try {
            return Base64.getDecoder().decode(node.textValue());
        }
        catch (IllegalArgumentException e) {
            throw new BadRecordException("invalid base64 for a varbinary column: " + abbreviate(node));
        }
    }

    private static long dateValue(JsonNode node)
            throws BadRecordException
    {
        if (node.isIntegralNumber()) {
            return node.longValue();
        }
        if (node.isTextual()) {
            String text = node.textValue().trim();
            try {
                return LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).toEpochDay();
            }
            catch (DateTimeParseException ignored) {
                // reported below
            }
        }
        throw new BadRecordException("expected a date (YYYY-MM-DD), found " + abbreviate(node));
    }

    private static long timestampMicros(JsonNode node, boolean withZone)
            throws BadRecordException
    {
        if (node.isIntegralNumber()) {
            return Math.multiplyExact(node.longValue(), 1000L);
        }
        if (node.isTextual()) {
            try {
                return IsoTimestamps.micros(node.textValue(), withZone);
            }
            catch (DateTimeException | ArithmeticException ignored) {
                // reported below
            }
        }
        throw new BadRecordException("expected a timestamp (ISO-8601 text or epoch milliseconds), found " + abbreviate(node));
    }

    private static String abbreviate(JsonNode node)
    {
        String text = node.toString();
        return text.length() <= 60 ? text : text.substring(0, 57) + "...";
    }
}
