package io.freshet.trino.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static java.nio.charset.StandardCharsets.UTF_8;

/** Statements run against a running Trino server: over Trino's HTTP client protocol, or with the Trino CLI. */
public final class TrinoStatements
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TrinoStatements() {}

    /** One statement through Trino's HTTP client protocol (no CLI process): the rows, values as JSON. */
    public static List<List<JsonNode>> query(String address, String sql)
            throws IOException, InterruptedException
    {
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://" + address + "/v1/statement"))
                .header("X-Trino-User", "freshet")
                .timeout(Duration.ofSeconds(60))
                .POST(HttpRequest.BodyPublishers.ofString(sql))
                .build();
        List<List<JsonNode>> rows = new ArrayList<>();
        while (true) {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IOException("HTTP " + response.statusCode() + " for " + sql + ": " + response.body());
            }
            JsonNode result = JSON.readTree(response.body());
            if (result.hasNonNull("error")) {
                JsonNode error = result.get("error");
                StringBuilder causes = new StringBuilder();
                for (JsonNode failure = error.path("failureInfo"); !failure.isMissingNode() && !failure.isNull(); failure = failure.path("cause")) {
                    causes.append("; ").append(failure.path("type").asText()).append(": ").append(failure.path("message").asText());
                }
                throw new IOException(sql + " failed: " + error.path("message").asText() + " (" + error.path("errorName").asText() + causes + ")");
            }
            for (JsonNode row : result.path("data")) {
                List<JsonNode> values = new ArrayList<>();
                row.forEach(values::add);
                rows.add(values);
            }
            if (!result.hasNonNull("nextUri")) {
                return rows;
            }
            request = HttpRequest.newBuilder(URI.create(result.get("nextUri").asText()))
                    .header("X-Trino-User", "freshet")
                    .timeout(Duration.ofSeconds(60))
                    .GET()
                    .build();
        }
    }

    /** Runs one statement with the Trino CLI executable jar and returns its CSV output lines (stdout only). */
    public static List<String> cli(Path javaHome, Path cliJar, String server, String sql)
            throws IOException, InterruptedException
    {
        Path stderr = Files.createTempFile("trino-cli", ".err");
        try {
            Process cli = new ProcessBuilder(
                    javaHome.resolve("bin/java").toString(),
                    "--sun-misc-unsafe-memory-access=allow",
                    "--enable-native-access=ALL-UNNAMED",
                    "-jar", cliJar.toString(),
                    "--server", "http://" + server,
                    "--user", "freshet",
                    "--output-format", "CSV",
                    "--execute", sql)
                    .redirectError(stderr.toFile())
                    .start();
            cli.getOutputStream().close();
            byte[] output;
            try (InputStream in = cli.getInputStream()) {
                output = in.readAllBytes();
            }
            if (!cli.waitFor(2, TimeUnit.MINUTES)) {
                cli.destroyForcibly();
                throw new IllegalStateException("Trino CLI hung on: " + sql);
            }
            String text = new String(output, UTF_8);
            if (cli.exitValue() != 0) {
                throw new IllegalStateException("Trino CLI exited with " + cli.exitValue() + " on: " + sql + "\n" + text + Files.readString(stderr, UTF_8));
            }
            return text.lines().toList();
        }
        finally {
            Files.deleteIfExists(stderr);
        }
    }
}
