package io.freshet.trino.server;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipFile;

import static org.assertj.core.api.Assertions.assertThat;

/** The plugin zip unpacks into one folder and never carries a jar the Trino server itself gives every plugin. */
class TestPluginZip
{
    // a second copy of these inside the plugin class loader makes the SPI types differ from the server's
    private static final List<String> SERVER_PROVIDED = List.of(
            "trino-spi-",
            "slice-",
            "jackson-annotations-",
            "opentelemetry-api-",
            "opentelemetry-context-",
            "jol-core-");

    @Test
    void holdsOurJarAndDependenciesButNoServerProvidedJar()
            throws IOException
    {
        Path zipPath = Path.of(System.getProperty("freshet.plugin.zip"));
        try (ZipFile zip = new ZipFile(zipPath.toFile())) {
            List<String> names = zip.stream().map(entry -> entry.getName()).toList();
            String folder = zipPath.getFileName().toString().replaceFirst("\\.zip$", "") + "/";
            assertThat(names).allMatch(name -> name.startsWith(folder), "every entry is under " + folder);
            List<String> jars = names.stream()
                    .filter(name -> name.endsWith(".jar"))
                    .map(name -> name.substring(folder.length()))
                    .toList();
            assertThat(jars).allMatch(jar -> !jar.contains("/"), "jars sit directly in the folder");
            assertThat(jars).contains(folder.replace("/", ".jar"), "freshet-ingest-worker-" + folder.substring("freshet-".length()).replace("/", ".jar"));
            assertThat(jars).anyMatch(jar -> jar.startsWith("kafka-clients-"));
            assertThat(jars).anyMatch(jar -> jar.startsWith("iceberg-core-"));
            for (String provided : SERVER_PROVIDED) {
                // "slice-" also names no other jar we ship; opentelemetry-api-incubator is not server-provided
                assertThat(jars)
                        .as("server-provided %s*.jar must not be in the plugin zip", provided)
                        .noneMatch(jar -> jar.startsWith(provided) && Character.isDigit(jar.charAt(provided.length())));
            }
        }
    }
}
