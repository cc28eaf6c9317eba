package io.freshet.trino.reader.parquet;

import com.google.common.collect.ImmutableList;
import io.trino.parquet.Field;
import io.trino.parquet.GroupField;
import io.trino.parquet.PrimitiveField;
import io.trino.spi.predicate.Domain;
import io.trino.spi.predicate.TupleDomain;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.MapType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import org.apache.parquet.column.ColumnDescriptor;
import org.apache.parquet.io.ColumnIO;
import org.apache.parquet.io.GroupColumnIO;
import org.apache.parquet.io.PrimitiveColumnIO;
import org.apache.parquet.schema.MessageType;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static io.trino.parquet.ParquetTypeUtils.getArrayElementColumn;
import static io.trino.parquet.ParquetTypeUtils.getMapKeyValueColumn;
import static io.trino.parquet.ParquetTypeUtils.lookupColumnById;
import static io.trino.parquet.ParquetTypeUtils.lookupColumnByName;
import static org.apache.parquet.schema.Type.Repetition.OPTIONAL;

/**
 * Matches the columns a query reads to the columns of a Parquet data file by Iceberg field id: the reader's view of
 * each column, and the file's primitive columns whose statistics a predicate can prune with.
 */
final class ParquetColumnMatching
{
    private ParquetColumnMatching() {}

    /**
     * Builds the reader's view of a column: a tree of Parquet column IOs matched to the Trino type, by field
     * id where the caller supplied nested ids. Empty when nothing of the column is in the file.
     */
    static Optional<Field> constructField(Type type, List<ParquetReadColumn> children, ColumnIO columnIO)
    {
        if (columnIO == null) {
            return Optional.empty();
        }
        boolean required = columnIO.getType().getRepetition() != OPTIONAL;
        int repetitionLevel = columnIO.getRepetitionLevel();
        int definitionLevel = columnIO.getDefinitionLevel();
        if (type instanceof RowType || type instanceof ArrayType || type instanceof MapType) {
            if (!(columnIO instanceof GroupColumnIO groupColumnIO)) {
                // the file stores a primitive where a nested value is expected: it cannot be read as this type
                return Optional.empty();
            }
            return switch (type) {
                case RowType rowType -> constructStructField(rowType, children, groupColumnIO, repetitionLevel, definitionLevel, required);
                case ArrayType arrayType -> {
                    if (groupColumnIO.getChildrenCount() != 1) {
                        yield Optional.empty();
                    }
                    Optional<Field> element = constructField(arrayType.getElementType(), nestedChildren(children, 0), getArrayElementColumn(groupColumnIO.getChild(0)));
                    yield Optional.of(new GroupField(type, repetitionLevel, definitionLevel, required, ImmutableList.of(element)));
                }
                case MapType mapType -> {
                    GroupColumnIO keyValueColumnIO = getMapKeyValueColumn(groupColumnIO);
                    if (keyValueColumnIO.getChildrenCount() != 2) {
                        yield Optional.empty();
                    }
                    Optional<Field> key = constructField(mapType.getKeyType(), nestedChildren(children, 0), keyValueColumnIO.getChild(0));
                    Optional<Field> value = constructField(mapType.getValueType(), nestedChildren(children, 1), keyValueColumnIO.getChild(1));
                    if (key.isEmpty()) {
                        yield Optional.empty();
                    }
                    yield Optional.of(new GroupField(type, repetitionLevel, definitionLevel, required, ImmutableList.of(key, value)));
                }
                default -> throw new IllegalStateException("Unexpected nested type: " + type);
            };
        }
        if (!(columnIO instanceof PrimitiveColumnIO primitiveColumnIO)) {
            return Optional.empty();
        }
        return Optional.of(new PrimitiveField(type, required, primitiveColumnIO.getColumnDescriptor(), primitiveColumnIO.getId()));
    }

    private static Optional<Field> constructStructField(RowType rowType, List<ParquetReadColumn> children, GroupColumnIO groupColumnIO, int repetitionLevel, int definitionLevel, boolean required)
    {
        List<RowType.Field> rowFields = rowType.getFields();
        ImmutableList.Builder<Optional<Field>> fields = ImmutableList.builderWithExpectedSize(rowFields.size());
        boolean anyFieldInFile = false;
        for (int index = 0; index < rowFields.size(); index++) {
            RowType.Field rowField = rowFields.get(index);
            ColumnIO fieldColumnIO;
            if (children.isEmpty()) {
                fieldColumnIO = rowField.getName().map(name -> lookupColumnByName(groupColumnIO, name)).orElse(null);
            }
            else {
                fieldColumnIO = lookupColumnById(groupColumnIO, children.get(index).fieldId());
            }
            Optional<Field> field = constructField(rowField.getType(), nestedChildren(children, index), fieldColumnIO);
            anyFieldInFile |= field.isPresent();
            fields.add(field);
        }
        if (!anyFieldInFile) {
            // the reader needs at least one field to know where the struct's values are; none means all nulls
            return Optional.empty();
        }
        return Optional.of(new GroupField(rowType, repetitionLevel, definitionLevel, required, fields.build()));
    }

    private static List<ParquetReadColumn> nestedChildren(List<ParquetReadColumn> children, int index)
    {
        return children.isEmpty() ? ImmutableList.of() : children.get(index).children();
    }

    /**
     * Maps the predicate to the file's primitive columns by field id. Nested and repeated columns are skipped:
     * Parquet keeps statistics for primitives only, and those of a repeated column describe its elements.
     */
    static TupleDomain<ColumnDescriptor> toParquetTupleDomain(MessageType fileSchema, TupleDomain<ParquetReadColumn> effectivePredicate)
    {
        if (effectivePredicate.isAll()) {
            return TupleDomain.all();
        }
        Map<Integer, ColumnDescriptor> descriptorsById = new HashMap<>();
        for (ColumnDescriptor descriptor : fileSchema.getColumns()) {
            org.apache.parquet.schema.Type.ID id = descriptor.getPrimitiveType().getId();
            if (id != null && descriptor.getMaxRepetitionLevel() == 0) {
                descriptorsById.putIfAbsent(id.intValue(), descriptor);
            }
        }
        Map<ColumnDescriptor, Domain> domains = new HashMap<>();
        effectivePredicate.getDomains().orElseThrow().forEach((column, domain) -> {
            if (column.type() instanceof RowType || column.type() instanceof ArrayType || column.type() instanceof MapType) {
                return;
            }
            ColumnDescriptor descriptor = descriptorsById.get(column.fieldId());
            if (descriptor != null) {
                // a field given twice (say under two names) must satisfy both domains
                domains.merge(descriptor, domain, Domain::intersect);
            }
        });
        return TupleDomain.withColumnDomains(domains);
    }
}
