package io.freshet.benchmarks.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * The Apache Iceberg Kafka Connect sink ({@code org.apache.iceberg:iceberg-kafka-connect}) in Kafka Connect standalone
 * mode, as a child process on its own JDK, writing to an Iceberg JdbcCatalog (SQLite file) with a local warehouse:
 * the same kind of catalog and storage Freshet uses here. Progress is read from the catalog: the committed table's
 * current snapshot and its {@code total-records}.
 */
public final class ConnectSink
        implements AutoCloseable
{
    public static final String CONTROL_TOPIC = "control-iceberg";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Process process;
    private final Path catalogFile;
    private final String table;
    private final Path log;

    private ConnectSink(Process process, Path catalogFile, String table, Path log)
    {
        this.process = process;
        this.catalogFile = catalogFile;
        this.table = table;
        this.log = log;
    }

    /**
     * Starts Connect with one sink connector named {@code name} (so a fresh consumer group reading the topic from the
     * start) that auto-creates {@code bench.<table>} and commits every {@code commitInterval}.
     */
    public static ConnectSink start(Path java, Path connectLib, Path directory, String bootstrapServers, String topic, String name, String table, int tasks, Duration commitInterval)
            throws IOException
    {
        Files.createDirectories(directory);
        Path catalogFile = directory.resolve("sink-catalog.db");
        Path warehouse = Files.createDirectories(directory.resolve("warehouse"));
        Map<String, String> worker = new LinkedHashMap<>();
        worker.put("bootstrap.servers", bootstrapServers);
        worker.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        worker.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        worker.put("value.converter.schemas.enable", "false");
        worker.put("offset.storage.file.filename", directory.resolve("connect.offsets").toString());
        // with the default 60 s an idle task never answers the coordinator, and every commit round waits for its timeout
        worker.put("offset.flush.interval.ms", "1000");
        worker.put("listeners", "http://127.0.0.1:" + freePort());
        worker.put("plugin.discovery", "only_scan");
        Path workerFile = write(directory.resolve("worker.properties"), worker);

        Map<String, String> sink = new LinkedHashMap<>();
        sink.put("name", name);
        sink.put("connector.class", "org.apache.iceberg.connect.IcebergSinkConnector");
        sink.put("tasks.max", Integer.toString(tasks));
        sink.put("topics", topic);
        sink.put("iceberg.tables", "bench." + table);
        sink.put("iceberg.tables.auto-create-enabled", "true");
        sink.put("iceberg.catalog.catalog-impl", "org.apache.iceberg.jdbc.JdbcCatalog");
        sink.put("iceberg.catalog.uri", "jdbc:sqlite:" + catalogFile);
        sink.put("iceberg.catalog.warehouse", warehouse.toUri().toString());
        sink.put("iceberg.catalog.jdbc.schema-version", "V1");
        sink.put("iceberg.control.topic", CONTROL_TOPIC);
        sink.put("iceberg.control.commit.interval-ms", Long.toString(commitInterval.toMillis()));
        Path sinkFile = write(directory.resolve("iceberg-sink.properties"), sink);

        Path log = directory.resolve("connect.log");
        List<String> command = new ArrayList<>(List.of(
                java.toString(),
                "-Xmx4g",
                "-XX:+UseG1GC",
                "-Dorg.slf4j.simpleLogger.defaultLogLevel=info",
                "-Dorg.slf4j.simpleLogger.showDateTime=true",
                "-cp", connectLib.toAbsolutePath() + "/*",
                "org.apache.kafka.connect.cli.ConnectStandalone",
                workerFile.toString(),
                sinkFile.toString()));
        Process process = new ProcessBuilder(command)
                .directory(directory.toFile())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
        return new ConnectSink(process, catalogFile, table, log);
    }

    /** Rows in the sink table's current snapshot; 0 until the first commit. */
    public long committedRows()
            throws IOException
    {
        if (!process.isAlive()) {
            throw new IllegalStateException("Kafka Connect exited with " + process.exitValue() + "; see " + log + ":\n" + logTail(40));
        }
        if (!Files.exists(catalogFile)) {
            return 0;
        }
        String metadataLocation;
        try (Connection connection = DriverManager.getConnection("jdbc:sqlite:" + catalogFile);
                PreparedStatement statement = connection.prepareStatement("SELECT metadata_location FROM iceberg_tables WHERE table_name = ?")) {
            statement.setString(1, table);
            try (ResultSet result = statement.executeQuery()) {
                if (!result.next()) {
                    return 0;
                }
                metadataLocation = result.getString(1);
            }
        }
        catch (SQLException e) {
            // the catalog tables do not exist yet, or the writer holds the lock: no progress to report now
            return 0;
        }
        JsonNode metadata = JSON.readTree(Files.readString(Path.of(URI.create(metadataLocation.startsWith("file:") ? metadataLocation.replaceFirst("^file:/+", "file:///") : "file://" + metadataLocation)), UTF_8));
        long current = metadata.path("current-snapshot-id").asLong(-1);
        for (JsonNode snapshot : metadata.path("snapshots")) {
            if (snapshot.path("snapshot-id").asLong() == current) {
                return snapshot.path("summary").path("total-records").asLong(0);
            }
        }
        return 0;
    }

    public String logTail(int lines)
    {
        try {
            List<String> all = Files.readAllLines(log, UTF_8);
            return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
        }
        catch (IOException e) {
            return "cannot read " + log + ": " + e;
        }
    }

    public Path log()
    {
        return log;
    }

    @Override
    public void close()
    {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
            }
        }
        catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    private static Path write(Path file, Map<String, String> properties)
            throws IOException
    {
        StringBuilder text = new StringBuilder();
        properties.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
        Files.writeString(file, text.toString(), UTF_8);
        return file;
    }

    private static int freePort()
            throws IOException
    {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
