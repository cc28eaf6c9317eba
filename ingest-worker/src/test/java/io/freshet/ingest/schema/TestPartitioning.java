package io.freshet.ingest.schema;

import io.freshet.ingest.error.InvalidTablePropertyException;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Types;
import org.apache.iceberg.types.Types.NestedField;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class TestPartitioning
{
    private static final Schema SCHEMA = KafkaMetadataColumns.withMetadataColumns(List.of(
            NestedField.optional(1, "id", Types.LongType.get()),
            NestedField.optional(2, "ts", Types.TimestampType.withZone()),
            NestedField.optional(3, "country", Types.StringType.get()),
            NestedField.optional(4, "day", Types.DateType.get()),
            NestedField.optional(5, "amount", Types.DecimalType.of(10, 2)),
            NestedField.optional(6, "My Column", Types.IntegerType.get()),
            NestedField.optional(7, "tags", Types.ListType.ofOptional(8, Types.StringType.get()))));

    @Test
    void everyTransformRoundTripsThroughTheSpec()
    {
        List<String> partitioning = List.of("day(ts)", "bucket(id, 16)", "country", "truncate(amount, 4)", "month(day)", "\"my column\"", "hour(_timestamp)", "_partition_id");
        PartitionSpec spec = Partitioning.toSpec(SCHEMA, partitioning);
        assertThat(spec.fields()).hasSize(8);
        assertThat(spec.fields().get(0).transform().toString()).isEqualTo("day");
        assertThat(spec.fields().get(1).transform().toString()).isEqualTo("bucket[16]");
        assertThat(Partitioning.toProperty(SCHEMA, spec)).containsExactly(
                "day(ts)", "bucket(id, 16)", "country", "truncate(amount, 4)", "month(day)", "\"My Column\"", "hour(_timestamp)", "_partition_id");
        // the syntax tolerates case and blanks as Trino's Iceberg connector does
        assertThat(Partitioning.toProperty(SCHEMA, Partitioning.toSpec(SCHEMA, List.of("YEAR(ts)", "bucket( id ,4 )")))).containsExactly("year(ts)", "bucket(id, 4)");
        assertThat(Partitioning.toSpec(SCHEMA, List.of()).isUnpartitioned()).isTrue();
    }

    @Test
    void badEntriesNameTheEntryAndTheRule()
    {
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("week(ts)"))).isInstanceOf(InvalidTablePropertyException.class).hasMessage(
                "Invalid partitioning 'week(ts)': use column, year(column), month(column), day(column), hour(column), bucket(column, n), truncate(column, n) or void(column)");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("day(ts"))).hasMessageStartingWith("Invalid partitioning 'day(ts': use column");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("nothing"))).hasMessageContaining("column nothing does not exist");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("bucket(id, 0)"))).hasMessageContaining("the bucket width must be a positive integer");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("truncate(id, 99999999999)"))).hasMessageContaining("the truncate width must be a positive integer");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("hour(day)"))).hasMessageContaining("hour cannot be applied to column day of type date");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("tags"))).hasMessageContaining("column tags of type list<string> is not a primitive column");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("_partition_offset"))).hasMessageContaining("Kafka metadata column _partition_offset cannot be partitioned");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("bucket(_key, 4)"))).hasMessageContaining("Kafka metadata column _key cannot be partitioned");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("_timestamp"))).hasMessageContaining("_timestamp can be partitioned by year, month, day or hour only");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("day(_partition_id)"))).hasMessageContaining("_partition_id can be partitioned by its value or bucket(_partition_id, n) only");
        assertThatThrownBy(() -> Partitioning.toSpec(SCHEMA, List.of("day(ts)", "day(ts)"))).hasMessageContaining("'day(ts)' appears twice");
    }
}
