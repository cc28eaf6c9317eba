package io.freshet.trino.config;

import io.airlift.units.Duration;
import io.freshet.ingest.cluster.ClusterSettings;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.freshet.trino.testing.ConfigurationDocumentation.assertDocumentsProperties;
import static org.assertj.core.api.Assertions.assertThat;

public class TestClusterConfig
{
    public static final Map<String, String> EXPLICIT = Map.of(
            "freshet.ownership.refresh-interval", "500ms",
            "freshet.table-discovery.interval", "1m",
            "freshet.ownership.fence-hold-off", "2m");

    @Test
    void defaults()
    {
        assertRecordedDefaults(recordDefaults(ClusterConfig.class)
                .setOwnershipRefreshInterval(new Duration(2, TimeUnit.SECONDS))
                .setTableDiscoveryInterval(new Duration(10, TimeUnit.SECONDS))
                .setFenceHoldOff(new Duration(30, TimeUnit.SECONDS)));
        // the standalone worker and the connector follow the cluster with the same defaults
        assertThat(new ClusterConfig().toSettings()).isEqualTo(ClusterSettings.DEFAULT);
    }

    @Test
    void explicitProperties()
    {
        ClusterConfig expected = new ClusterConfig()
                .setOwnershipRefreshInterval(new Duration(500, TimeUnit.MILLISECONDS))
                .setTableDiscoveryInterval(new Duration(1, TimeUnit.MINUTES))
                .setFenceHoldOff(new Duration(2, TimeUnit.MINUTES));
        assertFullMapping(EXPLICIT, expected);
        assertThat(expected.toSettings()).isEqualTo(new ClusterSettings(java.time.Duration.ofMillis(500), java.time.Duration.ofMinutes(1), java.time.Duration.ofMinutes(2)));
    }

    @Test
    void documented()
            throws Exception
    {
        assertDocumentsProperties(EXPLICIT.keySet());
    }
}
