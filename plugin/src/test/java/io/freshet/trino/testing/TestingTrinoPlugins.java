package io.freshet.trino.testing;

import com.google.inject.Key;
import io.trino.metadata.HandleResolver;
import io.trino.server.PluginClassLoader;
import io.trino.server.PluginManager;
import io.trino.server.testing.TestingTrinoServer;
import io.trino.spi.Plugin;
import io.trino.spi.classloader.ThreadContextClassLoader;
import io.trino.testing.DistributedQueryRunner;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

import static com.google.common.collect.MoreCollectors.onlyElement;

/**
 * Loads Trino plugins that are published only as plugin zips (such as Trino's own Iceberg connector) into a test
 * query runner. Maven unpacks each zip into {@code target/trino-plugins/<name>/} (see plugin/pom.xml); the jars are
 * loaded through Trino's {@link io.trino.server.PluginClassLoader}, exactly as the server isolates a plugin: child-first
 * for everything except the SPI packages the engine shares (io.trino.spi, Jackson annotations, Slice, OpenTelemetry
 * API and context, JOL) and the JDK. So the plugin's own Iceberg, Parquet and Guava never meet ours.
 */
public final class TestingTrinoPlugins
{
    public static final String ICEBERG = "iceberg";

    // one class loader per plugin directory and JVM: a plugin loader holds hundreds of jars, and plugins are stateless
    private static final Map<Path, Plugin> LOADED_PLUGINS = new ConcurrentHashMap<>();

    private TestingTrinoPlugins() {}

    /** Where Maven unpacked the named plugin zip; fails with a hint when the build step has not run. */
    public static Path pluginDirectory(String pluginName)
    {
        // surefire sets basedir to the module directory; an IDE usually runs from it
        Path directory = Path.of(System.getProperty("basedir", ""), "target", "trino-plugins", pluginName).toAbsolutePath();
        if (!Files.isDirectory(directory)) {
            throw new IllegalStateException("Trino plugin '%s' is not unpacked at %s: run the Maven build of the plugin module (phase process-test-resources) first"
                    .formatted(pluginName, directory));
        }
        return directory;
    }

    /** Loads the single {@link Plugin} of an unpacked plugin directory (a folder of jars) in an isolating class loader. */
    public static Plugin loadPlugin(Path directory)
    {
        return LOADED_PLUGINS.computeIfAbsent(directory.toAbsolutePath().normalize(), TestingTrinoPlugins::createPlugin);
    }

    /** Loads the plugin Maven unpacked under {@code target/trino-plugins/<pluginName>} and installs it on every node. */
    public static Plugin installPlugin(DistributedQueryRunner queryRunner, String pluginName)
    {
        Plugin plugin = loadPlugin(pluginDirectory(pluginName));
        PluginClassLoader classLoader = (PluginClassLoader) plugin.getClass().getClassLoader();
        for (TestingTrinoServer server : queryRunner.getServers()) {
            // handles travel to tasks as JSON ids "<class loader id>:<class name>"; without this, a node cannot resolve
            // the plugin's handle classes (Unknown handle id: iceberg:...IcebergTableHandle). The server does it in loadPlugin.
            server.getInstance(Key.get(HandleResolver.class)).registerClassLoader(classLoader);
        }
        // the server installs a plugin with the plugin's class loader as context class loader; some plugins look up services through it
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(classLoader)) {
            queryRunner.installPlugin(plugin);
        }
        return plugin;
    }

    private static Plugin createPlugin(Path directory)
    {
        ClassLoader classLoader = PluginManager.createClassLoader(directory.getFileName().toString(), pluginJars(directory));
        try (ThreadContextClassLoader _ = new ThreadContextClassLoader(classLoader)) {
            // the service file must come from the plugin's jars: Plugin itself is an SPI class shared with the engine
            return ServiceLoader.load(Plugin.class, classLoader).stream()
                    .map(ServiceLoader.Provider::get)
                    .collect(onlyElement());
        }
    }

    private static List<URL> pluginJars(Path directory)
    {
        try (Stream<Path> files = Files.list(directory)) {
            List<URL> jars = files
                    .filter(file -> file.getFileName().toString().endsWith(".jar"))
                    // the server sorts too, so that class lookup order does not depend on the file system
                    .sorted()
                    .map(TestingTrinoPlugins::toUrl)
                    .toList();
            if (jars.isEmpty()) {
                throw new IllegalStateException("No jars in Trino plugin directory " + directory);
            }
            return jars;
        }
        catch (IOException e) {
            throw new UncheckedIOException("Cannot list Trino plugin directory " + directory, e);
        }
    }

    private static URL toUrl(Path file)
    {
        try {
            return file.toUri().toURL();
        }
        catch (MalformedURLException e) {
            throw new UncheckedIOException(e);
        }
    }
}
