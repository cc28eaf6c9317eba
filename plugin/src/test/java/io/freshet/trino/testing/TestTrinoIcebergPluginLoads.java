package io.freshet.trino.testing;

import io.freshet.ingest.catalog.LocalFileIO;
import io.trino.server.PluginClassLoader;
import io.trino.spi.Plugin;
import io.trino.testing.DistributedQueryRunner;
import io.trino.testing.MaterializedRow;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.data.GenericRecord;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.data.parquet.GenericParquetWriter;
import org.apache.iceberg.io.DataWriter;
import org.apache.iceberg.jdbc.JdbcCatalog;
import org.apache.iceberg.parquet.Parquet;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static io.freshet.trino.testing.TestingTrinoPlugins.ICEBERG;
import static io.trino.testing.TestingSession.testSessionBuilder;
import static org.apache.iceberg.types.Types.NestedField.optional;
import static org.apache.iceberg.types.Types.NestedField.required;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Trino's own Iceberg connector, loaded from its plugin zip in an isolated class loader, reads a table that the
 * Iceberg Java API wrote through a JDBC (SQLite) catalog: the harness that proves Freshet's tables are standard Iceberg.
 */
class TestTrinoIcebergPluginLoads
{
    private static final Schema SCHEMA = new Schema(
            required(1, "id", Types.LongType.get()),
            optional(2, "name", Types.StringType.get()),
            optional(3, "amount", Types.DoubleType.get()));

    @TempDir
    Path directory;

    @Test
    void pluginIsIsolatedAsOnTheServer()
            throws Exception
    {
        ClassLoader pluginClassLoader = TestingTrinoPlugins.loadPlugin(TestingTrinoPlugins.pluginDirectory(ICEBERG)).getClass().getClassLoader();

        assertThat(pluginClassLoader).isInstanceOf(PluginClassLoader.class);
        // the engine's SPI is shared, so handles and pages cross the boundary
        assertThat(pluginClassLoader.loadClass(Plugin.class.getName())).isSameAs(Plugin.class);
        // everything else is the plugin's own copy: its Iceberg never meets the one Freshet writes with
        assertThat(pluginClassLoader.loadClass(Table.class.getName())).isNotSameAs(Table.class);
    }

    @Test
    void trinoIcebergConnectorReadsTableWrittenByIcebergJavaApi()
            throws Exception
    {
        List<List<Object>> rows = List.of(
                Arrays.asList(1L, "alpha", 1.5),
                Arrays.asList(2L, null, -2.25),
                Arrays.asList(3L, "gamma", null));

        String tableLocation;
        try (JdbcCatalog catalog = sqliteCatalog()) {
            Namespace namespace = Namespace.of("ingest");
            catalog.createNamespace(namespace, Map.of());
            Table table = catalog.createTable(TableIdentifier.of(namespace, "events"), SCHEMA, PartitionSpec.unpartitioned());
            appendRows(table, rows);
            tableLocation = table.location();
        }
        // Trino compares the given location with the one in the metadata JSON, so it must be spelled the same (file:///…)
        assertThat(tableLocation).startsWith("file:///");

        try (DistributedQueryRunner queryRunner = DistributedQueryRunner.builder(testSessionBuilder().build()).setWorkerCount(0).build()) {
            TestingTrinoPlugins.installPlugin(queryRunner, ICEBERG);
            queryRunner.createCatalog("iceberg", "iceberg", icebergCatalogProperties(directory.resolve("trino-metastore")));

            queryRunner.execute("CREATE SCHEMA iceberg.ingest");
            queryRunner.execute("CALL iceberg.system.register_table(schema_name => 'ingest', table_name => 'events', table_location => '%s')".formatted(tableLocation));

            List<List<Object>> read = queryRunner.execute("SELECT id, name, amount FROM iceberg.ingest.events").getMaterializedRows().stream()
                    .map(MaterializedRow::getFields)
                    .toList();
            assertThat(read).containsExactlyInAnyOrderElementsOf(rows);
        }
    }

    /** Catalog properties for Trino's Iceberg connector to read and register tables on the local disk. */
    private static Map<String, String> icebergCatalogProperties(Path metastoreDirectory)
    {
        return Map.of(
                // Iceberg's file-backed Hive metastore: runs standalone, no Thrift service or database driver needed
                "iceberg.catalog.type", "TESTING_FILE_METASTORE",
                "hive.metastore.catalog.dir", metastoreDirectory.toUri().toString(),
                // the plugin zip has no Hadoop file system; the native local one maps file:///x to <local.location>/x
                "fs.native-local.enabled", "true",
                "local.location", "/",
                "iceberg.register-table-procedure.enabled", "true");
    }

    private JdbcCatalog sqliteCatalog()
    {
        JdbcCatalog catalog = new JdbcCatalog();
        catalog.initialize("freshet", Map.of(
                CatalogProperties.URI, "jdbc:sqlite:" + directory.resolve("catalog.db"),
                CatalogProperties.WAREHOUSE_LOCATION, directory.resolve("warehouse").toUri().toString(),
                // Hadoop's file system throws on JDK 25; this FileIO uses java.nio only
                CatalogProperties.FILE_IO_IMPL, LocalFileIO.class.getName(),
                "jdbc.schema-version", "V1"));
        return catalog;
    }

    private static void appendRows(Table table, List<List<Object>> rows)
            throws IOException
    {
        DataWriter<Record> writer = Parquet.writeData(table.io().newOutputFile(table.locationProvider().newDataLocation("rows.parquet")))
                .schema(table.schema())
                .withSpec(table.spec())
                .createWriterFunc(GenericParquetWriter::create)
                .build();
        try (writer) {
            for (List<Object> row : rows) {
                Record record = GenericRecord.create(table.schema());
                for (int field = 0; field < row.size(); field++) {
                    record.set(field, row.get(field));
                }
                writer.write(record);
            }
        }
        table.newAppend().appendFile(writer.toDataFile()).commit();
    }
}
