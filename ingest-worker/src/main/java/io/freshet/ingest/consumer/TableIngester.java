package io.freshet.ingest.consumer;

import io.freshet.ingest.IngestSettings;
import io.freshet.ingest.IngestWorker;
import io.freshet.ingest.buffer.HotBatchBuilder;
import io.freshet.ingest.buffer.HotBuffer;
import io.freshet.ingest.buffer.HotBuffer.FlushPlan;
import io.freshet.ingest.commit.FlushCommitter;
import io.freshet.ingest.commit.LostOffsets;
import io.freshet.ingest.commit.OffsetWatermark;
import io.freshet.ingest.commit.TransactionLog;
import io.freshet.ingest.commit.TransactionLog.CommittedState;
import io.freshet.ingest.consumer.IngestionStatus.State;
import io.freshet.ingest.decoding.BadRecordException;
import io.freshet.ingest.decoding.BadRecordPolicy;
import io.freshet.ingest.decoding.JsonFieldNames;
import io.freshet.ingest.decoding.JsonRecordDecoder;
import io.freshet.ingest.decoding.RecordDecoder;
import io.freshet.ingest.flush.FlushThrottle;
import io.freshet.ingest.flush.InFlightFiles;
import io.freshet.ingest.flush.ParquetFlusher;
import io.freshet.ingest.flush.PartitionRows;
import io.freshet.ingest.schema.SchemaChanges;
import org.apache.arrow.memory.BufferAllocator;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.PartitionSpec;
import org.apache.iceberg.Schema;
import org.apache.iceberg.Table;
import org.apache.iceberg.UpdateProperties;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.types.Types.NestedField;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.consumer.OffsetOutOfRangeException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static java.util.Objects.requireNonNull;

/**
 * The single-writer loop of one table: polls the topic, decodes records into the hot buffer, and hands
 * full or old buffers to an asynchronous flush that writes Parquet and commits one snapshot with the new
 * offset watermark. Only this loop changes the table's data, so watermarks advance in order.
 */
public final class TableIngester
        implements AutoCloseable
{
    private static final Logger log = LoggerFactory.getLogger(TableIngester.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(50);
    private static final long PARTITION_REFRESH_NANOS = TimeUnit.SECONDS.toNanos(30);
    // a schema or spec change by another engine makes no commit of ours: look for one this often
    private static final long TABLE_CHANGE_CHECK_NANOS = TimeUnit.SECONDS.toNanos(5);
    private static final Duration BAD_RECORD_LOG_INTERVAL = Duration.ofSeconds(10);
    // every poll seals a batch so its rows are visible at once; runs of small ones are merged later
    private static final int COALESCE_MINIMUM_BATCHES = 16;
    private static final int COALESCE_MAXIMUM_ROWS = 64 * 1024;
    // a flush may use this share of one core; the rest stays with the ingest loop and queries
    private static final double FLUSH_CORE_SHARE = 0.75;
    // a paused table commits early when it holds an eighth of the hot-buffer cap, or after a second of pause
    private static final int PAUSE_FLUSH_SHARE = 8;
    private static final long PAUSE_FLUSH_ANYWAY_NANOS = TimeUnit.SECONDS.toNanos(1);

    private final TableIdentifier identifier;
    private final Table table;
    private final TableBinding binding;
    private final IngestSettings settings;
    private final BufferAllocator rootAllocator;
    private final TransactionLog transactionLog;
    private final HotBuffer buffer;
    private final BadRecordPolicy badRecordPolicy;
    private RecordDecoder decoder;
    // the schema and spec the loop decodes and partitions with; changed only at a batch boundary
    private Schema schema;
    private int specId;
    private PartitionRows timePartitions;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> tableChangeChecks = new ConcurrentLinkedQueue<>();
    private final ParquetFlusher flusher;
    private final InFlightFiles inFlightFiles = new InFlightFiles();
    private final FlushCommitter committer;
    private final IngestStages stages = new IngestStages();
    private final FlushThrottle flushThrottle = new FlushThrottle(FLUSH_CORE_SHARE);
    private final ExecutorService flushExecutor;
    private final Thread thread;
    private final ConcurrentLinkedQueue<FlushRequest> flushRequests = new ConcurrentLinkedQueue<>();
    private final List<FlushRequest> waitingFlushRequests = new ArrayList<>();
    private final AtomicLong consumedRecords = new AtomicLong();
    private final AtomicLong badRecords = new AtomicLong();
    private final AtomicLong deadLetteredRecords = new AtomicLong();
    private final AtomicLong commits = new AtomicLong();
    private final Map<Integer, HotBatchBuilder> builders = new TreeMap<>();
    private final BadRecordLog badRecordLog;
    private final DataLossPolicy dataLossPolicy;
    private final List<LostOffsets> lostOffsets = new CopyOnWriteArrayList<>();

    private volatile boolean running = true;
    private volatile State state = State.STARTING;
    private volatile String failure;
    private volatile Long lastCommitMillis;
    private volatile boolean paused;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private DeadLetterPublisher deadLetterPublisher;
    private volatile CompletableFuture<CommittedState> flushInFlight;
    private long nextFlushAttemptNanos;
    private long nextPartitionRefreshNanos;
    private long nextTableChangeCheckNanos = System.nanoTime() + TABLE_CHANGE_CHECK_NANOS;
    private long pausedSinceNanos;

    public TableIngester(TableIdentifier identifier, Table table, TableBinding binding, IngestSettings settings, BufferAllocator rootAllocator)
    {
        this.identifier = requireNonNull(identifier, "identifier is null");
        this.table = requireNonNull(table, "table is null");
        this.binding = requireNonNull(binding, "binding is null");
        this.settings = requireNonNull(settings, "settings is null");
        this.rootAllocator = requireNonNull(rootAllocator, "rootAllocator is null");
        this.transactionLog = new TransactionLog(table);
        this.buffer = new HotBuffer(rootAllocator.newChildAllocator("hot-buffer-" + identifier, 0, Long.MAX_VALUE), transactionLog.current());
        this.badRecordPolicy = binding.badRecordPolicy().orElse(settings.badRecordPolicy());
        this.schema = table.schema();
        this.specId = table.spec().specId();
        this.timePartitions = new PartitionRows(table.spec());
        this.decoder = new JsonRecordDecoder(schema, table.properties());
        this.badRecordLog = new BadRecordLog(identifier.toString(), BAD_RECORD_LOG_INTERVAL);
        this.dataLossPolicy = DataLossPolicy.fromTableProperties(table.properties());
        this.flusher = new ParquetFlusher(table, inFlightFiles, flushThrottle);
        this.committer = new FlushCommitter(transactionLog, flusher);
        this.flushExecutor = Executors.newSingleThreadExecutor(runnable -> {
            Thread flushThread = new Thread(runnable, "freshet-flush-" + identifier);
            flushThread.setDaemon(true);
            // a flush is background work: ingestion and queries come first where the platform honours priorities
            flushThread.setPriority(Thread.MIN_PRIORITY);
            flushThread.setContextClassLoader(TableIngester.class.getClassLoader());
            return flushThread;
        });
        this.thread = new Thread(this::run, "freshet-ingest-" + identifier);
        this.thread.setDaemon(true);
        this.thread.setContextClassLoader(TableIngester.class.getClassLoader());
    }

    public TableIngester start()
    {
        thread.start();
        return this;
    }

    public TableIdentifier identifier()
    {
        return identifier;
    }

    public Table table()
    {
        return table;
    }

    public TableBinding binding()
    {
        return binding;
    }

    public HotBuffer buffer()
    {
        return buffer;
    }

    public TransactionLog transactionLog()
    {
        return transactionLog;
    }

    /** Files written by a flush that is not committed yet: orphan cleanup must leave them alone. */
    public InFlightFiles inFlightFiles()
    {
        return inFlightFiles;
    }

    /** Whether a flush is writing or committing now. */
    public boolean flushing()
    {
        return flushInFlight != null;
    }

    /** CPU time by stage of the write path. */
    public IngestStages stages()
    {
        return stages;
    }

    /** Completes once everything consumed so far is committed to Iceberg. */
    public CompletableFuture<CommittedState> flush()
    {
        FlushRequest request = new FlushRequest(buffer.highWaterMarks(), new CompletableFuture<>());
        flushRequests.add(request);
        if (state == State.FAILED || state == State.STOPPED) {
            request.future().completeExceptionally(notRunning());
        }
        return request.future();
    }

    public IngestionStatus status()
    {
        return new IngestionStatus(state, Optional.ofNullable(failure), buffer.status(), consumedRecords.get(), badRecords.get(), deadLetteredRecords.get(),
                commits.get(), Optional.ofNullable(lastCommitMillis), paused, lostOffsets);
    }

    private void run()
    {
        try {
            SchemaChanges.requireWritable(schema, table.spec());
            try {
                consumer = createConsumer();
            }
            catch (KafkaException e) {
                throw new IllegalStateException("Cannot create the Kafka consumer of topic %s at %s: %s; check kafka.bootstrap.servers and the other kafka.* client settings"
                        .formatted(binding.topic(), settings.kafkaProperties().get(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG), IngestWorker.rootCauseMessage(e)), e);
            }
            while (running && !assignPartitionsOrWait()) {
                state = State.WAITING_FOR_TOPIC;
                sleep(Duration.ofSeconds(2));
            }
            state = State.RUNNING;
            log.info("Ingesting topic {} into {} from offset watermark {}", binding.topic(), identifier, buffer.committed().watermark());
            while (running) {
                pollOnce();
                completeFlush();
                adoptTableChanges();
                coalesceSmallBatches();
                startFlushIfDue();
                buffer.expireLeases(settings.leaseTimeout().toMillis());
                refreshPartitionsIfDue();
            }
        }
        catch (WakeupException e) {
            // stop() woke the consumer up
        }
        catch (RuntimeException | Error e) {
            failure = e.getMessage();
            state = State.FAILED;
            log.error("Ingestion of {} from topic {} stopped: {}", identifier, binding.topic(), e.getMessage(), e);
        }
        finally {
            awaitFlushInFlight();
            committer.abandon();
            builders.values().forEach(HotBatchBuilder::close);
            builders.clear();
            if (consumer != null) {
                consumer.close(Duration.ofSeconds(5));
            }
            if (deadLetterPublisher != null) {
                deadLetterPublisher.close();
            }
            if (state == State.FAILED) {
                // queries of a failed table read committed rows only, or fail: nothing reads the buffer again
                buffer.close();
            }
            else {
                state = State.STOPPED;
            }
            failPendingFlushRequests();
            for (CompletableFuture<Void> check; (check = tableChangeChecks.poll()) != null; ) {
                check.complete(null);
            }
        }
    }

    private KafkaConsumer<byte[], byte[]> createConsumer()
    {
        Map<String, Object> properties = new HashMap<>(settings.kafkaProperties());
        properties.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        properties.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        // the offset watermark in Iceberg is the only position that counts; group offsets are informational
        properties.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        // every position is set from the watermark or the topic's beginning: a position Kafka no longer holds is data loss, reported, never skipped silently
        properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "none");
        properties.putIfAbsent(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        properties.putIfAbsent(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "10000");
        properties.putIfAbsent(ConsumerConfig.CLIENT_ID_CONFIG, "freshet-" + identifier);
        return new KafkaConsumer<>(properties);
    }

    /** Assigns every partition of the topic that is not assigned yet, positioned at its offset watermark. */
    private boolean assignPartitions()
    {
        List<PartitionInfo> partitions = consumer.partitionsFor(binding.topic(), Duration.ofSeconds(10));
        nextPartitionRefreshNanos = System.nanoTime() + PARTITION_REFRESH_NANOS;
        if (partitions == null || partitions.isEmpty()) {
            log.warn("Kafka topic {} of table {} not found; waiting for it", binding.topic(), identifier);
            return false;
        }
        if (partitions.size() == builders.size()) {
            return true;
        }
        List<TopicPartition> assignment = partitions.stream()
                .map(info -> new TopicPartition(binding.topic(), info.partition()))
                .toList();
        consumer.assign(assignment);
        OffsetWatermark watermark = buffer.committed().watermark();
        List<TopicPartition> added = assignment.stream()
                .filter(partition -> !builders.containsKey(partition.partition()))
                .toList();
        // every new partition is positioned before any position is read: without a reset policy, reading one resolves all
        for (TopicPartition partition : added) {
            if (watermark.contains(partition.partition())) {
                consumer.seek(partition, watermark.nextOffset(partition.partition()));
            }
            else {
                consumer.seekToBeginning(List.of(partition));
            }
        }
        for (TopicPartition partition : added) {
            long position = consumer.position(partition);
            builders.put(partition.partition(), new HotBatchBuilder(buffer.allocator(), schema, partition.partition(), position));
            buffer.advance(partition.partition(), position);
        }
        return true;
    }

    /** Like {@link #assignPartitions}, but a broker that does not answer now is waited for instead of failing the table. */
    private boolean assignPartitionsOrWait()
    {
        try {
            return assignPartitions();
        }
        catch (RetriableException e) {
            nextPartitionRefreshNanos = System.nanoTime() + PARTITION_REFRESH_NANOS;
            log.warn("Cannot read the partitions of Kafka topic {} for {}: {}; trying again", binding.topic(), identifier, e.getMessage());
            return false;
        }
    }

    private void refreshPartitionsIfDue()
    {
        // a broker outage only delays the discovery of new partitions: consumption resumes with the broker
        if (System.nanoTime() >= nextPartitionRefreshNanos) {
            assignPartitionsOrWait();
        }
    }

    private void pollOnce()
    {
        applyBackpressure();
        long cpu = IngestStages.threadCpuNanos();
        ConsumerRecords<byte[], byte[]> records;
        try {
            records = consumer.poll(POLL_TIMEOUT);
        }
        catch (OffsetOutOfRangeException e) {
            handleLostOffsets(e);
            return;
        }
        cpu = stages.charge(IngestStages.Stage.KAFKA_POLL, cpu);
        for (TopicPartition partition : records.partitions()) {
            HotBatchBuilder builder = builders.get(partition.partition());
            for (ConsumerRecord<byte[], byte[]> record : records.records(partition)) {
                append(builder, record);
            }
        }
        cpu = stages.charge(IngestStages.Stage.DECODE, cpu);
        // positions move past transaction markers and compacted gaps too
        for (TopicPartition partition : consumer.assignment()) {
            HotBatchBuilder builder = builders.get(partition.partition());
            if (builder != null && !consumer.paused().contains(partition)) {
                builder.skipTo(consumer.position(partition, Duration.ofSeconds(30)));
            }
        }
        for (HotBatchBuilder builder : builders.values()) {
            if (builder.hasRows()) {
                buffer.append(builder.seal());
            }
            else if (builder.endOffset() > builder.startOffset()) {
                buffer.advance(builder.partition(), builder.endOffset());
            }
        }
        consumedRecords.addAndGet(records.count());
        stages.addRecords(records.count());
        stages.charge(IngestStages.Stage.BUFFER, cpu);
    }

    /** The watermark points below the first offset Kafka holds: retention deleted records before they were ingested. */
    private void handleLostOffsets(OffsetOutOfRangeException exception)
    {
        Map<TopicPartition, Long> positions = exception.offsetOutOfRangePartitions();
        Map<TopicPartition, Long> starts = consumer.beginningOffsets(positions.keySet(), Duration.ofSeconds(30));
        for (Map.Entry<TopicPartition, Long> entry : positions.entrySet()) {
            TopicPartition partition = entry.getKey();
            long position = entry.getValue();
            long start = starts.get(partition);
            if (start <= position) {
                throw new IllegalStateException(("Offset %s of topic %s partition %s is beyond the last record Kafka holds: the topic was deleted and created again. "
                        + "Ingestion of %s stopped with every committed record kept; bind a new table to the new topic").formatted(position, binding.topic(), partition.partition(), identifier));
            }
            LostOffsets lost = new LostOffsets(partition.partition(), position, start);
            if (dataLossPolicy == DataLossPolicy.FAIL) {
                throw new IllegalStateException(("Records of topic %s %s (%s offsets) were deleted by Kafka retention before they were ingested. Ingestion of %s stopped with every earlier record kept; "
                        + "to skip the lost records and go on, ALTER TABLE ... SET PROPERTIES data_loss_policy = 'CONTINUE'").formatted(binding.topic(), lost.describe(), lost.count(), identifier));
            }
            log.warn("Records of topic {} {} ({} offsets) were deleted by Kafka retention before they were ingested into {}; going on after them as data_loss_policy is CONTINUE",
                    binding.topic(), lost.describe(), lost.count(), identifier);
            lostOffsets.add(lost);
            committer.lost(lost);
            consumer.seek(partition, start);
            builders.get(partition.partition()).skipTo(start);
        }
    }

    /**
     * Makes the loop look for a schema or partition change committed meanwhile (by Freshet or another engine) before
     * its next poll; completes once it has, so that records consumed afterwards are decoded with the new schema.
     */
    public CompletableFuture<Void> checkTableChanges()
    {
        CompletableFuture<Void> checked = new CompletableFuture<>();
        tableChangeChecks.add(checked);
        if (state == State.FAILED || state == State.STOPPED) {
            checked.complete(null);
        }
        return checked;
    }

    /**
     * Adopts a schema or partition spec committed since the loop last looked: every commit refreshes the table, the
     * loop refreshes it every few seconds, and {@link #checkTableChanges} asks for a refresh at once. The switch happens between polls, where every builder is
     * sealed: batches decoded before keep their schema and are read and flushed with its field ids, the next
     * record goes into the new layout, so no record is lost or taken twice. What Freshet cannot write stops the
     * table with the reason.
     */
    private void adoptTableChanges()
    {
        if (flushInFlight != null) {
            // the flush thread uses the table object; its commit refreshes it, and the check follows that commit
            return;
        }
        List<CompletableFuture<Void>> checks = new ArrayList<>();
        for (CompletableFuture<Void> check; (check = tableChangeChecks.poll()) != null; ) {
            checks.add(check);
        }
        try {
            Schema current;
            PartitionSpec spec;
            try {
                if (!checks.isEmpty() || System.nanoTime() >= nextTableChangeCheckNanos) {
                    nextTableChangeCheckNanos = System.nanoTime() + TABLE_CHANGE_CHECK_NANOS;
                    table.refresh();
                }
                // after a commit whose outcome was unknown, reading the metadata refreshes it too
                current = table.schema();
                spec = table.spec();
            }
            catch (RuntimeException e) {
                // a catalog or storage outage only delays the check: ingestion goes on with the schema it has
                nextTableChangeCheckNanos = System.nanoTime() + TABLE_CHANGE_CHECK_NANOS;
                log.warn("Cannot look for schema changes of {}: {}; trying again in {} s", identifier, e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(TABLE_CHANGE_CHECK_NANOS));
                return;
            }
            adoptCurrentTable(current, spec);
        }
        finally {
            // a failure stops the table: the callers learn it from its status
            checks.forEach(check -> check.complete(null));
        }
    }

    private void adoptCurrentTable(Schema current, PartitionSpec spec)
    {
        if (current.schemaId() == schema.schemaId() && spec.specId() == specId) {
            return;
        }
        SchemaChanges.requireAdoptable(schema, current);
        SchemaChanges.requireWritable(current, spec);
        if (current.schemaId() != schema.schemaId()) {
            RecordDecoder newDecoder;
            try {
                keepJsonFieldsOfRenamedColumns(current);
                newDecoder = new JsonRecordDecoder(current, table.properties());
            }
            catch (RuntimeException e) {
                // the schema is adopted only with its JSON mapping: the next check tries again
                log.warn("Cannot record the JSON fields of renamed columns of {}: {}; trying again in {} s", identifier, e.getMessage(), TimeUnit.NANOSECONDS.toSeconds(TABLE_CHANGE_CHECK_NANOS));
                return;
            }
            decoder = newDecoder;
            for (Map.Entry<Integer, HotBatchBuilder> entry : builders.entrySet()) {
                HotBatchBuilder previous = entry.getValue();
                if (previous.hasRows()) {
                    buffer.append(previous.seal());
                }
                entry.setValue(new HotBatchBuilder(buffer.allocator(), current, entry.getKey(), previous.endOffset()));
                previous.close();
            }
            log.info("Ingestion of {} adopted schema {}: {}", identifier, current.schemaId(), current.asStruct());
        }
        if (spec.specId() != specId) {
            log.info("Ingestion of {} writes partition spec {} from its next flush: {}", identifier, spec.specId(), spec);
        }
        schema = current;
        specId = spec.specId();
        timePartitions = new PartitionRows(spec);
    }

    /** A column another engine renamed keeps decoding from the JSON field it decoded from, unless a mapping says otherwise. */
    private void keepJsonFieldsOfRenamedColumns(Schema current)
    {
        Map<String, String> properties = table.properties();
        UpdateProperties update = null;
        for (NestedField column : current.columns()) {
            NestedField before = schema.findField(column.fieldId());
            if (before != null && !before.name().equals(column.name()) && !properties.containsKey(JsonFieldNames.property(column.fieldId()))) {
                update = update == null ? table.updateProperties() : update;
                update.set(JsonFieldNames.property(column.fieldId()), JsonFieldNames.jsonName(before, properties));
            }
        }
        if (update != null) {
            update.commit();
        }
    }

    private void coalesceSmallBatches()
    {
        // a failed commit waiting for its retry covers batches up to its target: a merged batch must not straddle it
        if (flushInFlight != null || committer.hasPending()) {
            return;
        }
        long cpu = IngestStages.threadCpuNanos();
        for (Integer partition : builders.keySet()) {
            buffer.coalesce(partition, COALESCE_MINIMUM_BATCHES, COALESCE_MAXIMUM_ROWS, timePartitions::timeRangeKey);
        }
        stages.charge(IngestStages.Stage.BUFFER, cpu);
    }

    private void append(HotBatchBuilder builder, ConsumerRecord<byte[], byte[]> record)
    {
        try {
            RecordDecoder.requireSize(record.serializedValueSize(), settings.maxRecordBytes());
            decoder.decode(record.value(), builder.vectors(), builder.nextRow());
            builder.completeRow(record.offset(), record.timestamp(), record.key(), record.headers());
        }
        catch (BadRecordException e) {
            handleBadRecord(record, e.getMessage());
            builder.skipTo(record.offset() + 1);
        }
    }

    private void handleBadRecord(ConsumerRecord<byte[], byte[]> record, String reason)
    {
        badRecords.incrementAndGet();
        if (badRecordPolicy != BadRecordPolicy.FAIL) {
            badRecordLog.badRecord(record, reason, badRecordPolicy);
        }
        switch (badRecordPolicy) {
            case SKIP -> {}
            case DEAD_LETTER -> {
                if (deadLetterPublisher == null) {
                    deadLetterPublisher = new DeadLetterPublisher(settings.kafkaProperties(), binding.effectiveDeadLetterTopic());
                }
                deadLetterPublisher.publish(record, reason);
                deadLetteredRecords.incrementAndGet();
            }
            case FAIL -> throw new IllegalStateException(
                    "Record at topic %s partition %s offset %s cannot be decoded: %s. Ingestion of %s stopped with every earlier record kept; fix the record or set bad_record_policy to SKIP or DEAD_LETTER"
                            .formatted(record.topic(), record.partition(), record.offset(), BadRecordLog.withoutContent(reason), identifier));
        }
    }

    private void applyBackpressure()
    {
        long allocated = rootAllocator.getAllocatedMemory();
        if (!paused && allocated >= settings.hotBufferMaxBytes()) {
            consumer.pause(consumer.assignment());
            paused = true;
            pausedSinceNanos = System.nanoTime();
            log.info("Hot buffer full ({} bytes); pausing consumption of {} until a commit frees memory", allocated, binding.topic());
        }
        else if (paused && allocated < settings.hotBufferMaxBytes() * 9 / 10) {
            consumer.resume(consumer.assignment());
            paused = false;
        }
    }

    /**
     * Whether a pause of consumption should commit this table early to free memory: only when it holds a real share
     * of the cap, so a small table is not committed for another table's rows, or when the pause has lasted long
     * enough that waiting for the larger tables' commits has not freed memory.
     */
    private boolean pauseFreesMemory()
    {
        if (!paused) {
            return false;
        }
        return buffer.bufferedBytes() >= settings.hotBufferMaxBytes() / PAUSE_FLUSH_SHARE
                || System.nanoTime() - pausedSinceNanos >= PAUSE_FLUSH_ANYWAY_NANOS;
    }

    private void startFlushIfDue()
    {
        for (FlushRequest request; (request = flushRequests.poll()) != null; ) {
            waitingFlushRequests.add(request);
        }
        completeSatisfiedFlushRequests(buffer.committed().watermark());
        if (flushInFlight != null || System.nanoTime() < nextFlushAttemptNanos) {
            return;
        }
        long age = buffer.unflushedAgeNanos();
        boolean due = !waitingFlushRequests.isEmpty()
                || buffer.bufferedBytes() >= settings.flushMaxBytes()
                || (age >= 0 && age >= settings.flushInterval().toNanos())
                || (age >= 0 && pauseFreesMemory());
        if (!due) {
            return;
        }
        Optional<FlushPlan> plan = buffer.planFlush();
        if (plan.isEmpty()) {
            return;
        }
        DeadLetterPublisher publisher = deadLetterPublisher;
        flushInFlight = CompletableFuture.supplyAsync(() -> flushAndCommit(plan.get(), publisher), flushExecutor);
    }

    private CommittedState flushAndCommit(FlushPlan plan, DeadLetterPublisher publisher)
    {
        try (plan) {
            if (publisher != null) {
                publisher.awaitSent();
            }
            long cpu = IngestStages.threadCpuNanos();
            CommittedState committed;
            long commitStarted;
            if (committer.hasPending()) {
                // the files of the failed commit are committed first; the rest of the buffer flushes next
                commitStarted = System.nanoTime();
                committed = committer.retryPending();
            }
            else {
                long throttled = flushThrottle.sleptNanos();
                long writeStarted = System.nanoTime();
                List<DataFile> files;
                try {
                    files = flusher.write(plan.batches());
                }
                catch (RuntimeException e) {
                    committer.writeFailed();
                    throw e;
                }
                commitStarted = System.nanoTime();
                stages.addFlush(commitStarted - writeStarted, files.stream().mapToLong(DataFile::fileSizeInBytes).sum());
                cpu = stages.charge(IngestStages.Stage.PARQUET, cpu);
                stages.addThrottled(flushThrottle.sleptNanos() - throttled);
                committed = committer.commit(files, plan.base(), plan.target());
            }
            stages.addCommit(System.nanoTime() - commitStarted);
            buffer.publishCommit(committed);
            stages.charge(IngestStages.Stage.COMMIT, cpu);
            log.debug("Committed {} to watermark {}", identifier, committed.watermark());
            return committed;
        }
    }

    private void completeFlush()
    {
        if (flushInFlight == null || !flushInFlight.isDone()) {
            return;
        }
        try {
            CommittedState committed = flushInFlight.join();
            commits.incrementAndGet();
            lastCommitMillis = System.currentTimeMillis();
            commitConsumerOffsets(committed.watermark());
            completeSatisfiedFlushRequests(committed.watermark());
        }
        catch (RuntimeException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof TransactionLog.ConcurrentWriterException concurrent) {
                throw concurrent;
            }
            if (cause instanceof DeadLetterPublisher.DeadLetterException deadLetter) {
                throw deadLetter;
            }
            if (!committer.hasPending()) {
                log.warn("Flush of {} failed, retrying in {}: {}", identifier, committer.retryDelay(), cause.getMessage(), cause);
            }
            nextFlushAttemptNanos = System.nanoTime() + committer.retryDelay().toNanos();
        }
        finally {
            flushInFlight = null;
        }
    }

    /** With {@code kafka.group.id} set, mirrors the watermark into the group's offsets so lag tools can watch it. */
    private void commitConsumerOffsets(OffsetWatermark watermark)
    {
        if (!settings.kafkaProperties().containsKey(ConsumerConfig.GROUP_ID_CONFIG)) {
            return;
        }
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        watermark.nextOffsets().forEach((partition, offset) -> offsets.put(new TopicPartition(binding.topic(), partition), new OffsetAndMetadata(offset)));
        consumer.commitAsync(offsets, (_, exception) -> {
            if (exception != null) {
                log.debug("Informational offset commit for {} failed: {}", identifier, exception.getMessage());
            }
        });
    }

    private void completeSatisfiedFlushRequests(OffsetWatermark watermark)
    {
        waitingFlushRequests.removeIf(request -> {
            boolean satisfied = request.highWaterMarks().entrySet().stream().allMatch(entry -> watermark.nextOffset(entry.getKey()) >= entry.getValue());
            if (satisfied) {
                request.future().complete(buffer.committed());
            }
            return satisfied;
        });
    }

    /** Waits for the flush in flight to end however long its commit takes: a restarted ingester must not commit beside it. */
    private void awaitFlushInFlight()
    {
        if (flushInFlight != null) {
            try {
                while (true) {
                    try {
                        flushInFlight.get(1, TimeUnit.MINUTES);
                        break;
                    }
                    catch (java.util.concurrent.TimeoutException e) {
                        log.warn("Ingestion of {} is stopping and waits for its flush to finish committing", identifier);
                    }
                }
                commits.incrementAndGet();
                completeSatisfiedFlushRequests(buffer.committed().watermark());
            }
            catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                log.warn("Interrupted while waiting for the flush of {} to finish", identifier);
            }
            catch (Exception e) {
                log.warn("Flush of {} did not complete while stopping: {}", identifier, e.getMessage());
            }
            flushInFlight = null;
        }
    }

    private void failPendingFlushRequests()
    {
        for (FlushRequest request; (request = flushRequests.poll()) != null; ) {
            waitingFlushRequests.add(request);
        }
        for (FlushRequest request : waitingFlushRequests) {
            request.future().completeExceptionally(notRunning());
        }
        waitingFlushRequests.clear();
    }

    private IllegalStateException notRunning()
    {
        return new IllegalStateException("Ingestion of " + identifier + " is " + state + (failure == null ? "" : ": " + failure));
    }

    private void sleep(Duration duration)
    {
        try {
            Thread.sleep(duration);
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            running = false;
        }
    }

    @Override
    public void close()
    {
        running = false;
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        awaitTermination();
        // batches still read by running queries keep their memory until those queries release them
        buffer.close();
    }

    /**
     * Waits until the ingest thread and its flush have ended, however long a commit in flight takes, so
     * that no ingester of the same table starts to commit beside this one.
     */
    public void awaitTermination()
    {
        try {
            while (thread.isAlive()) {
                thread.join(TimeUnit.MINUTES.toMillis(1));
                if (thread.isAlive()) {
                    log.warn("Waiting for ingestion of {} to stop: its flush is still committing", identifier);
                }
            }
            flushExecutor.shutdown();
            while (!flushExecutor.awaitTermination(1, TimeUnit.MINUTES)) {
                log.warn("Waiting for the flush of {} to finish committing", identifier);
            }
        }
        catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private record FlushRequest(Map<Integer, Long> highWaterMarks, CompletableFuture<CommittedState> future) {}
}
