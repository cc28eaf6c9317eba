package io.freshet.trino.metadata;

import com.google.inject.Inject;
import io.freshet.trino.cluster.ClusterCuts;
import io.freshet.trino.catalog.TableCache;
import io.freshet.trino.handle.FreshetTransactionHandle;
import io.freshet.trino.ingestion.IngestionManager;
import io.freshet.trino.security.AllowedTopics;
import io.freshet.trino.upkeep.TableUpkeep;
import io.trino.spi.type.TypeManager;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static java.util.Objects.requireNonNull;

/** The metadata of each open transaction, created when it begins and dropped when it ends. */
public final class FreshetTransactionManager
{
    private final IngestionManager ingestion;
    private final TableUpkeep upkeep;
    private final TypeManager typeManager;
    private final TableCache tableCache;
    private final AllowedTopics allowedTopics;
    private final ClusterCuts clusterCuts;
    private final Map<FreshetTransactionHandle, FreshetMetadata> transactions = new ConcurrentHashMap<>();

    @Inject
    public FreshetTransactionManager(IngestionManager ingestion, TableUpkeep upkeep, TypeManager typeManager, TableCache tableCache, AllowedTopics allowedTopics, ClusterCuts clusterCuts)
    {
        this.clusterCuts = requireNonNull(clusterCuts, "clusterCuts is null");
        this.ingestion = requireNonNull(ingestion, "ingestion is null");
        this.upkeep = requireNonNull(upkeep, "upkeep is null");
        this.typeManager = requireNonNull(typeManager, "typeManager is null");
        this.tableCache = requireNonNull(tableCache, "tableCache is null");
        this.allowedTopics = requireNonNull(allowedTopics, "allowedTopics is null");
    }

    public FreshetTransactionHandle begin()
    {
        FreshetTransactionHandle transaction = FreshetTransactionHandle.create();
        transactions.put(transaction, new FreshetMetadata(ingestion, upkeep, typeManager, tableCache, allowedTopics, clusterCuts));
        return transaction;
    }

    public FreshetMetadata get(FreshetTransactionHandle transaction)
    {
        FreshetMetadata metadata = transactions.get(transaction);
        if (metadata == null) {
            throw new IllegalStateException("Unknown or ended transaction " + transaction.transactionId());
        }
        return metadata;
    }

    public void end(FreshetTransactionHandle transaction)
    {
        transactions.remove(transaction);
    }
}
