package io.freshet.trino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * Iceberg's own REST catalog server (RESTCatalogServer of iceberg-open-api's test fixtures, a JDBC catalog behind
 * the REST protocol) as a child process on loopback, writing table metadata to the given S3 server. Its class path
 * comes from the testing/iceberg-rest-fixture module, so its Jetty and Hadoop stay out of Trino's.
 */
public final class TestingIcebergRestServer
        implements AutoCloseable
{
    private final Process process;
    private final int port;
    private final Path log;

    public TestingIcebergRestServer(TestingS3Server s3, String warehouse)
    {
        try {
            Path classpathFile = Path.of(System.getProperty("basedir", ""), "..", "testing", "iceberg-rest-fixture", "target", "classpath.txt").toAbsolutePath().normalize();
            if (!Files.isRegularFile(classpathFile)) {
                throw new IllegalStateException("The REST catalog server's class path is not at %s: build the testing/iceberg-rest-fixture module first".formatted(classpathFile));
            }
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            log = Files.createTempFile("iceberg-rest", ".log");
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            ProcessBuilder builder = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-cp", Files.readString(classpathFile).trim(), "org.apache.iceberg.rest.RESTCatalogServer"))
                    .redirectErrorStream(true)
                    .redirectOutput(log.toFile());
            // RESTCatalogServer reads its backing catalog's properties from CATALOG_* variables: '_' is '.', '__' is '-'
            Map<String, String> environment = builder.environment();
            environment.put("CATALOG_REST_PORT", Integer.toString(port));
            environment.put("CATALOG_WAREHOUSE", warehouse);
            // the backing catalog is an in-memory SQLite database, one per connection: a single pooled connection keeps one database
            environment.put("CATALOG_CLIENTS", "1");
            environment.put("CATALOG_IO__IMPL", "org.apache.iceberg.aws.s3.S3FileIO");
            environment.put("CATALOG_S3_ENDPOINT", s3.endpoint());
            environment.put("CATALOG_S3_PATH__STYLE__ACCESS", "true");
            environment.put("CATALOG_S3_ACCESS__KEY__ID", TestingS3Server.ACCESS_KEY);
            environment.put("CATALOG_S3_SECRET__ACCESS__KEY", TestingS3Server.SECRET_KEY);
            environment.put("CATALOG_CLIENT_REGION", TestingS3Server.REGION);
            environment.put("AWS_REGION", TestingS3Server.REGION);
            // S3Proxy does not accept the checksum trailers the AWS SDK sends on uploads by default
            environment.put("AWS_REQUEST_CHECKSUM_CALCULATION", "WHEN_REQUIRED");
            environment.put("AWS_RESPONSE_CHECKSUM_VALIDATION", "WHEN_REQUIRED");
            process = builder.start();
            try {
                ChildProcesses.waitUntilListening("The Iceberg REST catalog server", process, port, log, Duration.ofSeconds(60));
            }
            catch (RuntimeException e) {
                process.destroyForcibly();
                throw e;
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String uri()
    {
        return "http://127.0.0.1:" + port;
    }

    @Override
    public void close()
    {
        ChildProcesses.stop(process);
    }
}
