package io.freshet.trino.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin zip is flat (jars only) and never carries a jar the Trino server itself gives every plugin. */
class TestPluginZip
{
    // a second copy of these inside the plugin class loader makes the SPI types differ from the server's
    private static final List<String> SERVER_PROVIDED = List.of(
            "trino-spi-",
            "slice-",
            "jackson-annotations-",
            "opentelemetry-api-",
            "opentelemetry-api-incubator-",
            "opentelemetry-context-",
            "jol-core-");

    @Test
    void holdsOurJarAndDependenciesButNoServerProvidedJar()
            throws IOException
    {
        Path zipPath = Path.of(System.getProperty("freshet.plugin.zip"));
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            List<String> names = zip.stream().map(entry -> entry.getName()).toList();
            // flat, so that `unzip freshet-<version>.zip -d <trino>/plugin/freshet` installs it
            assertThat(names).allMatch(name -> !name.contains("/") && name.endsWith(".jar"), "only jars, no folders");
            List<String> jars = names;
            String version = zipPath.getFileName().toString().replaceFirst("^freshet-", "").replaceFirst("\\.zip$", "");
            assertThat(jars).contains("freshet-" + version + ".jar", "freshet-ingest-worker-" + version + ".jar");
            assertThat(jars).anyMatch(jar -> jar.startsWith("kafka-clients-"));
            assertThat(jars).anyMatch(jar -> jar.startsWith("iceberg-core-"));
            for (String provided : SERVER_PROVIDED) {
                // a digit after the prefix: "opentelemetry-api-" must not match other names than opentelemetry-api-1.50.0.jar
                assertThat(jars)
                        .as("server-provided %s*.jar must not be in the plugin zip", provided)
                        .noneMatch(jar -> jar.startsWith(provided) && Character.isDigit(jar.charAt(provided.length())));
            }
        }
    }
}
