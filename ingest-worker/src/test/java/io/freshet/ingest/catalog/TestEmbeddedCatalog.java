package io.freshet.ingest.catalog;

import org.apache.iceberg.DataFiles;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.Closeable;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class TestEmbeddedCatalog
{
    @TempDir
    Path warehouse;

    /** Two processes (here two catalogs with their own connections) share the embedded catalog: each sees the other's commits. */
    @Test
    void commitsOfAnotherCatalogInstanceAreVisible()
            throws Exception
    {
        Catalog writer = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
        Catalog reader = IcebergCatalogFactory.create(CatalogSettings.embedded(warehouse));
        try {
            ((SupportsNamespaces) writer).createNamespace(Namespace.of("shop"));
            TableIdentifier identifier = TableIdentifier.of("shop", "t");
            Table written = writer.createTable(identifier, new Schema(Types.NestedField.optional(1, "id", Types.LongType.get())), PartitionSpec.unpartitioned());
            Table read = reader.loadTable(identifier);
            assertThat(read.currentSnapshot()).isNull();
            for (int commit = 1; commit <= 3; commit++) {
                written.newFastAppend().appendFile(DataFiles.builder(PartitionSpec.unpartitioned())
                        .withPath(warehouse.resolve("f" + commit + ".parquet").toString())
                        .withFileSizeInBytes(10)
                        .withRecordCount(1)
                        .build()).commit();
                read.refresh();
                assertThat(read.currentSnapshot()).as("snapshot after commit %s", commit).isNotNull();
                assertThat(read.currentSnapshot().snapshotId()).isEqualTo(written.currentSnapshot().snapshotId());
            }
        }
        finally {
            ((Closeable) writer).close();
            ((Closeable) reader).close();
        }
    }
}
