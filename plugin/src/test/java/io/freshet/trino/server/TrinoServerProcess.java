package io.freshet.trino.server;

import com.fasterxml.jackson.databind.JsonNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.Objects.requireNonNull;

/**
 * A stock Trino server (the unpacked trino-server-core tarball, never modified) started with {@code bin/launcher run}
 * as a child process. Everything it writes lives under one state directory: etc/, var/ (data dir, logs), plugin/freshet/
 * unpacked from the plugin zip, and the catalog's warehouse. Shared by TestRealTrinoServer and the quickstart.
 */
public final class TrinoServerProcess
        implements AutoCloseable
{
    public static final String CATALOG = "freshet";

    private final Path stateDir;
    private final int port;
    private final Process process;
    private final Path consoleLog;
    private final int jmxRegistryPort;
    private final NodeRole role;

    private TrinoServerProcess(Path stateDir, int port, int jmxRegistryPort, Process process, Path consoleLog, NodeRole role)
    {
        this.role = requireNonNull(role, "role is null");
        this.stateDir = stateDir;
        this.port = port;
        this.jmxRegistryPort = jmxRegistryPort;
        this.process = process;
        this.consoleLog = consoleLog;
    }

    /**
     * Installs the plugin zip into {@code stateDir/plugin/freshet}, writes etc/ with a freshet catalog holding
     * {@code catalogProperties}, starts the server with the JDK at {@code javaHome} and waits until it accepts queries.
     */
    public static TrinoServerProcess start(Path serverHome, Path pluginZip, Path stateDir, Path javaHome, Map<String, String> catalogProperties, Duration startupTimeout)
            throws IOException, InterruptedException
    {
        return start(serverHome, pluginZip, stateDir, javaHome, catalogProperties, startupTimeout, stateDir.resolve("server-console.log"));
    }

    /** As above, with the server's console output (its log, as {@code bin/launcher run} logs to the console) in {@code consoleLog}. */
    public static TrinoServerProcess start(Path serverHome, Path pluginZip, Path stateDir, Path javaHome, Map<String, String> catalogProperties, Duration startupTimeout, Path consoleLog)
            throws IOException, InterruptedException
    {
        TrinoServerProcess server = launch(serverHome, pluginZip, stateDir, javaHome, catalogProperties, consoleLog, NodeRole.SINGLE);
        server.awaitStarted(startupTimeout);
        return server;
    }

    /**
     * How a server takes part in a cluster: a single node that is coordinator and worker, a coordinator that
     * schedules no data work ({@code node-scheduler.include-coordinator=false}), or a worker that announces
     * itself to a coordinator's discovery service; with its heap and further config.properties entries.
     */
    public record NodeRole(boolean coordinator, boolean includeCoordinator, Optional<String> discoveryUri, String heap, Map<String, String> extraConfig)
    {
        public static final NodeRole SINGLE = new NodeRole(true, true, Optional.empty(), "2G", Map.of());

        public NodeRole
        {
            requireNonNull(discoveryUri, "discoveryUri is null");
            requireNonNull(heap, "heap is null");
            extraConfig = Map.copyOf(extraConfig);
        }

        public static NodeRole coordinatorOnly(String heap, Map<String, String> extraConfig)
        {
            return new NodeRole(true, false, Optional.empty(), heap, extraConfig);
        }

        public static NodeRole worker(String discoveryUri, String heap, Map<String, String> extraConfig)
        {
            return new NodeRole(false, false, Optional.of(discoveryUri), heap, extraConfig);
        }
    }

    /**
     * Installs the plugin, writes etc/ and starts the server process without waiting for it, so that the nodes
     * of a cluster start at the same time; {@link #awaitStarted} waits.
     */
    public static TrinoServerProcess launch(Path serverHome, Path pluginZip, Path stateDir, Path javaHome, Map<String, String> catalogProperties, Path consoleLog, NodeRole role)
            throws IOException
    {
        requireExists(serverHome.resolve("bin/launcher"), "the Trino server (unpacked io.trino:trino-server-core tarball)");
        requireExists(pluginZip, "the Freshet plugin zip (built by mvn package)");
        requireExists(javaHome.resolve("bin/java"), "a JDK");

        Files.createDirectories(stateDir);
        Path pluginDir = stateDir.resolve("plugin");
        installPlugin(pluginZip, pluginDir.resolve("freshet"));

        int port = freePort();
        Path etc = stateDir.resolve("etc");
        Path dataDir = stateDir.resolve("var");
        Files.createDirectories(etc.resolve("catalog"));
        Files.createDirectories(dataDir);

        write(etc.resolve("node.properties"), Map.of(
                "node.environment", "test",
                "node.id", "freshet-" + port,
                "node.data-dir", dataDir.toString()));
        Files.writeString(etc.resolve("jvm.config"), String.join("\n", jvmConfig(role.heap())) + "\n", UTF_8);
        Map<String, String> config = new LinkedHashMap<>();
        config.put("coordinator", Boolean.toString(role.coordinator()));
        if (role.coordinator()) {
            config.put("node-scheduler.include-coordinator", Boolean.toString(role.includeCoordinator()));
        }
        config.put("http-server.http.port", Integer.toString(port));
        config.put("discovery.uri", role.discoveryUri().orElse("http://127.0.0.1:" + port));
        config.put("plugin.dir", pluginDir.toString());
        config.put("catalog.config-dir", etc.resolve("catalog").toString());
        // Trino's MBean server over JMX remote, the server the jmx catalog and the OpenMetrics endpoint read
        int jmxRegistryPort = freePort();
        config.put("jmx.rmiregistry.port", Integer.toString(jmxRegistryPort));
        config.put("openmetrics.jmx-object-names", "trino.plugin.freshet.metrics:*");
        config.putAll(role.extraConfig());
        write(etc.resolve("config.properties"), config);
        write(etc.resolve("log.properties"), Map.of("io.trino", "INFO", "io.freshet", "INFO"));
        Map<String, String> catalog = new LinkedHashMap<>();
        catalog.put("connector.name", "freshet");
        catalog.putAll(catalogProperties);
        write(etc.resolve("catalog").resolve(CATALOG + ".properties"), catalog);

        // the tarball's launcher scripts are executable, but an unpacker may have dropped the bits
        serverHome.resolve("bin/launcher").toFile().setExecutable(true);
        try (Stream<Path> launchers = Files.list(serverHome.resolve("bin"))) {
            launchers.filter(Files::isDirectory).forEach(dir -> dir.resolve("launcher").toFile().setExecutable(true));
        }

        ProcessBuilder builder = new ProcessBuilder(
                serverHome.resolve("bin/launcher").toString(),
                "--etc-dir=" + etc,
                "--data-dir=" + dataDir,
                "--jvm-dir=" + javaHome,
                "run")
                .directory(stateDir.toFile())
                .redirectErrorStream(true)
                .redirectOutput(consoleLog.toFile());
        builder.environment().put("JAVA_HOME", javaHome.toString());
        builder.environment().put("PATH", javaHome.resolve("bin") + ":" + System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        Process process = builder.start();
        return new TrinoServerProcess(stateDir, port, jmxRegistryPort, process, consoleLog, role);
    }

    /** Waits until the server answers; a coordinator also until it lists an active node to schedule on. Closes it when it does not start. */
    public void awaitStarted(Duration timeout)
            throws InterruptedException
    {
        try {
            awaitInfo(timeout);
        }
        catch (IOException | InterruptedException | RuntimeException e) {
            String tail = logTail(80);
            close();
            throw new IllegalStateException("Trino did not start on port " + port + ": " + e.getMessage() + "\n--- server log tail ---\n" + tail, e);
        }
    }

    private static List<String> jvmConfig(String heap)
    {
        List<String> config = new ArrayList<>(List.of(
                "-server",
                "-Xmx" + heap,
                "-XX:+UseG1GC",
                "-XX:G1HeapRegionSize=32M",
                "-XX:+ExplicitGCInvokesConcurrent",
                "-XX:+ExitOnOutOfMemoryError",
                "-XX:-OmitStackTraceInFastThrow",
                "-XX:ReservedCodeCacheSize=256M",
                "-XX:PerMethodRecompilationCutoff=10000",
                "-XX:PerBytecodeRecompilationCutoff=10000",
                "-XX:+EnableDynamicAgentLoading",
                "-Djdk.attach.allowAttachSelf=true",
                "-Djdk.nio.maxCachedBufferSize=2000000",
                "-Dfile.encoding=UTF-8",
                // Arrow (hot buffer) reads off-heap buffers through java.nio internals and sun.misc.Unsafe
                "--add-opens=java.base/java.nio=ALL-UNNAMED",
                "--sun-misc-unsafe-memory-access=allow",
                // SQLite JDBC (embedded Iceberg catalog) loads a native library
                "--enable-native-access=ALL-UNNAMED"));
        // diagnostics for one run (a GC log, a JFR recording), e.g. FRESHET_TRINO_JVM_OPTIONS="-Xlog:gc*:file=/tmp/gc.log"
        String extra = System.getenv().getOrDefault("FRESHET_TRINO_JVM_OPTIONS", "").strip();
        if (!extra.isEmpty()) {
            config.addAll(List.of(extra.split("\\s+")));
        }
        return config;
    }

    /** Unpacks the zip's jars into {@code target}, as {@code unzip freshet-<version>.zip -d plugin/freshet} does. */
    static void installPlugin(Path pluginZip, Path target)
            throws IOException
    {
        Files.createDirectories(target);
        int jars = 0;
        try (ZipInputStream zip = new ZipInputStream(Files.newInputStream(pluginZip))) {
            for (ZipEntry entry = zip.getNextEntry(); entry != null; entry = zip.getNextEntry()) {
                if (entry.isDirectory() || !entry.getName().endsWith(".jar")) {
                    continue;
                }
                String name = entry.getName().substring(entry.getName().lastIndexOf('/') + 1);
                Files.copy(zip, target.resolve(name));
                jars++;
            }
        }
        if (jars == 0) {
            throw new IllegalStateException("No jars in " + pluginZip);
        }
    }

    private void awaitInfo(Duration timeout)
            throws IOException, InterruptedException
    {
        HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/info")).timeout(Duration.ofSeconds(5)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("the server process exited with " + process.exitValue());
            }
            try {
                HttpResponse<String> response = client.send(request, HttpResponse.BodyHandlers.ofString());
                last = response.statusCode() + " " + response.body();
                if (response.statusCode() == 200 && response.body().replace(" ", "").contains("\"starting\":false")) {
                    if (!role.coordinator()) {
                        return;
                    }
                    // the coordinator also has to list itself as an active node (its node manager refreshes every few
                    // seconds) before it schedules table scans; until then queries fail with "No nodes available"
                    List<List<JsonNode>> nodes = TrinoStatements.query(serverAddress(), "SELECT count(*) FROM system.runtime.nodes WHERE state = 'active'");
                    if (nodes.getFirst().getFirst().asLong() > 0) {
                        return;
                    }
                    last = "no active node yet";
                }
            }
            catch (IOException e) {
                last = e.toString();
            }
            Thread.sleep(500);
        }
        throw new IllegalStateException("timed out after " + timeout + " waiting for /v1/info starting=false; last: " + last);
    }

    public int port()
    {
        return port;
    }

    public String serverAddress()
    {
        return "127.0.0.1:" + port;
    }

    /** The address of the server's MBean server, for a JMX client. */
    public String jmxServiceUrl()
    {
        return "service:jmx:rmi:///jndi/rmi://127.0.0.1:%d/jmxrmi".formatted(jmxRegistryPort);
    }

    public Path stateDir()
    {
        return stateDir;
    }

    public boolean isAlive()
    {
        return process.isAlive();
    }

    /** The node identifier this server announces: what {@code system.runtime.nodes.node_id} shows. */
    public String nodeId()
    {
        return "freshet-" + port;
    }

    /** Kills the server at once, as {@code kill -9} does: no shutdown hook, no graceful stop. */
    public void kill()
            throws InterruptedException
    {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroyForcibly);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            }
            catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                throw new IllegalStateException("Process " + handle.pid() + " did not exit after SIGKILL", e);
            }
        }
    }

    /** The last lines of var/log/server.log when it exists, else of the launcher's console output. */
    public String logTail(int lines)
    {
        List<String> out = new ArrayList<>();
        for (Path log : List.of(stateDir.resolve("var/log/server.log"), consoleLog)) {
            if (Files.exists(log)) {
                try {
                    List<String> all = Files.readAllLines(log, UTF_8);
                    out.add("==> " + log);
                    out.addAll(all.subList(Math.max(0, all.size() - lines), all.size()));
                }
                catch (IOException | UncheckedIOException e) {
                    out.add("cannot read " + log + ": " + e);
                }
            }
        }
        return String.join("\n", out);
    }

    @Override
    public void close()
    {
        List<ProcessHandle> tree = new ArrayList<>(process.descendants().toList());
        tree.add(process.toHandle());
        tree.forEach(ProcessHandle::destroy);
        for (ProcessHandle handle : tree) {
            try {
                handle.onExit().get(30, TimeUnit.SECONDS);
            }
            catch (Exception e) {
                handle.destroyForcibly();
            }
        }
        // the unpacked plugin is ~150 MB; logs, etc/ and the warehouse stay for inspection
        try (Stream<Path> files = Files.walk(stateDir.resolve("plugin"))) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
        catch (IOException | UncheckedIOException ignored) {
            // best effort
        }
    }

    static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        }
    }

    private static void write(Path file, Map<String, String> properties)
            throws IOException
    {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, text.toString(), UTF_8);
    }

    private static void requireExists(Path path, String what)
    {
        requireNonNull(path, what);
        if (!Files.exists(path)) {
            throw new IllegalStateException("Missing " + what + ": " + path);
        }
    }
}
