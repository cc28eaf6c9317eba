package io.freshet.ingest.decoding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
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

import java.io.IOException;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.Base64;
import java.util.List;

/**
 * Writes JSON values from a parser into Arrow vectors, token by token. The common shapes (text into varchar,
 * integers into bigint, ISO text into timestamps, objects into rows, arrays into lists) are written straight
 * from the tokens; any other shape, and every value that turns out bad, is read as a small tree and handed to
 * {@link JsonValueWriter}, so conversions and error messages are exactly those of the tree decoder.
 */
final class JsonStreamWriter
{
    private JsonStreamWriter() {}

    /**
     * Writes the object whose START_OBJECT is the current token into the fields' vectors at {@code index}, and
     * leaves the parser on its END_OBJECT. Bad fields do not stop the parse: the rest of the value must still be
     * valid JSON, which is the first thing reported.
     *
     * @return the error of the first bad field in table order, or null
     */
    static BadRecordException writeObject(JsonParser parser, JsonFields fields, List<FieldVector> vectors, int index)
            throws IOException
    {
        fields.reset();
        JsonStreamContext object = parser.getParsingContext();
        for (JsonToken token = parser.nextToken(); token == JsonToken.FIELD_NAME; token = parser.nextToken()) {
            String name = parser.currentName();
            int column = fields.exact(name);
            byte strength = JsonFields.EXACT;
            if (column < 0) {
                column = fields.ignoringCase(name);
                strength = JsonFields.IGNORING_CASE;
            }
            parser.nextToken();
            // an exact name wins over a case-insensitive one; of case-insensitive ones the first wins
            if (column < 0 || fields.matched[column] >= strength) {
                parser.skipChildren();
                continue;
            }
            fields.matched[column] = strength;
            fields.errors[column] = null;
            try {
                write(parser, vectors.get(column), fields.types[column], index, fields.children[column]);
            }
            catch (BadRecordException | RuntimeException e) {
                fields.errors[column] = JsonValueWriter.withPath(fields.names[column], e);
                // finish the value the error left half read
                while (parser.getParsingContext() != object && parser.nextToken() != null) {
                    // skipping
                }
            }
        }
        BadRecordException first = null;
        for (int column = 0; column < fields.names.length; column++) {
            if (fields.matched[column] == JsonFields.NONE) {
                vectors.get(column).setNull(index);
            }
            else if (first == null && fields.errors[column] != null) {
                first = fields.errors[column];
            }
        }
        return first;
    }

    /** Writes the value whose first token is the current one; leaves the parser on its last token. */
    private static void write(JsonParser parser, FieldVector vector, Type type, int index, JsonFields children)
            throws IOException, BadRecordException
    {
        JsonToken token = parser.currentToken();
        if (token == JsonToken.VALUE_NULL) {
            vector.setNull(index);
            return;
        }
        if (!writeDirectly(parser, token, vector, type, index, children)) {
            JsonNode node = JsonParsing.MAPPER.readTree(parser);
            JsonValueWriter.write(vector, type, index, node);
        }
    }

    /** Writes the common shapes straight from the tokens; false leaves the value (still unread) to the tree writer. */
    private static boolean writeDirectly(JsonParser parser, JsonToken token, FieldVector vector, Type type, int index, JsonFields children)
            throws IOException, BadRecordException
    {
        switch (type.typeId()) {
            case STRING -> {
                if (token == JsonToken.VALUE_STRING) {
                    ((VarCharVector) vector).setSafe(index, parser.getText().getBytes(StandardCharsets.UTF_8));
                    return true;
                }
            }
            case LONG -> {
                if (token == JsonToken.VALUE_NUMBER_INT && isLong(parser)) {
                    ((BigIntVector) vector).setSafe(index, parser.getLongValue());
                    return true;
                }
            }
            case INTEGER -> {
                if (token == JsonToken.VALUE_NUMBER_INT && parser.getNumberType() == JsonParser.NumberType.INT) {
                    ((IntVector) vector).setSafe(index, parser.getIntValue());
                    return true;
                }
            }
            case DOUBLE -> {
                if (token.isNumeric()) {
                    ((Float8Vector) vector).setSafe(index, parser.getDoubleValue());
                    return true;
                }
            }
            case FLOAT -> {
                if (token.isNumeric()) {
                    ((Float4Vector) vector).setSafe(index, (float) parser.getDoubleValue());
                    return true;
                }
            }
            case BOOLEAN -> {
                if (token == JsonToken.VALUE_TRUE || token == JsonToken.VALUE_FALSE) {
                    ((BitVector) vector).setSafe(index, token == JsonToken.VALUE_TRUE ? 1 : 0);
                    return true;
                }
            }
            case TIMESTAMP -> {
                boolean withZone = ((Types.TimestampType) type).shouldAdjustToUTC();
                try {
                    if (token == JsonToken.VALUE_STRING) {
                        ((TimeStampVector) vector).setSafe(index, IsoTimestamps.micros(parser.getText(), withZone));
                        return true;
                    }
                    if (token == JsonToken.VALUE_NUMBER_INT && isLong(parser)) {
                        ((TimeStampVector) vector).setSafe(index, Math.multiplyExact(parser.getLongValue(), 1000L));
                        return true;
                    }
                }
                catch (RuntimeException e) {
                    return false;
                }
            }
            case DATE -> {
                try {
                    if (token == JsonToken.VALUE_STRING) {
                        String text = parser.getText().trim();
                        long day = LocalDate.parse(text.length() > 10 ? text.substring(0, 10) : text).toEpochDay();
                        ((DateDayVector) vector).setSafe(index, Math.toIntExact(day));
                        return true;
                    }
                }
                catch (RuntimeException e) {
                    return false;
                }
            }
            case DECIMAL -> {
                try {
                    BigDecimal value = switch (token) {
                        case VALUE_STRING -> new BigDecimal(parser.getText().trim());
                        // as the tree decoder reads JSON numbers: integers exactly, fractions as doubles
                        case VALUE_NUMBER_INT -> isLong(parser) ? BigDecimal.valueOf(parser.getLongValue()) : null;
                        case VALUE_NUMBER_FLOAT -> BigDecimal.valueOf(parser.getDoubleValue());
                        default -> null;
                    };
                    if (value == null) {
                        return false;
                    }
                    Types.DecimalType decimal = (Types.DecimalType) type;
                    BigDecimal scaled = value.setScale(decimal.scale(), RoundingMode.HALF_UP);
                    if (scaled.precision() > decimal.precision()) {
                        return false;
                    }
                    ((DecimalVector) vector).setSafe(index, scaled);
                    return true;
                }
                catch (RuntimeException e) {
                    return false;
                }
            }
            case BINARY -> {
                if (token == JsonToken.VALUE_STRING) {
                    try {
                        ((VarBinaryVector) vector).setSafe(index, Base64.getDecoder().decode(parser.getText()));
                        return true;
                    }
                    catch (IllegalArgumentException e) {
                        return false;
                    }
                }
            }
            case STRUCT -> {
                if (token == JsonToken.START_OBJECT) {
                    StructVector struct = (StructVector) vector;
                    struct.setIndexDefined(index);
                    BadRecordException error = writeObject(parser, children, struct.getChildrenFromFields(), index);
                    if (error != null) {
                        throw error;
                    }
                    return true;
                }
            }
            case LIST -> {
                if (token == JsonToken.START_ARRAY) {
                    ListVector list = (ListVector) vector;
                    int start = list.startNewValue(index);
                    FieldVector elements = list.getDataVector();
                    Type elementType = ((Types.ListType) type).elementType();
                    int count = 0;
                    for (JsonToken element = parser.nextToken(); element != JsonToken.END_ARRAY; element = parser.nextToken()) {
                        write(parser, elements, elementType, start + count, children);
                        count++;
                    }
                    list.endValue(index, count);
                    return true;
                }
            }
            case MAP -> {
                if (token == JsonToken.START_OBJECT) {
                    MapVector map = (MapVector) vector;
                    Types.MapType mapType = (Types.MapType) type;
                    int start = map.startNewValue(index);
                    StructVector entries = (StructVector) map.getDataVector();
                    FieldVector keys = entries.getChildrenFromFields().get(0);
                    FieldVector values = entries.getChildrenFromFields().get(1);
                    int position = start;
                    for (JsonToken entry = parser.nextToken(); entry == JsonToken.FIELD_NAME; entry = parser.nextToken()) {
                        entries.setIndexDefined(position);
                        JsonValueWriter.write(keys, mapType.keyType(), position, TextNode.valueOf(parser.currentName()));
                        parser.nextToken();
                        write(parser, values, mapType.valueType(), position, children);
                        position++;
                    }
                    map.endValue(index, position - start);
                    return true;
                }
            }
            default -> {
                return false;
            }
        }
        return false;
    }

    private static boolean isLong(JsonParser parser)
            throws IOException
    {
        JsonParser.NumberType numberType = parser.getNumberType();
        return numberType == JsonParser.NumberType.INT || numberType == JsonParser.NumberType.LONG;
    }
}
