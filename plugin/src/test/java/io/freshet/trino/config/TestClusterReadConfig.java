package io.freshet.trino.config;

import io.airlift.units.Duration;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.freshet.trino.testing.ConfigurationDocumentation.assertDocumentsProperties;
import static org.assertj.core.api.Assertions.assertThat;

public class TestClusterReadConfig
{
    public static final Map<String, String> EXPLICIT = Map.of(
            "freshet.cluster.snapshot-max-age", "200ms",
            "freshet.cluster.committed-batch-retention", "2m");

    @Test
    void defaults()
    {
        assertRecordedDefaults(recordDefaults(ClusterReadConfig.class)
                .setSnapshotMaxAge(new Duration(1, TimeUnit.SECONDS))
                .setCommittedBatchRetention(new Duration(30, TimeUnit.SECONDS)));
    }

    @Test
    void explicitProperties()
    {
        assertFullMapping(EXPLICIT, new ClusterReadConfig()
                .setSnapshotMaxAge(new Duration(200, TimeUnit.MILLISECONDS))
                .setCommittedBatchRetention(new Duration(2, TimeUnit.MINUTES)));
    }

    @Test
    void retentionMustOutlastTheSnapshotAge()
    {
        assertThat(new ClusterReadConfig().setSnapshotMaxAge(new Duration(30, TimeUnit.SECONDS)).isRetentionLongerThanSnapshotAge()).isFalse();
        assertThat(new ClusterReadConfig().isRetentionLongerThanSnapshotAge()).isTrue();
    }

    @Test
    void documented()
            throws Exception
    {
        assertDocumentsProperties(EXPLICIT.keySet());
    }
}
