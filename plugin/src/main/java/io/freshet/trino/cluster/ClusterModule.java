package io.freshet.trino.cluster;

import com.google.inject.Binder;
import com.google.inject.Module;
import com.google.inject.Scopes;
import io.freshet.trino.config.ClusterReadConfig;
import io.freshet.trino.ownership.ClusterNodes;

import static io.airlift.configuration.ConfigBinder.configBinder;

/** Reads across a cluster: cuts planned from the catalog, hot splits served by the partitions' owners. */
public class ClusterModule
        implements Module
{
    @Override
    public void configure(Binder binder)
    {
        configBinder(binder).bindConfig(ClusterReadConfig.class);
        binder.bind(ClusterNodes.class).in(Scopes.SINGLETON);
        binder.bind(KafkaTopicAdmin.class).in(Scopes.SINGLETON);
        binder.bind(ClusterCuts.class).in(Scopes.SINGLETON);
        // eager: owners must keep committed batches from their first commit on
        binder.bind(OwnedHotRanges.class).asEagerSingleton();
    }
}
