package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableList;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import org.apache.iceberg.types.Types;

import java.util.List;

import static com.google.common.base.Preconditions.checkArgument;
import static com.google.common.collect.ImmutableList.toImmutableList;
import static java.util.Objects.requireNonNull;

/**
 * A column to read from an Iceberg Parquet data file, found in the file by its Iceberg field id.
 * <p>
 * {@code children} carries the field ids of nested fields so that struct fields are matched by id as well:
 * one child per {@link RowType} field (in order), one for the {@link ArrayType} element, two (key, value)
 * for a {@link MapType}, none for a primitive. When it is empty for a nested type, struct fields are matched
 * by name instead (case-insensitively, since Trino's footer reader lower-cases Parquet names).
 */
public record ParquetReadColumn(int fieldId, String name, Type type, List<ParquetReadColumn> children)
{
    public ParquetReadColumn
    {
        requireNonNull(name, "name is null");
        requireNonNull(type, "type is null");
        children = ImmutableList.copyOf(requireNonNull(children, "children is null"));
        checkArgument(children.isEmpty() || children.stream().map(ParquetReadColumn::type).toList().equals(nestedTypes(type)),
                "Children of column %s do not match its type %s: %s", name, type, children);
    }

    public ParquetReadColumn(int fieldId, String name, Type type)
    {
        this(fieldId, name, type, ImmutableList.of());
    }

    /**
     * Describes an Iceberg field with all its nested field ids. {@code type} is the Trino type of the field, which
     * must have the same shape as the Iceberg type (struct fields in the same order).
     */
    public static ParquetReadColumn fromIceberg(Types.NestedField field, Type type)
    {
        requireNonNull(field, "field is null");
        requireNonNull(type, "type is null");
        org.apache.iceberg.types.Type icebergType = field.type();
        List<Types.NestedField> nestedFields = icebergType.isNestedType() ? icebergType.asNestedType().fields() : List.of();
        List<Type> nestedTypes = nestedTypes(type);
        checkArgument(nestedFields.size() == nestedTypes.size(), "Iceberg field %s does not have the shape of %s", field, type);
        ImmutableList.Builder<ParquetReadColumn> children = ImmutableList.builder();
        for (int index = 0; index < nestedFields.size(); index++) {
            children.add(fromIceberg(nestedFields.get(index), nestedTypes.get(index)));
        }
        return new ParquetReadColumn(field.fieldId(), field.name(), type, children.build());
    }

    private static List<Type> nestedTypes(Type type)
    {
        return switch (type) {
            case RowType rowType -> rowType.getFields().stream().map(RowType.Field::getType).collect(toImmutableList());
            case ArrayType arrayType -> ImmutableList.of(arrayType.getElementType());
            case MapType mapType -> ImmutableList.of(mapType.getKeyType(), mapType.getValueType());
            default -> ImmutableList.of();
        };
    }
}
