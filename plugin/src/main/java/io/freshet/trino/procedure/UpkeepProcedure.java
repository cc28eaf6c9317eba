package io.freshet.trino.procedure;

import io.trino.spi.connector.TableProcedureMetadata;
import io.trino.spi.session.PropertyMetadata;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

import static io.trino.spi.connector.TableProcedureExecutionMode.coordinatorOnly;
import static io.trino.spi.session.PropertyMetadata.integerProperty;
import static io.trino.spi.session.PropertyMetadata.stringProperty;

/**
 * The table procedures of {@code ALTER TABLE ... EXECUTE}, named as in Trino's Iceberg connector. They run
 * on the coordinator, which ingests the table and so knows the snapshots queries read.
 */
public enum UpkeepProcedure
{
    OPTIMIZE(List.of(stringProperty("file_size_threshold", "Target size of the rewritten files, such as 128MB", null, false))),
    EXPIRE_SNAPSHOTS(List.of(
            stringProperty("retention_threshold", "Keep snapshots younger than this, such as 24h", null, false),
            integerProperty("retain_last", "Keep at least this many snapshots", null, false))),
    REMOVE_ORPHAN_FILES(List.of(stringProperty("retention_threshold", "Keep unreferenced files younger than this (at least 1h)", null, false)));

    private final List<PropertyMetadata<?>> properties;

    UpkeepProcedure(List<PropertyMetadata<?>> properties)
    {
        this.properties = properties;
    }

    public TableProcedureMetadata metadata()
    {
        return new TableProcedureMetadata(name(), coordinatorOnly(), properties);
    }

    public static Optional<UpkeepProcedure> fromName(String name)
    {
        return Arrays.stream(values()).filter(procedure -> procedure.name().equals(name.toUpperCase(Locale.ROOT))).findFirst();
    }
}
