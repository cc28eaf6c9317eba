package io.freshet.ingest.decoding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * JSON object per record value, fields matched to columns by name (case-insensitively, as Trino folds
 * column names), or by the JSON field name a renamed column keeps ({@link JsonFieldNames}). Unknown fields are ignored, missing fields are null.
 *
 * <p>Values stream from the parser straight into the vectors, without a JSON tree per record
 * ({@link JsonStreamWriter}). What is a bad record, and the reason given, are those of reading the
 * whole value first: invalid JSON anywhere wins over a bad field, and of several bad fields the first
 * column in table order is reported.
 */
public final class JsonRecordDecoder
        implements RecordDecoder
{
    private final Types.StructType declaredColumns;
    private final JsonFields fields;
    private VectorSchemaRoot cachedVectors;
    private List<FieldVector> cachedColumns;

    public JsonRecordDecoder(Schema schema)
    {
        this(schema, Map.of());
    }

    /** @param tableProperties may map columns to other JSON fields ({@link JsonFieldNames}) */
    public JsonRecordDecoder(Schema schema, Map<String, String> tableProperties)
    {
        List<NestedField> declared = schema.columns().stream()
                .filter(column -> !KafkaMetadataColumns.isMetadataColumn(column.name()))
                .toList();
        this.declaredColumns = Types.StructType.of(declared);
        this.fields = JsonFields.of(declaredColumns, declared.stream().map(column -> JsonFieldNames.jsonName(column, tableProperties)).toList());
    }

    @Override
    public void decode(byte[] value, VectorSchemaRoot vectors, int row)
            throws BadRecordException
    {
        if (value == null) {
            throw new BadRecordException("record has no value (tombstone)");
        }
        if (vectors != cachedVectors) {
            // a builder fills one set of vectors for many rows: look the columns up once per set
            Map<Integer, FieldVector> byFieldId = ArrowSchemas.byFieldId(vectors.getFieldVectors());
            cachedColumns = declaredColumns.fields().stream()
                    .map(field -> ArrowSchemas.require(byFieldId, field))
                    .toList();
            cachedVectors = vectors;
        }
        BadRecordException fieldError = null;
        JsonToken first;
        JsonNode notAnObject = null;
        try (JsonParser parser = JsonParsing.MAPPER.createParser(value)) {
            first = parser.nextToken();
            if (first == JsonToken.START_OBJECT) {
                fieldError = JsonStreamWriter.writeObject(parser, fields, cachedColumns, row);
            }
            else if (first != null) {
                notAnObject = JsonParsing.MAPPER.readTree(parser);
            }
            if (parser.nextToken() != null) {
                throw new BadRecordException("trailing data after the JSON value");
            }
        }
        catch (IOException e) {
            throw new BadRecordException("not valid JSON: " + firstLine(e.getMessage()));
        }
        if (first == null) {
            throw new BadRecordException("expected a JSON object, found nothing");
        }
        if (notAnObject != null) {
            throw new BadRecordException("expected a JSON object, found " + notAnObject.getNodeType().name().toLowerCase(Locale.ROOT));
        }
        if (fieldError != null) {
            throw fieldError;
        }
    }

    private static String firstLine(String message)
    {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
