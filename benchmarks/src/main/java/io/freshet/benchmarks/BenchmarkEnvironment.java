package io.freshet.benchmarks;

import io.freshet.ingest.testing.TestingKafka;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What every benchmark shares: the Kafka broker (a real single-node KRaft cluster in this JVM), the built artifacts
 * bin/benchmark points at through system properties, and a scratch directory.
 */
public final class BenchmarkEnvironment
        implements AutoCloseable
{
    private final TestingKafka kafka;
    private final Path workDirectory;

    public BenchmarkEnvironment(Path workDirectory)
    {
        this.workDirectory = workDirectory;
        this.kafka = new TestingKafka();
    }

    public TestingKafka kafka()
    {
        return kafka;
    }

    public Path workDirectory(String name)
    {
        try {
            return Files.createDirectories(workDirectory.resolve(name));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The unpacked stock Trino server (trino-server-core tarball). */
    public Path trinoServer()
    {
        return requiredPath("freshet.trino.server");
    }

    /** The Freshet plugin zip as users install it. */
    public Path pluginZip()
    {
        return requiredPath("freshet.plugin.zip");
    }

    /** Jars of Kafka Connect and the Apache Iceberg sink (benchmarks/connect-sink/pom.xml). */
    public Path connectLib()
    {
        return requiredPath("freshet.connect.lib");
    }

    /** The java launcher Connect runs on (JDK 17: Hadoop's UserGroupInformation fails on JDK 23 and newer). */
    public Path connectJava()
    {
        return requiredPath("freshet.connect.java");
    }

    private static Path requiredPath(String property)
    {
        String value = System.getProperty(property);
        if (value == null) {
            throw new IllegalStateException("System property " + property + " is not set; run the benchmark with bin/benchmark");
        }
        Path path = Path.of(value);
        if (!Files.exists(path)) {
            throw new IllegalStateException(property + " points at " + path + ", which does not exist; run bin/benchmark, which builds it");
        }
        return path;
    }

    @Override
    public void close()
            throws Exception
    {
        kafka.close();
    }
}
