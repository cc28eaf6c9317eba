package io.freshet.trino.server;

import org.junit.jupiter.api.Test;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipInputStream;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The plugin zip is flat (jars only), never carries a jar the Trino server itself gives every plugin, and loads on
 * the JDK of the official Trino image.
 */
class TestPluginZip
{
    // Trino 476 and its official image run on JDK 24, which reads class files up to version 68
    private static final int JAVA_24_CLASS_FILE_VERSION = 68;

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
            // only the part of Hadoop Parquet loads, not the 50 MB client jars
            assertThat(jars).contains("freshet-hadoop-trimmed-" + version + ".jar");
            assertThat(jars).noneMatch(jar -> jar.startsWith("hadoop-"));
            for (String provided : SERVER_PROVIDED) {
                // a digit after the prefix: "opentelemetry-api-" must not match other names than opentelemetry-api-1.50.0.jar
                assertThat(jars)
                        .as("server-provided %s*.jar must not be in the plugin zip", provided)
                        .noneMatch(jar -> jar.startsWith(provided) && Character.isDigit(jar.charAt(provided.length())));
            }
        }
    }

    @Test
    void everyClassLoadsOnJava24()
            throws IOException
    {
        List<String> tooNew = new ArrayList<>();
        int classes = 0;
        try (ZipFile zip = new ZipFile(Path.of(System.getProperty("freshet.plugin.zip")).toFile())) {
            for (ZipEntry jar : zip.stream().toList()) {
                try (ZipInputStream entries = new ZipInputStream(zip.getInputStream(jar))) {
                    for (ZipEntry entry = entries.getNextEntry(); entry != null; entry = entries.getNextEntry()) {
                        // multi-release jars keep classes for newer JDKs under META-INF/versions/<n>/: those JDKs alone read them
                        if (!entry.getName().endsWith(".class") || entry.getName().startsWith("META-INF/versions/")) {
                            continue;
                        }
                        classes++;
                        int version = classFileVersion(entries);
                        if (version > JAVA_24_CLASS_FILE_VERSION) {
                            tooNew.add("%s!%s (class file version %d)".formatted(jar.getName(), entry.getName(), version));
                        }
                    }
                }
            }
        }
        assertThat(classes).isGreaterThan(1000);
        assertThat(tooNew).as("classes that the JDK 24 of trinodb/trino:476 cannot load").isEmpty();
    }

    private static int classFileVersion(InputStream classFile)
            throws IOException
    {
        DataInputStream input = new DataInputStream(classFile);
        if (input.readInt() != 0xCAFEBABE) {
            return 0;
        }
        input.readUnsignedShort();
        return input.readUnsignedShort();
    }
}
