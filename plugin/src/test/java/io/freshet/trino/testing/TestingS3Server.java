package io.freshet.trino.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A real S3-compatible server on loopback: S3Proxy with a directory as its blob store (a bucket is a folder),
 * run from its jar as a child process so that its Jetty never meets Trino's. It can be stopped and started again
 * on the same port and data, to test storage outages.
 */
public final class TestingS3Server
        implements AutoCloseable
{
    public static final String ACCESS_KEY = "freshet-access";
    public static final String SECRET_KEY = "freshet-secret-key";
    public static final String REGION = "us-east-1";

    private final Path directory;
    private final int port;
    private Process process;

    public TestingS3Server(String... buckets)
    {
        try {
            directory = Files.createTempDirectory("s3proxy");
            for (String bucket : buckets) {
                Files.createDirectories(directory.resolve("data").resolve(bucket));
            }
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        start();
    }

    public String endpoint()
    {
        return "http://127.0.0.1:" + port;
    }

    /** Where the server keeps an object: for planting files behind the server's back. */
    public Path objectPath(String bucket, String key)
    {
        return directory.resolve("data").resolve(bucket).resolve(key);
    }

    /** Trino's file-system properties that reach this server. */
    public Map<String, String> trinoProperties()
    {
        Map<String, String> properties = new HashMap<>();
        properties.put("fs.native-s3.enabled", "true");
        properties.put("s3.endpoint", endpoint());
        properties.put("s3.region", REGION);
        properties.put("s3.path-style-access", "true");
        properties.put("s3.aws-access-key", ACCESS_KEY);
        properties.put("s3.aws-secret-key", SECRET_KEY);
        return properties;
    }

    public synchronized void start()
    {
        try {
            Path configuration = directory.resolve("s3proxy.properties");
            Files.writeString(configuration, String.join("\n",
                    "s3proxy.endpoint=" + endpoint(),
                    "s3proxy.authorization=aws-v2-or-v4",
                    "s3proxy.identity=" + ACCESS_KEY,
                    "s3proxy.credential=" + SECRET_KEY,
                    // the AWS SDK sends x-amz-optional-object-attributes on listings, which S3Proxy otherwise refuses
                    "s3proxy.ignore-unknown-headers=true",
                    "jclouds.provider=filesystem",
                    "jclouds.identity=" + ACCESS_KEY,
                    "jclouds.credential=" + SECRET_KEY,
                    "jclouds.filesystem.basedir=" + directory.resolve("data"),
                    ""));
            Path jar = Path.of(System.getProperty("basedir", ""), "target", "s3proxy", "s3proxy.jar").toAbsolutePath();
            if (!Files.isRegularFile(jar)) {
                throw new IllegalStateException("S3Proxy is not at %s: run the Maven build of the plugin module (phase process-test-resources) first".formatted(jar));
            }
            Path java = Path.of(System.getProperty("java.home"), "bin", "java");
            process = new ProcessBuilder(List.of(java.toString(), "-Xmx256m", "-jar", jar.toString(), "--properties", configuration.toString()))
                    .redirectErrorStream(true)
                    .redirectOutput(directory.resolve("s3proxy.log").toFile())
                    .start();
            ChildProcesses.waitUntilListening("S3Proxy", process, port, directory.resolve("s3proxy.log"), Duration.ofSeconds(60));
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public synchronized void stop()
    {
        if (process != null) {
            ChildProcesses.stop(process);
            process = null;
        }
    }

    @Override
    public void close()
    {
        stop();
    }
}
