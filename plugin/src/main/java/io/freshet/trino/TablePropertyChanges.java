package io.freshet.trino;

import io.freshet.ingest.consumer.DataLossPolicy;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.consumer.UnknownTopicException;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.security.AllowedTopics;
import io.trino.spi.TrinoException;
import io.trino.spi.connector.SchemaTableName;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;

import static io.freshet.trino.FreshetErrorCode.FRESHET_KAFKA_ERROR;
import static io.freshet.trino.FreshetErrorCode.FRESHET_UNKNOWN_TOPIC;
import static io.freshet.trino.FreshetMetadata.toIdentifier;
import static io.trino.spi.StandardErrorCode.INVALID_TABLE_PROPERTY;
import static java.util.Objects.requireNonNull;

/**
 * {@code ALTER TABLE ... SET PROPERTIES} of the properties that shape ingestion: how bad records are handled and the
 * data-loss policy. The change restarts the table's ingestion from its offset watermark, so a table stopped by the
 * FAIL policy resumes with SKIP or DEAD_LETTER. The topic and format are fixed.
 */
final class TablePropertyChanges
{
    private final IngestionManager ingestion;
    private final TableCache tableCache;
    private final AllowedTopics allowedTopics;
    private final Function<SchemaTableName, Table> loadTable;

    /** @param loadTable loads the catalog's current version of a table */
    TablePropertyChanges(IngestionManager ingestion, TableCache tableCache, AllowedTopics allowedTopics, Function<SchemaTableName, Table> loadTable)
    {
        this.loadTable = requireNonNull(loadTable, "loadTable is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.allowedTopics = requireNonNull(allowedTopics, "allowedTopics is null");
    }

    /** Refuses, before anything changes, a property that cannot be changed. */
    static void checkChangeable(Map<String, Optional<Object>> properties)
    {
        for (String name : properties.keySet()) {
            if (!name.equals(FreshetTableProperties.BAD_RECORD_POLICY) && !name.equals(FreshetTableProperties.DEAD_LETTER_TOPIC) && !name.equals(FreshetTableProperties.DATA_LOSS_POLICY)
                    && !name.equals(FreshetTableProperties.PARTITIONING)) {
                throw new TrinoException(INVALID_TABLE_PROPERTY, "Table property %s cannot be changed; only bad_record_policy, dead_letter_topic, data_loss_policy and partitioning can".formatted(name));
            }
        }
    }

    /** Sets the properties other than partitioning on the table and restarts its ingestion when it runs on this node. */
    void setIngestionProperties(SchemaTableName name, Map<String, Optional<Object>> properties)
    {
        Optional<Optional<String>> dataLossPolicy = Optional.ofNullable(properties.get(FreshetTableProperties.DATA_LOSS_POLICY))
                .map(value -> value.flatMap(policy -> FreshetTableProperties.dataLossPolicy(Map.of(FreshetTableProperties.DATA_LOSS_POLICY, policy))));
        Table table = loadTable.apply(name);
        Map<String, Object> current = new java.util.HashMap<>(TableBinding.fromTableProperties(table.properties())
                .map(FreshetTableProperties::toProperties)
                .orElseThrow(() -> FreshetErrors.notFreshetTable(name)));
        properties.forEach((property, value) -> {
            if (property.equals(FreshetTableProperties.DATA_LOSS_POLICY) || property.equals(FreshetTableProperties.PARTITIONING)) {
                return;
            }
            if (value.isPresent()) {
                current.put(property, value.get());
            }
            else {
                current.remove(property);
            }
        });
        TableBinding binding = FreshetTableProperties.binding(current);
        allowedTopics.check(binding, ingestion.worker().settings().badRecordPolicy());
        if (binding.badRecordPolicy().orElse(ingestion.worker().settings().badRecordPolicy()) == io.freshet.ingest.decoding.BadRecordPolicy.DEAD_LETTER) {
            try {
                ingestion.worker().requireTopic(binding.effectiveDeadLetterTopic());
            }
            catch (UnknownTopicException e) {
                throw new TrinoException(FRESHET_UNKNOWN_TOPIC, e.getMessage(), e);
            }
            catch (RuntimeException e) {
                throw new TrinoException(FRESHET_KAFKA_ERROR, e.getMessage(), e);
            }
        }
        Map<String, String> updated = binding.toTableProperties();
        org.apache.iceberg.UpdateProperties update = table.updateProperties();
        for (String key : List.of(TableBinding.BAD_RECORD_POLICY_PROPERTY, TableBinding.DEAD_LETTER_TOPIC_PROPERTY)) {
            if (updated.containsKey(key)) {
                update.set(key, updated.get(key));
            }
            else {
                update.remove(key);
            }
        }
        dataLossPolicy.ifPresent(policy -> policy.ifPresentOrElse(value -> update.set(DataLossPolicy.PROPERTY, value), () -> update.remove(DataLossPolicy.PROPERTY)));
        update.commit();
        TableIdentifier identifier = toIdentifier(name);
        // a property change makes no snapshot: the cached metadata would not notice it
        tableCache.invalidate(identifier);
        if (ingestion.ingester(identifier).isPresent()) {
            ingestion.worker().suspendDiscovery(identifier);
            try {
                ingestion.worker().stop(identifier);
                ingestion.startIngestion(identifier);
            }
            finally {
                ingestion.worker().resumeDiscovery(identifier);
            }
        }
    }
}
