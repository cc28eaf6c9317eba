package io.freshet.ingest.decoding;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import org.apache.arrow.vector.FieldVector;
import org.apache.arrow.vector.VectorSchemaRoot;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;

import java.io.IOException;
import java.util.List;

/**
 * The decoder as it was before values were streamed: a JSON tree per record. The reference that the streaming
 * decoder must agree with, record by record and message by message.
 *
 * JSON object per record value, fields matched to columns by name (case-insensitively, as Trino folds
 * column names). Unknown fields are ignored, missing fields are null.
 */
public final class TreeJsonRecordDecoder
        implements RecordDecoder
{
    private static final ObjectMapper MAPPER = JsonMapper.builder()
            .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
            .enable(JsonReadFeature.ALLOW_NON_NUMERIC_NUMBERS)
            .build();

    private final Types.StructType declaredColumns;
    private VectorSchemaRoot cachedVectors;
    private List<FieldVector> cachedColumns;

    public TreeJsonRecordDecoder(Schema schema)
    {
        List<NestedField> declared = schema.columns().stream()
                .filter(column -> !KafkaMetadataColumns.isMetadataColumn(column.name()))
                .toList();
        this.declaredColumns = Types.StructType.of(declared);
    }

    @Override
    public void decode(byte[] value, VectorSchemaRoot vectors, int row)
            throws BadRecordException
    {
        if (value == null) {
            throw new BadRecordException("record has no value (tombstone)");
        }
        JsonNode node;
        try (JsonParser parser = MAPPER.createParser(value)) {
            node = MAPPER.readTree(parser);
            if (parser.nextToken() != null) {
                throw new BadRecordException("trailing data after the JSON value");
            }
        }
        catch (IOException e) {
            throw new BadRecordException("not valid JSON: " + firstLine(e.getMessage()));
        }
        if (node == null || !node.isObject()) {
            throw new BadRecordException("expected a JSON object, found " + (node == null ? "nothing" : node.getNodeType().name().toLowerCase(java.util.Locale.ROOT)));
        }
        if (vectors != cachedVectors) {
            // a builder fills one set of vectors for many rows: look the columns up once per set
            cachedColumns = declaredColumns.fields().stream()
                    .map(field -> vectors.getVector(field.name()))
                    .toList();
            cachedVectors = vectors;
        }
        JsonValueWriter.writeFields(cachedColumns, declaredColumns, row, node);
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
