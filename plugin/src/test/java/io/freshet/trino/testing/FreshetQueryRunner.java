package io.freshet.trino.testing;

import io.freshet.trino.FreshetPlugin;
import io.trino.testing.DistributedQueryRunner;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.trino.testing.TestingSession.testSessionBuilder;

/** A real Trino (coordinator only, so it also ingests) with the Freshet plugin and a catalog on a real broker. */
public final class FreshetQueryRunner
{
    private FreshetQueryRunner() {}

    public static DistributedQueryRunner create(String bootstrapServers, Path warehouse, Map<String, String> extraProperties)
            throws Exception
    {
        DistributedQueryRunner queryRunner = DistributedQueryRunner.builder(testSessionBuilder()
                        .setCatalog("freshet")
                        .setSchema("shop")
                        .build())
                .setWorkerCount(0)
                .build();
        try {
            queryRunner.installPlugin(new FreshetPlugin());
            queryRunner.createCatalog("freshet", "freshet", catalogProperties(bootstrapServers, warehouse, extraProperties));
            return queryRunner;
        }
        catch (Throwable e) {
            queryRunner.close();
            throw e;
        }
    }

    public static Map<String, String> catalogProperties(String bootstrapServers, Path warehouse, Map<String, String> extraProperties)
    {
        Map<String, String> properties = new HashMap<>();
        properties.put("kafka.bootstrap.servers", bootstrapServers);
        properties.put("iceberg.jdbc-catalog.default-warehouse-dir", warehouse.toString());
        properties.putAll(extraProperties);
        return properties;
    }
}
