package io.freshet.trino.config;

import io.airlift.units.DataSize;
import io.airlift.units.Duration;
import io.freshet.ingest.settings.IngestProperties;
import io.freshet.ingest.settings.UpkeepSettings;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static io.airlift.configuration.testing.ConfigAssertions.assertDeprecatedEquivalence;
import static io.airlift.configuration.testing.ConfigAssertions.assertFullMapping;
import static io.airlift.configuration.testing.ConfigAssertions.assertRecordedDefaults;
import static io.airlift.configuration.testing.ConfigAssertions.recordDefaults;
import static io.airlift.units.DataSize.Unit.MEGABYTE;
import static io.freshet.trino.testing.ConfigurationDocumentation.assertDocumentsProperties;
import static org.assertj.core.api.Assertions.assertThat;

public class TestUpkeepConfig
{
    public static final Map<String, String> EXPLICIT = Map.ofEntries(
            Map.entry("freshet.upkeep.enabled", "false"),
            Map.entry("freshet.upkeep.interval", "30s"),
            Map.entry("freshet.upkeep.threads", "2"),
            Map.entry("freshet.compaction.enabled", "false"),
            Map.entry("freshet.compaction.target-file-size", "256MB"),
            Map.entry("freshet.compaction.min-input-files", "4"),
            Map.entry("freshet.compaction.max-manifests", "20"),
            Map.entry("freshet.snapshot-expiry.enabled", "false"),
            Map.entry("freshet.snapshot-expiry.retention", "6h"),
            Map.entry("freshet.snapshot-expiry.retain-last", "3"),
            Map.entry("freshet.orphan-cleanup.enabled", "false"),
            Map.entry("freshet.orphan-cleanup.interval", "6h"),
            Map.entry("freshet.orphan-cleanup.retention", "2h"));

    @Test
    void defaults()
    {
        assertRecordedDefaults(recordDefaults(UpkeepConfig.class)
                .setUpkeepEnabled(true)
                .setInterval(new Duration(5, TimeUnit.MINUTES))
                .setThreads(1)
                .setCompactionEnabled(true)
                .setTargetFileSize(DataSize.of(128, MEGABYTE))
                .setMinInputFiles(8)
                .setMaxManifests(100)
                .setSnapshotExpiryEnabled(true)
                .setSnapshotRetention(new Duration(24, TimeUnit.HOURS))
                .setRetainLast(10)
                .setOrphanCleanupEnabled(true)
                .setOrphanCleanupInterval(new Duration(1, TimeUnit.HOURS))
                .setOrphanRetention(new Duration(1, TimeUnit.HOURS)));
        assertThat(new UpkeepConfig().toSettings()).isEqualTo(UpkeepSettings.DEFAULT);
    }

    @Test
    void explicitProperties()
    {
        assertFullMapping(EXPLICIT, explicitConfig());
    }

    /** The upkeep properties were named freshet.maintenance.* before: connector and standalone worker still read those names. */
    @Test
    void formerNamesStillWork()
    {
        Map<String, String> former = new HashMap<>(EXPLICIT);
        for (String name : List.of("enabled", "interval", "threads")) {
            former.put("freshet.maintenance." + name, former.remove("freshet.upkeep." + name));
        }
        assertDeprecatedEquivalence(UpkeepConfig.class, EXPLICIT, former);
        former.put("kafka.bootstrap.servers", "localhost:9092");
        assertThat(IngestProperties.parse(former).upkeep()).isEqualTo(explicitConfig().toSettings());
    }

    /** The standalone worker reads the same upkeep properties with the same meaning. */
    @Test
    void standaloneWorkerReadsUpkeepPropertiesLikeTheConnector()
    {
        Map<String, String> properties = new HashMap<>(EXPLICIT);
        properties.put("kafka.bootstrap.servers", "localhost:9092");
        assertThat(IngestProperties.parse(properties).upkeep()).isEqualTo(explicitConfig().toSettings());
    }

    @Test
    void documentationNamesEveryUpkeepProperty()
            throws Exception
    {
        assertDocumentsProperties(EXPLICIT.keySet());
    }

    private static UpkeepConfig explicitConfig()
    {
        return new UpkeepConfig()
                .setUpkeepEnabled(false)
                .setInterval(new Duration(30, TimeUnit.SECONDS))
                .setThreads(2)
                .setCompactionEnabled(false)
                .setTargetFileSize(DataSize.of(256, MEGABYTE))
                .setMinInputFiles(4)
                .setMaxManifests(20)
                .setSnapshotExpiryEnabled(false)
                .setSnapshotRetention(new Duration(6, TimeUnit.HOURS))
                .setRetainLast(3)
                .setOrphanCleanupEnabled(false)
                .setOrphanCleanupInterval(new Duration(6, TimeUnit.HOURS))
                .setOrphanRetention(new Duration(2, TimeUnit.HOURS));
    }
}
