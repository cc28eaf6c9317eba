package io.freshet.ingest.schema;

import io.freshet.ingest.error.InvalidTablePropertyException;
import org.apache.iceberg.PartitionField;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdatePartitionSpec;
import org.apache.iceberg.expressions.Expressions;
import org.apache.iceberg.expressions.Term;
import org.apache.iceberg.transforms.Transform;
import org.apache.iceberg.transforms.Transforms;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types.NestedField;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code partitioning} table property, in the syntax of Trino's Iceberg connector: each entry is a column
 * ({@code country}), a transform of one ({@code year(ts)}, {@code month(ts)}, {@code day(ts)}, {@code hour(ts)},
 * {@code void(c)}) or a transform with a width ({@code bucket(id, 16)}, {@code truncate(sku, 4)}). Stored as the
 * table's Iceberg partition spec. Of the Kafka metadata columns, {@code _timestamp} can be partitioned by time and
 * {@code _partition_id} by value or bucket; the others are refused.
 */
public final class Partitioning
{
    private static final String IDENTIFIER = "([a-z_][a-z0-9_]*|\"(?:[^\"]|\"\")+\")";
    private static final Pattern COLUMN = Pattern.compile(IDENTIFIER);
    private static final Pattern TRANSFORM = Pattern.compile("(year|month|day|hour|void)\\(\\s*" + IDENTIFIER + "\\s*\\)");
    private static final Pattern TRANSFORM_WITH_WIDTH = Pattern.compile("(bucket|truncate)\\(\\s*" + IDENTIFIER + "\\s*,\\s*(\\d+)\\s*\\)");
    private static final Pattern SIMPLE_NAME = Pattern.compile("[a-z_][a-z0-9_]*");
    // how Iceberg spells transforms with a width
    private static final Pattern WIDTH = Pattern.compile("(bucket|truncate)\\[(\\d+)]");
    private static final String SYNTAX = "use column, year(column), month(column), day(column), hour(column), bucket(column, n), truncate(column, n) or void(column)";

    private Partitioning() {}

    /** One entry of the property: a transform of a source column. */
    public record Field(String column, String transform, int width)
    {
        Term term()
        {
            return switch (transform) {
                case "identity" -> Expressions.ref(column);
                case "year" -> Expressions.year(column);
                case "month" -> Expressions.month(column);
                case "day" -> Expressions.day(column);
                case "hour" -> Expressions.hour(column);
                case "bucket" -> Expressions.bucket(column, width);
                case "truncate" -> Expressions.truncate(column, width);
                default -> throw new IllegalStateException("not a term: " + transform);
            };
        }

        Transform<?, ?> icebergTransform()
        {
            return switch (transform) {
                case "identity" -> Transforms.identity();
                case "year" -> Transforms.year();
                case "month" -> Transforms.month();
                case "day" -> Transforms.day();
                case "hour" -> Transforms.hour();
                case "bucket" -> Transforms.bucket(width);
                case "truncate" -> Transforms.truncate(width);
                case "void" -> Transforms.alwaysNull();
                default -> throw new IllegalStateException("unknown transform " + transform);
            };
        }

        @Override
        public String toString()
        {
            String name = quoted(column);
            return switch (transform) {
                case "identity" -> name;
                case "bucket", "truncate" -> "%s(%s, %s)".formatted(transform, name, width);
                default -> "%s(%s)".formatted(transform, name);
            };
        }
    }

    /** The partition spec of {@code partitioning} over {@code schema}; fails naming the entry and the rule it breaks. */
    public static PartitionSpec toSpec(Schema schema, List<String> partitioning)
    {
        PartitionSpec.Builder builder = PartitionSpec.builderFor(schema);
        for (Field field : parse(schema, partitioning)) {
            switch (field.transform()) {
                case "identity" -> builder.identity(field.column());
                case "year" -> builder.year(field.column());
                case "month" -> builder.month(field.column());
                case "day" -> builder.day(field.column());
                case "hour" -> builder.hour(field.column());
                case "bucket" -> builder.bucket(field.column(), field.width());
                case "truncate" -> builder.truncate(field.column(), field.width());
                case "void" -> builder.alwaysNull(field.column());
                default -> throw new IllegalStateException("unknown transform " + field.transform());
            }
        }
        return builder.build();
    }

    /** The property's entries for a partition spec, as {@code SHOW CREATE TABLE} shows them. */
    public static List<String> toProperty(Schema schema, PartitionSpec spec)
    {
        List<String> entries = new ArrayList<>();
        for (PartitionField field : spec.fields()) {
            // a field dropped from the spec stays in it as void (format version 2): it partitions nothing
            if (!field.transform().isVoid()) {
                entries.add(entry(schema, field));
            }
        }
        return entries;
    }

    /**
     * Evolves the table's spec to {@code partitioning} in one commit: fields not wanted any more are removed (they
     * become void, as Iceberg does for format version 2), new ones added. Files written before keep their spec.
     */
    public static void update(Table table, List<String> partitioning)
    {
        Schema schema = table.schema();
        List<String> wanted = parse(schema, partitioning).stream()
                .filter(field -> !field.transform().equals("void"))
                .map(Field::toString)
                .toList();
        UpdatePartitionSpec update = table.updateSpec();
        Set<String> kept = new HashSet<>();
        for (PartitionField field : table.spec().fields()) {
            if (field.transform().isVoid()) {
                continue;
            }
            String entry = entry(schema, field);
            if (wanted.contains(entry)) {
                kept.add(entry);
            }
            else {
                update.removeField(field.name());
            }
        }
        for (Field field : parse(schema, partitioning)) {
            if (!field.transform().equals("void") && !kept.contains(field.toString())) {
                update.addField(field.term());
            }
        }
        update.commit();
    }

    private static String entry(Schema schema, PartitionField field)
    {
        String column = schema.findColumnName(field.sourceId());
        Matcher width = WIDTH.matcher(field.transform().toString());
        return width.matches()
                ? new Field(column, width.group(1), Integer.parseInt(width.group(2))).toString()
                : new Field(column, field.transform().toString(), 0).toString();
    }

    static List<Field> parse(Schema schema, List<String> partitioning)
    {
        List<Field> fields = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (String entry : partitioning) {
            Field field = validate(schema, parseEntry(entry.trim()), entry);
            if (!seen.add(field.toString())) {
                throw new InvalidTablePropertyException("Partitioning entry '%s' appears twice".formatted(entry));
            }
            fields.add(field);
        }
        return fields;
    }

    private static Field parseEntry(String entry)
    {
        String text = entry.toLowerCase(Locale.ROOT);
        Matcher matcher = COLUMN.matcher(text);
        if (matcher.matches()) {
            return new Field(unquoted(matcher.group(1)), "identity", 0);
        }
        matcher = TRANSFORM.matcher(text);
        if (matcher.matches()) {
            return new Field(unquoted(matcher.group(2)), matcher.group(1), 0);
        }
        matcher = TRANSFORM_WITH_WIDTH.matcher(text);
        if (matcher.matches()) {
            int width;
            try {
                width = Integer.parseInt(matcher.group(3));
            }
            catch (NumberFormatException e) {
                width = 0;
            }
            if (width <= 0) {
                throw new InvalidTablePropertyException("Invalid partitioning '%s': the %s width must be a positive integer".formatted(entry, matcher.group(1)));
            }
            return new Field(unquoted(matcher.group(2)), matcher.group(1), width);
        }
        throw new InvalidTablePropertyException("Invalid partitioning '%s': %s".formatted(entry, SYNTAX));
    }

    /** The field with the column's name as the schema spells it, or an error naming the entry and the rule. */
    private static Field validate(Schema schema, Field field, String entry)
    {
        NestedField column = schema.caseInsensitiveFindField(field.column());
        boolean topLevel = column != null && schema.columns().stream().anyMatch(candidate -> candidate.fieldId() == column.fieldId());
        if (!topLevel) {
            throw new InvalidTablePropertyException("Invalid partitioning '%s': column %s does not exist (partition by top-level columns of the table)".formatted(entry, field.column()));
        }
        String name = column.name();
        switch (name) {
            case KafkaMetadataColumns.TIMESTAMP -> {
                if (!Set.of("year", "month", "day", "hour").contains(field.transform())) {
                    throw new InvalidTablePropertyException("Invalid partitioning '%s': column %s can be partitioned by year, month, day or hour only".formatted(entry, name));
                }
            }
            case KafkaMetadataColumns.PARTITION_ID -> {
                if (!Set.of("identity", "bucket").contains(field.transform())) {
                    throw new InvalidTablePropertyException("Invalid partitioning '%s': column %s can be partitioned by its value or bucket(%s, n) only".formatted(entry, name, name));
                }
            }
            case KafkaMetadataColumns.PARTITION_OFFSET, KafkaMetadataColumns.KEY, KafkaMetadataColumns.HEADERS ->
                    throw new InvalidTablePropertyException(("Invalid partitioning '%s': Kafka metadata column %s cannot be partitioned; "
                            + "partition by _timestamp (year, month, day, hour), _partition_id or declared columns").formatted(entry, name));
            default -> {}
        }
        Type type = column.type();
        if (!type.isPrimitiveType()) {
            throw new InvalidTablePropertyException("Invalid partitioning '%s': column %s of type %s is not a primitive column".formatted(entry, name, type));
        }
        if (!field.transform().equals("void") && !field.icebergTransform().canTransform(type)) {
            throw new InvalidTablePropertyException("Invalid partitioning '%s': %s cannot be applied to column %s of type %s".formatted(entry, field.transform(), name, type));
        }
        return new Field(name, field.transform(), field.width());
    }

    private static String unquoted(String identifier)
    {
        if (identifier.startsWith("\"")) {
            return identifier.substring(1, identifier.length() - 1).replace("\"\"", "\"");
        }
        return identifier;
    }

    private static String quoted(String column)
    {
        return SIMPLE_NAME.matcher(column).matches() ? column : "\"" + column.replace("\"", "\"\"") + "\"";
    }
}
