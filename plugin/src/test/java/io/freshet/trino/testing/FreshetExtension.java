package io.freshet.trino.testing;

import io.freshet.ingest.testing.KafkaExtension;
import io.freshet.ingest.testing.TestingKafka;
import io.trino.testing.DistributedQueryRunner;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.nio.file.Path;
import java.util.Map;

import static java.util.Objects.requireNonNull;

/**
 * What most connector tests share, once per test class: a real broker, a temporary warehouse, Trino with a Freshet
 * catalog on both (with the given catalog properties), and the schema {@code freshet.shop}:
 * {@code @RegisterExtension static final FreshetExtension freshet = new FreshetExtension(Map.of(...));}
 */
public final class FreshetExtension
        implements BeforeAllCallback, AfterAllCallback
{
    private final KafkaExtension environment = new KafkaExtension();
    private final Map<String, String> catalogProperties;
    private DistributedQueryRunner queryRunner;

    public FreshetExtension(Map<String, String> catalogProperties)
    {
        this.catalogProperties = Map.copyOf(requireNonNull(catalogProperties, "catalogProperties is null"));
    }

    @Override
    public void beforeAll(ExtensionContext context)
            throws Exception
    {
        environment.beforeAll(context);
        queryRunner = FreshetQueryRunner.create(kafka().bootstrapServers(), warehouse(), catalogProperties);
        queryRunner.execute("CREATE SCHEMA freshet.shop");
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws Exception
    {
        try {
            if (queryRunner != null) {
                queryRunner.close();
            }
        }
        finally {
            environment.afterAll(context);
        }
    }

    public DistributedQueryRunner queryRunner()
    {
        if (queryRunner == null) {
            throw new IllegalStateException("Trino runs from the test class's first test on");
        }
        return queryRunner;
    }

    public TestingKafka kafka()
    {
        return environment.kafka();
    }

    public Path warehouse()
    {
        return environment.warehouse();
    }
}
