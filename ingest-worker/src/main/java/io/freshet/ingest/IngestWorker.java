package io.freshet.ingest;

import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.catalog.NotFreshetTableException;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.consumer.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.maintenance.MaintenanceScheduler;
import io.freshet.ingest.maintenance.TableMaintenance;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.ingest.schema.Partitioning;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.TableProperties;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import static java.util.Objects.requireNonNull;

/**
 * Runs ingestion for every Freshet table of one Iceberg catalog: one {@link TableIngester} per table,
 * all sharing the hot-buffer memory limit.
 */
public final class IngestWorker
        implements Closeable
{
    private static final Logger log = LoggerFactory.getLogger(IngestWorker.class);

    private final IngestSettings settings;
    private final Catalog catalog;
    // hot batches are sealed at their used size (UsedSize); rounding each buffer to a power of two would undo that
    private final BufferAllocator allocator = new RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, new SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE));
    private final Map<TableIdentifier, TableIngester> ingesters = new ConcurrentHashMap<>();
    private final Map<TableIdentifier, TableIngester> stopping = new ConcurrentHashMap<>();
    private final Map<TableIdentifier, TableMaintenance> maintenance = new ConcurrentHashMap<>();
    private final MaintenanceScheduler maintenanceScheduler;
    private IngestionListener listener = IngestionListener.PLATFORM_MBEAN_SERVER;

    /** Told when a table's ingestion starts and stops on this worker, so that metrics follow the running tables. */
    public interface IngestionListener
    {
        /** Publishes each table's {@code IngestStages} on the platform MBean server: the standalone worker's default. */
        IngestionListener PLATFORM_MBEAN_SERVER = new IngestionListener()
        {
            @Override
            public void started(TableIngester ingester, TableMaintenance maintenance)
            {
                ingester.stages().register(ingester.identifier().toString());
            }

            @Override
            public void stopped(TableIngester ingester)
            {
                ingester.stages().unregister();
            }
        };

        void started(TableIngester ingester, TableMaintenance maintenance);

        void stopped(TableIngester ingester);
    }

    public IngestWorker(IngestSettings settings)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.catalog = IcebergCatalogFactory.create(settings.catalog());
        this.maintenanceScheduler = new MaintenanceScheduler(settings.maintenance());
    }

    public Catalog catalog()
    {
        return catalog;
    }

    public IngestSettings settings()
    {
        return settings;
    }

    /** Replaces the listener; the new one hears of the tables running now at once. */
    public synchronized void setIngestionListener(IngestionListener listener)
    {
        requireNonNull(listener, "listener is null");
        ingesters.values().forEach(this::notifyStopped);
        this.listener = listener;
        ingesters.values().forEach(ingester -> notifyStarted(ingester, maintenance.get(ingester.identifier())));
    }

    private void notifyStarted(TableIngester ingester, TableMaintenance upkeep)
    {
        try {
            listener.started(ingester, upkeep);
        }
        catch (RuntimeException e) {
            log.warn("Cannot publish the metrics of {}: {}", ingester.identifier(), e.getMessage(), e);
        }
    }

    private void notifyStopped(TableIngester ingester)
    {
        try {
            listener.stopped(ingester);
        }
        catch (RuntimeException e) {
            log.warn("Cannot withdraw the metrics of {}: {}", ingester.identifier(), e.getMessage(), e);
        }
    }

    /** Starts ingestion for every table of the catalog that is bound to a Kafka topic. */
    public void startAll()
    {
        for (TableIdentifier identifier : listFreshetTables()) {
            try {
                start(identifier);
            }
            catch (RuntimeException e) {
                log.error("Cannot start ingestion of {}: {}", identifier, e.getMessage(), e);
            }
        }
    }

    public List<TableIdentifier> listFreshetTables()
    {
        List<TableIdentifier> tables = new ArrayList<>();
        if (!(catalog instanceof SupportsNamespaces namespaces)) {
            return tables;
        }
        for (Namespace namespace : namespaces.listNamespaces()) {
            for (TableIdentifier identifier : catalog.listTables(namespace)) {
                Table table = catalog.loadTable(identifier);
                if (TableBinding.fromTableProperties(table.properties()).isPresent()) {
                    tables.add(identifier);
                }
            }
        }
        return tables;
    }

    public TableIngester start(TableIdentifier identifier)
    {
        // an ingester of this table still stopping may be committing: never two writers of one table
        TableIngester stoppingIngester = stopping.get(identifier);
        if (stoppingIngester != null) {
            stoppingIngester.awaitTermination();
        }
        return startAfterStop(identifier);
    }

    private synchronized TableIngester startAfterStop(TableIdentifier identifier)
    {
        TableIngester existing = ingesters.get(identifier);
        if (existing != null) {
            return existing;
        }
        Table table = catalog.loadTable(identifier);
        TableBinding binding = TableBinding.fromTableProperties(table.properties())
                .orElseThrow(() -> new IllegalArgumentException("Table %s has no Kafka topic (table property %s)".formatted(identifier, TableBinding.TOPIC_PROPERTY)));
        TableIngester ingester = new TableIngester(identifier, table, binding, settings, allocator);
        ingesters.put(identifier, ingester);
        ingester.start();
        // upkeep uses its own table object: Iceberg tables are not safe to share between threads
        TableMaintenance upkeep = new TableMaintenance(identifier, catalog.loadTable(identifier), Optional.of(ingester), settings.maintenance());
        maintenance.put(identifier, upkeep);
        maintenanceScheduler.schedule(upkeep);
        notifyStarted(ingester, upkeep);
        return ingester;
    }

    /**
     * The upkeep of a table: the one that runs beside its ingestion on this node, or one for a table
     * ingested elsewhere (then only the age limits protect the other node's queries and flushes).
     */
    public TableMaintenance maintenance(TableIdentifier identifier)
    {
        return maintenance.computeIfAbsent(identifier, _ -> new TableMaintenance(identifier, catalog.loadTable(identifier), Optional.empty(), settings.maintenance()));
    }

    public Optional<TableMaintenance> runningMaintenance(TableIdentifier identifier)
    {
        return Optional.ofNullable(maintenance.get(identifier));
    }

    /** Memory the hot buffers of all tables hold now, in bytes, counting batches only running queries still read. */
    public long hotBufferAllocatedBytes()
    {
        return allocator.getAllocatedMemory();
    }

    /** Most memory the hot buffers of all tables ever held together, in bytes. */
    public long hotBufferPeakBytes()
    {
        return allocator.getPeakMemoryAllocation();
    }

    public List<TableIdentifier> listRunning()
    {
        return List.copyOf(ingesters.keySet());
    }

    public Optional<TableIngester> ingester(TableIdentifier identifier)
    {
        return Optional.ofNullable(ingesters.get(identifier));
    }

    /**
     * Stops a table's ingestion and returns once its last flush has finished committing, however long that
     * takes; other tables are not held up meanwhile.
     */
    public void stop(TableIdentifier identifier)
    {
        TableIngester ingester;
        synchronized (this) {
            maintenanceScheduler.cancel(identifier);
            maintenance.remove(identifier);
            ingester = ingesters.remove(identifier);
            if (ingester == null) {
                return;
            }
            stopping.put(identifier, ingester);
            notifyStopped(ingester);
        }
        try {
            ingester.close();
        }
        finally {
            stopping.remove(identifier, ingester);
        }
    }

    /**
     * Creates the Iceberg table for a topic (declared columns plus the Kafka metadata columns) and starts
     * ingesting it. Fails before creating anything when the topic does not exist.
     */
    public Table createTable(TableIdentifier identifier, List<NestedField> declaredColumns, TableBinding binding, Map<String, String> extraProperties)
    {
        return createTable(identifier, declaredColumns, binding, extraProperties, true);
    }

    public Table createTable(TableIdentifier identifier, List<NestedField> declaredColumns, TableBinding binding, Map<String, String> extraProperties, boolean startIngestion)
    {
        return createTable(identifier, declaredColumns, List.of(), binding, extraProperties, startIngestion);
    }

    /** @param partitioning the table's partitioning, in the syntax of {@link Partitioning} */
    public Table createTable(TableIdentifier identifier, List<NestedField> declaredColumns, List<String> partitioning, TableBinding binding, Map<String, String> extraProperties, boolean startIngestion)
    {
        SafeNames.requireSafeTableName(identifier);
        Schema schema = KafkaMetadataColumns.withMetadataColumns(declaredColumns);
        PartitionSpec spec = Partitioning.toSpec(schema, partitioning);
        // refuses, before anything is created, a column type the hot buffer cannot hold
        ArrowSchemas.toArrow(schema);
        requireTopic(binding.topic());
        if (binding.badRecordPolicy().orElse(settings.badRecordPolicy()) == io.freshet.ingest.decoding.BadRecordPolicy.DEAD_LETTER) {
            requireTopic(binding.effectiveDeadLetterTopic());
        }
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(identifier.namespace())) {
            throw new IllegalArgumentException("Schema %s does not exist".formatted(identifier.namespace()));
        }
        Map<String, String> properties = new HashMap<>(extraProperties);
        properties.putAll(binding.toTableProperties());
        properties.putIfAbsent(TableProperties.FORMAT_VERSION, "2");
        properties.putIfAbsent(TableProperties.DEFAULT_FILE_FORMAT, "parquet");
        properties.putIfAbsent(TableProperties.PARQUET_COMPRESSION, "zstd");
        // every commit writes a metadata file: keep the last 100, not one per commit forever
        properties.putIfAbsent(TableProperties.METADATA_DELETE_AFTER_COMMIT_ENABLED, "true");
        Table table = catalog.createTable(identifier, schema, spec, properties);
        if (startIngestion) {
            start(identifier);
        }
        return table;
    }

    /** Drops a table Freshet owns, with its files; refuses, before anything changes, a table of the catalog that Freshet did not create. */
    public void dropTable(TableIdentifier identifier)
    {
        requireOwned(identifier);
        stop(identifier);
        catalog.dropTable(identifier, true);
    }

    /** Drops every table of a namespace and then the namespace, once sure that Freshet owns all of them. */
    public void dropNamespaceCascade(Namespace namespace)
    {
        List<TableIdentifier> tables = catalog.listTables(namespace);
        tables.forEach(this::requireOwned);
        tables.forEach(this::dropTable);
        ((SupportsNamespaces) catalog).dropNamespace(namespace);
    }

    private void requireOwned(TableIdentifier identifier)
    {
        if (TableBinding.fromTableProperties(catalog.loadTable(identifier).properties()).isEmpty()) {
            throw new NotFreshetTableException(identifier);
        }
    }

    /** Fails with a message that says what to do when the topic does not exist or the brokers cannot be reached. */
    public void requireTopic(String topic)
    {
        Map<String, Object> properties = new HashMap<>(settings.kafkaProperties());
        properties.putIfAbsent(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
        properties.putIfAbsent(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
        String servers = settings.kafkaProperties().get("bootstrap.servers");
        try (Admin admin = Admin.create(properties)) {
            admin.describeTopics(List.of(topic)).allTopicNames().get(20, TimeUnit.SECONDS);
        }
        catch (KafkaException e) {
            // the client refused its settings, an unresolvable host among them
            throw new IllegalStateException("Cannot connect to Kafka at %s: %s; check kafka.bootstrap.servers and the other kafka.* client settings"
                    .formatted(servers, rootCauseMessage(e)), e);
        }
        catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new io.freshet.ingest.consumer.UnknownTopicException("Kafka topic '%s' does not exist at %s: create the topic first, or check the topic name and kafka.bootstrap.servers"
                        .formatted(topic, servers));
            }
            throw new IllegalStateException("Cannot describe Kafka topic '%s' at %s: %s; check kafka.bootstrap.servers and the security settings".formatted(topic, servers, e.getCause().getMessage()), e.getCause());
        }
        catch (TimeoutException e) {
            throw new IllegalStateException("Kafka brokers at %s did not answer within 20 seconds: check kafka.bootstrap.servers and the security settings"
                    .formatted(settings.kafkaProperties().get("bootstrap.servers")), e);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The innermost message of a Kafka client error: the outer ones only say that a client could not be created. */
    public static String rootCauseMessage(Throwable throwable)
    {
        Throwable cause = throwable;
        while (cause.getCause() != null && cause.getCause() != cause) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage();
    }

    @Override
    public void close()
    {
        maintenanceScheduler.close();
        List<TableIdentifier> running = new ArrayList<>(ingesters.keySet());
        running.parallelStream().forEach(this::stop);
        if (catalog instanceof Closeable closeable) {
            try {
                closeable.close();
            }
            catch (IOException e) {
                log.warn("Cannot close the Iceberg catalog: {}", e.getMessage());
            }
        }
        try {
            allocator.close();
        }
        catch (IllegalStateException e) {
            log.debug("Hot-buffer memory still referenced at close: {}", e.getMessage());
        }
    }
}
