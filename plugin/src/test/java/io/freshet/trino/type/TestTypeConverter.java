package io.freshet.trino.type;

import io.trino.spi.TrinoException;
import io.trino.spi.connector.ColumnMetadata;
import io.trino.spi.type.ArrayType;
import io.trino.spi.type.RowType;
import io.trino.spi.type.Type;
import io.trino.spi.type.TypeManager;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.trino.spi.StandardErrorCode.NOT_SUPPORTED;
import static io.trino.spi.type.BigintType.BIGINT;
import static io.trino.spi.type.BooleanType.BOOLEAN;
import static io.trino.spi.type.CharType.createCharType;
import static io.trino.spi.type.DateType.DATE;
import static io.trino.spi.type.DecimalType.createDecimalType;
import static io.trino.spi.type.DoubleType.DOUBLE;
import static io.trino.spi.type.IntegerType.INTEGER;
import static io.trino.spi.type.RealType.REAL;
import static io.trino.spi.type.SmallintType.SMALLINT;
import static io.trino.spi.type.TimeType.TIME_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MICROS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_MILLIS;
import static io.trino.spi.type.TimestampType.TIMESTAMP_NANOS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MICROS;
import static io.trino.spi.type.TimestampWithTimeZoneType.TIMESTAMP_TZ_MILLIS;
import static io.trino.spi.type.VarbinaryType.VARBINARY;
import static io.trino.spi.type.VarcharType.VARCHAR;
import static io.trino.spi.type.VarcharType.createVarcharType;
import static io.trino.type.InternalTypeManager.TESTING_TYPE_MANAGER;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestTypeConverter
{
    private static final TypeManager TYPES = TESTING_TYPE_MANAGER;

    @Test
    void icebergPrimitivesToTrino()
    {
        assertThat(toTrino(Types.BooleanType.get())).isEqualTo(BOOLEAN);
        assertThat(toTrino(Types.IntegerType.get())).isEqualTo(INTEGER);
        assertThat(toTrino(Types.LongType.get())).isEqualTo(BIGINT);
        assertThat(toTrino(Types.FloatType.get())).isEqualTo(REAL);
        assertThat(toTrino(Types.DoubleType.get())).isEqualTo(DOUBLE);
        assertThat(toTrino(Types.DecimalType.of(10, 2))).isEqualTo(createDecimalType(10, 2));
        assertThat(toTrino(Types.DecimalType.of(38, 0))).isEqualTo(createDecimalType(38, 0));
        assertThat(toTrino(Types.StringType.get())).isEqualTo(VARCHAR);
        assertThat(toTrino(Types.BinaryType.get())).isEqualTo(VARBINARY);
        assertThat(toTrino(Types.FixedType.ofLength(16))).isEqualTo(VARBINARY);
        assertThat(toTrino(Types.DateType.get())).isEqualTo(DATE);
        assertThat(toTrino(Types.TimestampType.withoutZone())).isEqualTo(TIMESTAMP_MICROS);
        assertThat(toTrino(Types.TimestampType.withZone())).isEqualTo(TIMESTAMP_TZ_MICROS);
    }

    @Test
    void icebergNestedToTrino()
    {
        Types.StructType address = Types.StructType.of(
                NestedField.optional(2, "city", Types.StringType.get()),
                NestedField.required(3, "zip", Types.IntegerType.get()));
        Type trino = toTrino(Types.ListType.ofOptional(1, Types.MapType.ofOptional(4, 5, Types.StringType.get(), address)));

        assertThat(trino).isEqualTo(new ArrayType(TYPES.getType(
                io.trino.spi.type.TypeSignature.mapType(VARCHAR.getTypeSignature(), RowType.from(List.of(
                        RowType.field("city", VARCHAR),
                        RowType.field("zip", INTEGER))).getTypeSignature()))));
        assertThat(trino.getDisplayName()).isEqualTo("array(map(varchar, row(city varchar, zip integer)))");
    }

    @Test
    void unsupportedIcebergTypes()
    {
        assertUnsupported(() -> toTrino(Types.TimeType.get()), "Iceberg type time is not supported by Freshet");
        assertUnsupported(() -> toTrino(Types.UUIDType.get()), "Iceberg type uuid is not supported by Freshet");
        assertUnsupported(() -> toTrino(Types.TimestampNanoType.withZone()), "Iceberg type timestamptz_ns is not supported by Freshet");
        // inside a nested type too
        assertUnsupported(() -> toTrino(Types.ListType.ofOptional(1, Types.TimeType.get())), "Iceberg type time is not supported by Freshet");
    }

    @Test
    void trinoPrimitivesToIceberg()
    {
        List<NestedField> fields = TypeConverter.toIcebergColumns(List.of(
                column("flag", BOOLEAN),
                column("quantity", INTEGER),
                column("id", BIGINT),
                column("ratio", REAL),
                column("price", DOUBLE),
                column("amount", createDecimalType(12, 3)),
                column("customer", VARCHAR),
                column("payload", VARBINARY),
                column("day", DATE),
                column("placed", TIMESTAMP_MICROS),
                column("created", TIMESTAMP_TZ_MICROS)));

        assertThat(new Schema(fields).asStruct()).isEqualTo(Types.StructType.of(
                NestedField.optional(1, "flag", Types.BooleanType.get()),
                NestedField.optional(2, "quantity", Types.IntegerType.get()),
                NestedField.optional(3, "id", Types.LongType.get()),
                NestedField.optional(4, "ratio", Types.FloatType.get()),
                NestedField.optional(5, "price", Types.DoubleType.get()),
                NestedField.optional(6, "amount", Types.DecimalType.of(12, 3)),
                NestedField.optional(7, "customer", Types.StringType.get()),
                NestedField.optional(8, "payload", Types.BinaryType.get()),
                NestedField.optional(9, "day", Types.DateType.get()),
                NestedField.optional(10, "placed", Types.TimestampType.withoutZone()),
                NestedField.optional(11, "created", Types.TimestampType.withZone())));
    }

    @Test
    void trinoNullabilityAndCommentsToIceberg()
    {
        List<NestedField> fields = TypeConverter.toIcebergColumns(List.of(
                ColumnMetadata.builder().setName("id").setType(BIGINT).setNullable(false).setComment(java.util.Optional.of("the order id")).build(),
                column("note", VARCHAR)));

        assertThat(fields.get(0).isRequired()).isTrue();
        assertThat(fields.get(0).doc()).isEqualTo("the order id");
        assertThat(fields.get(1).isOptional()).isTrue();
        assertThat(fields.get(1).doc()).isNull();
    }

    @Test
    void trinoNestedToIcebergWithDistinctFieldIds()
    {
        Type map = TYPES.getType(io.trino.spi.type.TypeSignature.mapType(VARCHAR.getTypeSignature(), BIGINT.getTypeSignature()));
        RowType line = RowType.from(List.of(RowType.field("sku", VARCHAR), RowType.field("count", INTEGER)));
        List<NestedField> fields = TypeConverter.toIcebergColumns(List.of(
                column("tags", new ArrayType(VARCHAR)),
                column("attributes", map),
                column("lines", new ArrayType(line)),
                column("id", BIGINT)));

        assertThat(Types.StructType.of(fields)).isEqualTo(Types.StructType.of(
                NestedField.optional(1, "tags", Types.ListType.ofOptional(2, Types.StringType.get())),
                NestedField.optional(3, "attributes", Types.MapType.ofOptional(4, 5, Types.StringType.get(), Types.LongType.get())),
                NestedField.optional(6, "lines", Types.ListType.ofOptional(7, Types.StructType.of(
                        NestedField.optional(8, "sku", Types.StringType.get()),
                        NestedField.optional(9, "count", Types.IntegerType.get())))),
                NestedField.optional(10, "id", Types.LongType.get())));
        // a schema rejects duplicate ids, so this also proves they are distinct
        assertThat(new Schema(fields).findField(9).name()).isEqualTo("count");
    }

    @Test
    void roundTrip()
    {
        Type map = TYPES.getType(io.trino.spi.type.TypeSignature.mapType(VARCHAR.getTypeSignature(), new ArrayType(DOUBLE).getTypeSignature()));
        List<Type> types = List.of(BOOLEAN, INTEGER, BIGINT, REAL, DOUBLE, createDecimalType(5, 1), createDecimalType(30, 10), VARCHAR, VARBINARY, DATE,
                TIMESTAMP_MICROS, TIMESTAMP_TZ_MICROS, new ArrayType(new ArrayType(BIGINT)), map,
                RowType.from(List.of(RowType.field("a", DATE), RowType.field("b", RowType.from(List.of(RowType.field("c", TIMESTAMP_TZ_MICROS)))))));
        for (Type type : types) {
            NestedField field = TypeConverter.toIcebergColumns(List.of(column("c", type))).getFirst();
            assertThat(toTrino(field.type())).as(type.getDisplayName()).isEqualTo(type);
        }
    }

    @Test
    void unsupportedTrinoTypes()
    {
        assertUnsupported(() -> toIceberg(createVarcharType(10)), "Type varchar(10) is not supported: use varchar without a length");
        assertUnsupported(() -> toIceberg(TIMESTAMP_MILLIS), "Type timestamp(3) is not supported: use timestamp(6)");
        assertUnsupported(() -> toIceberg(TIMESTAMP_NANOS), "Type timestamp(9) is not supported: use timestamp(6)");
        assertUnsupported(() -> toIceberg(TIMESTAMP_TZ_MILLIS), "Type timestamp(3) with time zone is not supported: use timestamp(6) with time zone");
        assertUnsupported(() -> toIceberg(RowType.anonymous(List.of(BIGINT))), "Row fields must have names: row(bigint)");
        String supported = " is not supported by Freshet; use boolean, integer, bigint, real, double, decimal, varchar, varbinary, date, timestamp(6), "
                + "timestamp(6) with time zone, array, map or row";
        assertUnsupported(() -> toIceberg(SMALLINT), "Type smallint" + supported);
        assertUnsupported(() -> toIceberg(createCharType(3)), "Type char(3)" + supported);
        assertUnsupported(() -> toIceberg(TIME_MICROS), "Type time(6)" + supported);
        // inside a nested type too
        assertUnsupported(() -> toIceberg(new ArrayType(createVarcharType(5))), "Type varchar(5) is not supported: use varchar without a length");
    }

    private static Type toTrino(org.apache.iceberg.types.Type type)
    {
        return TypeConverter.toTrinoType(type, TYPES);
    }

    private static void toIceberg(Type type)
    {
        TypeConverter.toIcebergColumns(List.of(column("c", type)));
    }

    private static ColumnMetadata column(String name, Type type)
    {
        return new ColumnMetadata(name, type);
    }

    private static void assertUnsupported(org.assertj.core.api.ThrowableAssert.ThrowingCallable call, String message)
    {
        assertThatThrownBy(call)
                .isInstanceOfSatisfying(TrinoException.class, e -> assertThat(e.getErrorCode()).isEqualTo(NOT_SUPPORTED.toErrorCode()))
                .hasMessage(message);
    }
}
