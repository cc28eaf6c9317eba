package io.freshet.trino.ingestion;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.catalog.FileIoFactory;
import io.freshet.ingest.catalog.RestCatalogProperties;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.trino.FreshetConfig;
import io.freshet.trino.catalog.RestCatalogConfig;
import io.freshet.trino.cluster.ClusterConfig;
import io.freshet.trino.cluster.TrinoClusterMembership;
import io.freshet.trino.filesystem.TrinoFileIo;
import io.freshet.trino.filesystem.WarehouseProbe;
import io.freshet.trino.upkeep.UpkeepConfig;
import io.trino.filesystem.TrinoFileSystemFactory;
import io.trino.spi.NodeManager;
import io.trino.spi.security.ConnectorIdentity;
import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;

import java.time.Duration;
import java.util.Optional;

/**
 * Runs the ingest worker inside Trino. Every worker node ingests the Kafka partitions it owns among Trino's worker
 * nodes ({@link TrinoClusterMembership}); a coordinator ingests only when it is also a worker
 * ({@code node-scheduler.include-coordinator=true}). Nothing here opens the catalog: the worker opens it in the
 * background and retries while it is slow, locked or down, so that no catalog state stops Trino from starting.
 */
public final class IngestionManager
{
    private static final Logger log = Logger.get(IngestionManager.class);

    private final IngestWorker worker;
    private final boolean ingestionEnabled;

    @Inject
    public IngestionManager(FreshetConfig config, RestCatalogConfig restConfig, UpkeepConfig upkeepConfig, ClusterConfig clusterConfig, KafkaClientProperties kafkaProperties, NodeManager nodeManager,
            TrinoFileSystemFactory fileSystemFactory)
    {
        // Iceberg reaches storage through Trino's file systems: the same fs.* and s3.* settings as queries
        FileIoFactory fileIoFactory = properties -> new TrinoFileIo(fileSystemFactory.create(ConnectorIdentity.ofUser("freshet")), properties);
        IngestSettings settings = settings(config, restConfig, upkeepConfig, kafkaProperties, fileIoFactory);
        // wrong credentials or an unreachable endpoint make the catalog wait with that reason, before each attempt to open it
        Runnable storageCheck = settings.catalog().type() == CatalogType.JDBC && settings.catalog().jdbcConnectionUrl().isPresent()
                ? () -> WarehouseProbe.requireReachable(fileSystemFactory.create(ConnectorIdentity.ofUser("freshet")), settings.catalog().warehouseLocation())
                : () -> {};
        this.worker = new IngestWorker(settings, new TrinoClusterMembership(nodeManager), clusterConfig.toSettings(), storageCheck);
        this.ingestionEnabled = config.isIngestionEnabled();
    }

    /** The ingest worker's settings for a catalog; the standalone worker reads the same names through {@code IngestProperties}. */
    public static IngestSettings settings(FreshetConfig config, RestCatalogConfig restConfig, UpkeepConfig upkeepConfig, KafkaClientProperties kafkaProperties, FileIoFactory fileIoFactory)
    {
        CatalogSettings catalog = new CatalogSettings(
                config.getCatalogType(),
                config.getCatalogName(),
                config.getWarehouse(),
                config.getJdbcConnectionUrl(),
                config.getJdbcUser(),
                config.getJdbcPassword(),
                config.getJdbcDriverClass(),
                config.getRestUri(),
                RestCatalogProperties.toIcebergProperties(restConfig.toProperties()),
                fileIoFactory);
        return new IngestSettings(
                kafkaProperties.properties(),
                catalog,
                config.getHotBufferMaxSize().toBytes(),
                config.getFlushMaxSize().toBytes(),
                Duration.ofMillis(config.getFlushInterval().toMillis()),
                config.getBadRecordPolicy(),
                config.getMaxRecordSize().toBytes(),
                Duration.ofMillis(config.getQueryLeaseTimeout().toMillis()),
                upkeepConfig.toSettings());
    }

    @PostConstruct
    public void start()
    {
        if (ingestionEnabled) {
            // returns at once: the catalog is opened and the tables are found in the background
            worker.startInBackground();
            log.info("Freshet ingestion starting on node %s", worker.membership().currentNode());
        }
    }

    @PreDestroy
    public void stop()
    {
        worker.close();
    }

    /** Whether this node ingests now: ingestion is enabled and this node is one of Trino's worker nodes. */
    public boolean isIngesting()
    {
        return ingestionEnabled && worker.ingestsHere();
    }

    public IngestWorker worker()
    {
        return worker;
    }

    public Catalog catalog()
    {
        return worker.catalog();
    }

    public Optional<TableIngester> ingester(TableIdentifier identifier)
    {
        return worker.ingester(identifier);
    }

    public void startIngestion(TableIdentifier identifier)
    {
        if (isIngesting()) {
            worker.start(identifier);
        }
    }
}
