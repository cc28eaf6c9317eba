package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.cluster.ClusterMembership;
import io.freshet.ingest.cluster.ClusterSettings;
import io.freshet.ingest.consumer.KafkaTopics;
import io.freshet.ingest.consumer.TableBinding;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.ingest.maintenance.TableMaintenance;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.ingest.schema.Partitioning;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
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
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.types.Types.NestedField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

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
    private final CatalogConnection catalogConnection;
    private final ClusterMembership membership;
    private final ClusterSettings clusterSettings;
    // tables being dropped or altered here: table discovery leaves them alone meanwhile
    private final Set<TableIdentifier> suspended = ConcurrentHashMap.newKeySet();
    // the ingestion properties each running table started with: discovery restarts a table whose properties changed elsewhere
    private final Map<TableIdentifier, Map<String, String>> startedWith = new ConcurrentHashMap<>();
    private final TableDiscovery discovery;
    private volatile boolean closed;
    // hot batches are sealed at their used size (UsedSize); rounding each buffer to a power of two would undo that
    private final BufferAllocator allocator = new RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, new SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE));
    private final Map<TableIdentifier, TableIngester> ingesters = new ConcurrentHashMap<>();
    private final Map<TableIdentifier, TableIngester> stopping = new ConcurrentHashMap<>();
    private final UpkeepPlacement upkeep;
    private IngestionListener listener = IngestionListener.PLATFORM_MBEAN_SERVER;
    private volatile LongSupplier committedBatchRetention = () -> 0;

    /** A standalone worker: the only writer of its tables, holding every partition. */
    public IngestWorker(IngestSettings settings)
    {
        this(settings, ClusterMembership.standalone(standaloneNodeName()), ClusterSettings.DEFAULT, () -> {});
    }

    /**
     * A worker on one node of a cluster: it ingests the partitions the node owns among {@code membership}'s nodes.
     * Nothing here opens the catalog; {@code storageCheck} runs before each attempt to open it.
     */
    public IngestWorker(IngestSettings settings, ClusterMembership membership, ClusterSettings clusterSettings, Runnable storageCheck)
    {
        this.settings = requireNonNull(settings, "settings is null");
        this.membership = requireNonNull(membership, "membership is null");
        this.clusterSettings = requireNonNull(clusterSettings, "clusterSettings is null");
        this.catalogConnection = new CatalogConnection(settings.catalog(), storageCheck);
        this.upkeep = new UpkeepPlacement(membership, settings.maintenance());
        this.discovery = new TableDiscovery(catalogConnection, clusterSettings.tableDiscoveryInterval(), () -> {
            if (ingestsHere()) {
                followCatalog();
            }
        });
    }

    /** A name for a standalone worker that no other process shares: claims name it. */
    private static String standaloneNodeName()
    {
        String host;
        try {
            host = InetAddress.getLocalHost().getHostName();
        }
        catch (IOException e) {
            host = "localhost";
        }
        return "ingest-worker-%s-%s-%s".formatted(host, ProcessHandle.current().pid(), UUID.randomUUID().toString().substring(0, 8));
    }

    /** The Iceberg catalog, opened now if it is not open yet; fails with the reason when it cannot be opened. */
    public Catalog catalog()
    {
        return catalogConnection.catalog();
    }

    /** Whether the catalog is open, and why not. */
    public CatalogConnection.Status catalogStatus()
    {
        return catalogConnection.status();
    }

    public ClusterMembership membership()
    {
        return membership;
    }

    /** Whether this node is one of the nodes that ingest. */
    public boolean ingestsHere()
    {
        return membership.ingestingNodes().contains(membership.currentNode());
    }

    /**
     * Starts, in the background, opening the catalog (retrying with backoff while it is slow, locked or down) and then
     * ingesting every table of the catalog bound to a Kafka topic, listing the catalog again every table discovery
     * interval for tables created, altered or dropped on other nodes. Returns at once.
     */
    public void startInBackground()
    {
        discovery.start();
    }

    /** Starts ingesting the tables that are new or whose binding changed, and stops those dropped. */
    private void followCatalog()
    {
        Map<TableIdentifier, Map<String, String>> tables = ingestPropertiesOfTables();
        for (Map.Entry<TableIdentifier, Map<String, String>> entry : tables.entrySet()) {
            TableIdentifier identifier = entry.getKey();
            if (suspended.contains(identifier) || closed) {
                continue;
            }
            try {
                TableIngester running = ingesters.get(identifier);
                if (running != null && !entry.getValue().equals(startedWith.get(identifier))) {
                    log.info("Table {} has new ingestion properties {}; restarting its ingestion", identifier, entry.getValue());
                    stop(identifier);
                    running = null;
                }
                if (running == null) {
                    start(identifier);
                }
            }
            catch (RuntimeException e) {
                log.error("Cannot start ingestion of {}: {}", identifier, e.getMessage(), e);
            }
        }
        for (TableIdentifier identifier : List.copyOf(ingesters.keySet())) {
            if (!tables.containsKey(identifier) && !suspended.contains(identifier) && !closed) {
                log.info("Table {} is no longer in the catalog; stopping its ingestion", identifier);
                stop(identifier);
            }
        }
        followUpkeepOwnership();
    }

    private synchronized void followUpkeepOwnership()
    {
        upkeep.follow(ingesters::containsKey);
    }

    /** Leaves a table to the caller while it drops or alters it: table discovery neither starts nor stops it meanwhile. */
    public void suspendDiscovery(TableIdentifier identifier)
    {
        suspended.add(identifier);
    }

    public void resumeDiscovery(TableIdentifier identifier)
    {
        suspended.remove(identifier);
    }

    public IngestSettings settings()
    {
        return settings;
    }

    /**
     * Makes the hot buffer of every table, running now or started later, keep committed batches for the time
     * the supplier gives at each commit (see {@link io.freshet.ingest.buffer.HotBuffer#retainCommittedBatches}).
     */
    public void retainCommittedBatches(LongSupplier retentionMillis)
    {
        committedBatchRetention = requireNonNull(retentionMillis, "retentionMillis is null");
        ingesters.values().forEach(ingester -> ingester.buffer().retainCommittedBatches(retentionMillis));
    }

    /** Replaces the listener; the new one hears of the tables running now at once. */
    public synchronized void setIngestionListener(IngestionListener listener)
    {
        requireNonNull(listener, "listener is null");
        ingesters.values().forEach(this::notifyStopped);
        this.listener = listener;
        ingesters.values().forEach(ingester -> notifyStarted(ingester, upkeep.get(ingester.identifier())));
    }

    private void notifyStarted(TableIngester ingester, TableMaintenance tableUpkeep)
    {
        try {
            listener.started(ingester, tableUpkeep);
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
        return List.copyOf(freshetTables().keySet());
    }

    /** Every table of the catalog bound to a Kafka topic, with its binding. */
    public Map<TableIdentifier, TableBinding> freshetTables()
    {
        Map<TableIdentifier, TableBinding> tables = new TreeMap<>(Comparator.comparing(TableIdentifier::toString));
        ingestPropertiesOfTables().forEach((identifier, properties) -> tables.put(identifier, TableBinding.fromTableProperties(properties).orElseThrow()));
        return tables;
    }

    /** The table properties that shape ingestion ({@code freshet.*}: binding, data-loss policy), of the tables bound to a Kafka topic. */
    private Map<TableIdentifier, Map<String, String>> ingestPropertiesOfTables()
    {
        return FreshetTableListing.ingestPropertiesOfTables(catalog());
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
        Catalog catalog = catalog();
        Table table = catalog.loadTable(identifier);
        TableBinding binding = TableBinding.fromTableProperties(table.properties())
                .orElseThrow(() -> new IllegalArgumentException("Table %s has no Kafka topic (table property %s)".formatted(identifier, TableBinding.TOPIC_PROPERTY)));
        TableIngester ingester = new TableIngester(identifier, table, binding, settings, allocator, membership, clusterSettings);
        ingester.buffer().retainCommittedBatches(committedBatchRetention);
        ingesters.put(identifier, ingester);
        startedWith.put(identifier, FreshetTableListing.ingestProperties(table.properties()));
        ingester.start();
        // upkeep uses its own table object: Iceberg tables are not safe to share between threads
        TableMaintenance tableUpkeep = new TableMaintenance(identifier, catalog.loadTable(identifier), Optional.of(ingester), settings.maintenance());
        upkeep.started(identifier, tableUpkeep);
        notifyStarted(ingester, tableUpkeep);
        return ingester;
    }

    /**
     * The upkeep of a table: the one that runs beside its ingestion on this node, or one for a table
     * ingested elsewhere (then only the age limits protect the other node's queries and flushes).
     */
    public TableMaintenance maintenance(TableIdentifier identifier)
    {
        return upkeep.computeIfAbsent(identifier, _ -> new TableMaintenance(identifier, catalog().loadTable(identifier), Optional.empty(), settings.maintenance()));
    }

    public Optional<TableMaintenance> runningMaintenance(TableIdentifier identifier)
    {
        return Optional.ofNullable(upkeep.get(identifier));
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
            upkeep.stopped(identifier);
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
        Catalog catalog = catalog();
        if (catalog instanceof SupportsNamespaces namespaces && !namespaces.namespaceExists(identifier.namespace())) {
            throw new NoSuchNamespaceException("Schema %s does not exist", identifier.namespace());
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
        suspendDiscovery(identifier);
        try {
            stop(identifier);
            catalog().dropTable(identifier, true);
        }
        finally {
            resumeDiscovery(identifier);
        }
    }

    /** Drops every table of a namespace and then the namespace, once sure that Freshet owns all of them. */
    public void dropNamespaceCascade(Namespace namespace)
    {
        List<TableIdentifier> tables = catalog().listTables(namespace);
        tables.forEach(this::requireOwned);
        tables.forEach(this::dropTable);
        ((SupportsNamespaces) catalog()).dropNamespace(namespace);
    }

    private void requireOwned(TableIdentifier identifier)
    {
        if (TableBinding.fromTableProperties(catalog().loadTable(identifier).properties()).isEmpty()) {
            throw new NotFreshetTableException(identifier);
        }
    }

    /** Fails with a message that says what to do when the topic does not exist or the brokers cannot be reached. */
    public void requireTopic(String topic)
    {
        KafkaTopics.requireTopic(settings.kafkaProperties(), topic);
    }

    @Override
    public void close()
    {
        closed = true;
        // no table starts after this: the discovery thread has ended
        discovery.close();
        upkeep.close();
        List<TableIdentifier> running = new ArrayList<>(ingesters.keySet());
        running.parallelStream().forEach(this::stop);
        catalogConnection.close();
        try {
            allocator.close();
        }
        catch (IllegalStateException e) {
            log.debug("Hot-buffer memory still referenced at close: {}", e.getMessage());
        }
    }
}
