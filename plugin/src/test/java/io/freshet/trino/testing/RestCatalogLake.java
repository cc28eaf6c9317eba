package io.freshet.trino.testing;

import io.freshet.ingest.testing.TestingKafka;
import io.trino.testing.DistributedQueryRunner;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static io.freshet.trino.testing.TestingTrinoPlugins.ICEBERG;

/**
 * A real broker, an S3 server with one bucket and Iceberg's REST catalog server on it: the lake that Freshet and
 * Trino's Iceberg connector share in the tests of the REST catalog.
 */
public final class RestCatalogLake
        implements AutoCloseable
{
    private final String bucket;
    private TestingKafka kafka;
    private TestingS3Server s3;
    private TestingIcebergRestServer rest;

    public RestCatalogLake(String bucket)
            throws Exception
    {
        this.bucket = bucket;
        try {
            kafka = new TestingKafka();
            s3 = new TestingS3Server(bucket);
            rest = new TestingIcebergRestServer(s3, warehouse());
        }
        catch (Throwable e) {
            close();
            throw e;
        }
    }

    public TestingKafka kafka()
    {
        return kafka;
    }

    public TestingS3Server s3()
    {
        return s3;
    }

    public String warehouse()
    {
        return "s3://%s/rest".formatted(bucket);
    }

    /** Freshet's catalog properties for the REST catalog at the given address, with the extra properties on top. */
    public Map<String, String> freshetProperties(String restCatalogUri, Map<String, String> extraProperties)
    {
        Map<String, String> properties = new HashMap<>(s3.trinoProperties());
        properties.put("iceberg.catalog.type", "REST");
        properties.put("iceberg.rest-catalog.uri", restCatalogUri);
        properties.putAll(extraProperties);
        return properties;
    }

    /** A Trino with a Freshet catalog on this lake's REST catalog, its warehouse on S3, and the extra properties on top. */
    public DistributedQueryRunner createQueryRunner(Map<String, String> extraProperties)
            throws Exception
    {
        Map<String, String> properties = new HashMap<>();
        properties.put("iceberg.rest-catalog.warehouse", warehouse());
        properties.putAll(extraProperties);
        return FreshetQueryRunner.create(kafka.bootstrapServers(), Path.of("unused"), freshetProperties(rest.uri(), properties));
    }

    /** Adds a catalog of Trino's Iceberg connector on the same REST catalog, so both engines read the same tables. */
    public void createIcebergCatalog(DistributedQueryRunner queryRunner, String catalogName)
    {
        TestingTrinoPlugins.installPlugin(queryRunner, ICEBERG);
        Map<String, String> iceberg = new HashMap<>(s3.trinoProperties());
        iceberg.put("iceberg.catalog.type", "rest");
        iceberg.put("iceberg.rest-catalog.uri", rest.uri());
        queryRunner.createCatalog(catalogName, "iceberg", iceberg);
    }

    @Override
    public void close()
            throws Exception
    {
        if (rest != null) {
            rest.close();
        }
        if (s3 != null) {
            s3.close();
        }
        if (kafka != null) {
            kafka.close();
        }
    }
}
