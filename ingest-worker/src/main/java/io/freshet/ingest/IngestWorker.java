package io.freshet.ingest;

import io.freshet.ingest.catalog.CatalogConnection;
import io.freshet.ingest.catalog.SafeNames;
import io.freshet.ingest.cluster.ClusterMembership;
import io.freshet.ingest.cluster.ClusterSettings;
import io.freshet.ingest.consumer.TableIngester;
import io.freshet.ingest.error.NotFreshetTableException;
import io.freshet.ingest.schema.ArrowSchemas;
import io.freshet.ingest.schema.KafkaMetadataColumns;
import io.freshet.ingest.schema.Partitioning;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.upkeep.TableUpkeepTasks;
import io.freshet.ingest.upkeep.UpkeepPlacement;
import org.apache.arrow.memory.AllocationListener;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.arrow.memory.RootAllocator;
import org.apache.arrow.memory.rounding.SegmentRoundingPolicy;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.Namespace;
import org.apache.iceberg.catalog.SupportsNamespaces;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchNamespaceException;
import org.apache.iceberg.types.Types.NestedField;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

import static java.util.Objects.requireNonNull;

/**
 * Runs ingestion for every Freshet table of one Iceberg catalog: one {@link TableIngester} per table,
 * all sharing the hot-buffer memory limit.
 */
public final class IngestWorker
        implements Closeable, TableDiscovery.IngestingTables
{
    private static final Logger log = LoggerFactory.getLogger(IngestWorker.class);

    private final IngestSettings settings;
    private final CatalogConnection catalogConnection;
    private final ClusterMembership membership;
    private final ClusterSettings clusterSettings;
    private final TableDiscovery discovery;
    private final CatalogTables catalogTables;
    // hot batches are sealed at their used size (UsedSize); rounding each buffer to a power of two would undo that
    private final BufferAllocator allocator = new RootAllocator(AllocationListener.NOOP, Long.MAX_VALUE, new SegmentRoundingPolicy(SegmentRoundingPolicy.MIN_SEGMENT_SIZE));
    private final Map<TableIdentifier, TableIngester> ingesters = new ConcurrentHashMap<>();
    private final Map<TableIdentifier, TableIngester> stopping = new ConcurrentHashMap<>();
    private final UpkeepPlacement upkeep;
    private IngestionListener listener = new SafeIngestionListener(IngestionListener.PLATFORM_MBEAN_SERVER);
    private volatile LongSupplier committedBatchRetention = () -> 0;

    /** A standalone worker: the only writer of its tables, holding every partition. */
    public IngestWorker(IngestSettings settings)
    {
        this(settings, ClusterMembership.standalone(ClusterMembership.standaloneNodeName()), ClusterSettings.DEFAULT, () -> {});
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
        this.upkeep = new UpkeepPlacement(membership, settings.upkeep());
        this.catalogTables = new CatalogTables(catalogConnection, settings);
        this.discovery = new TableDiscovery(catalogConnection, clusterSettings.tableDiscoveryInterval(), this, this::followUpkeepOwnership);
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
    @Override
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

    private synchronized void followUpkeepOwnership()
    {
        upkeep.follow(ingesters::containsKey);
    }

    /** Leaves a table to the caller while it drops or alters it: table discovery neither starts nor stops it meanwhile. */
    public void suspendDiscovery(TableIdentifier identifier)
    {
        discovery.suspend(identifier);
    }

    public void resumeDiscovery(TableIdentifier identifier)
    {
        discovery.resume(identifier);
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
        ingesters.values().forEach(this.listener::stopped);
        this.listener = new SafeIngestionListener(listener);
        ingesters.values().forEach(ingester -> this.listener.started(ingester, upkeep.get(ingester.identifier())));
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
        return FreshetTableListing.bindings(catalog());
    }

    @Override
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
        discovery.started(identifier, table.properties());
        ingester.start();
        // upkeep uses its own table object: Iceberg tables are not safe to share between threads
        TableUpkeepTasks tableUpkeep = new TableUpkeepTasks(identifier, catalog.loadTable(identifier), Optional.of(ingester), settings.upkeep());
        upkeep.started(identifier, tableUpkeep);
        listener.started(ingester, tableUpkeep);
        return ingester;
    }

    /**
     * The upkeep of a table: the one that runs beside its ingestion on this node, or one for a table
     * ingested elsewhere (then only the age limits protect the other node's queries and flushes).
     */
    public TableUpkeepTasks upkeep(TableIdentifier identifier)
    {
        return upkeep.computeIfAbsent(identifier, _ -> new TableUpkeepTasks(identifier, catalog().loadTable(identifier), Optional.empty(), settings.upkeep()));
    }

    public Optional<TableUpkeepTasks> runningUpkeep(TableIdentifier identifier)
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

    @Override
    public List<TableIdentifier> listRunning()
    {
        return List.copyOf(ingesters.keySet());
    }

    @Override
    public Optional<TableIngester> ingester(TableIdentifier identifier)
    {
        return Optional.ofNullable(ingesters.get(identifier));
    }

    /**
     * Stops a table's ingestion and returns once its last flush has finished committing, however long that
     * takes; other tables are not held up meanwhile.
     */
    @Override
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
            listener.stopped(ingester);
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
        Table table = catalogTables.create(identifier, declaredColumns, partitioning, binding, extraProperties);
        if (startIngestion) {
            start(identifier);
        }
        return table;
    }

    /** Drops a table Freshet owns, with its files; refuses, before anything changes, a table of the catalog that Freshet did not create. */
    public void dropTable(TableIdentifier identifier)
    {
        catalogTables.requireOwned(identifier);
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
        tables.forEach(catalogTables::requireOwned);
        tables.forEach(this::dropTable);
        ((SupportsNamespaces) catalog()).dropNamespace(namespace);
    }

    /** Fails with a message that says what to do when the topic does not exist or the brokers cannot be reached. */
    public void requireTopic(String topic)
    {
        catalogTables.requireTopic(topic);
    }

    @Override
    public void close()
    {
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
