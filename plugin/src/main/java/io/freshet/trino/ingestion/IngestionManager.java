package io.freshet.trino.ingestion;

import com.google.inject.Inject;
import io.airlift.log.Logger;
import io.freshet.ingest.IngestSettings;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.catalog.CatalogSettings;
import io.freshet.ingest.catalog.CatalogType;
import io.freshet.ingest.catalog.FileIoFactory;
import io.freshet.ingest.catalog.RestCatalogProperties;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.trino.FreshetConfig;
import io.freshet.trino.catalog.RestCatalogConfig;
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
 * Runs the ingest worker inside Trino. Ingestion runs on the coordinator, which therefore owns every
 * table's hot buffer; other nodes only open the catalog to read committed files.
 */
public final class IngestionManager
{
    private static final Logger log = Logger.get(IngestionManager.class);

    private final IngestWorker worker;
    private final boolean ingesting;

    @Inject
    public IngestionManager(FreshetConfig config, RestCatalogConfig restConfig, UpkeepConfig upkeepConfig, KafkaClientProperties kafkaProperties, NodeManager nodeManager, TrinoFileSystemFactory fileSystemFactory)
    {
        // Iceberg reaches storage through Trino's file systems: the same fs.* and s3.* settings as queries
        FileIoFactory fileIoFactory = properties -> new TrinoFileIo(fileSystemFactory.create(ConnectorIdentity.ofUser("freshet")), properties);
        IngestSettings settings = settings(config, restConfig, upkeepConfig, kafkaProperties, fileIoFactory);
        if (settings.catalog().type() == CatalogType.JDBC && settings.catalog().jdbcConnectionUrl().isPresent()) {
            WarehouseProbe.requireReachable(fileSystemFactory.create(ConnectorIdentity.ofUser("freshet")), settings.catalog().warehouseLocation());
        }
        this.worker = new IngestWorker(settings);
        this.ingesting = config.isIngestionEnabled() && nodeManager.getCurrentNode().isCoordinator();
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
        if (ingesting) {
            worker.startAll();
            log.info("Freshet ingestion started");
        }
    }

    @PreDestroy
    public void stop()
    {
        worker.close();
    }

    public boolean isIngesting()
    {
        return ingesting;
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
        if (ingesting) {
            worker.start(identifier);
        }
    }
}
