package io.freshet.ingest;

import org.apache.iceberg.catalog.TableIdentifier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Runs the ingest worker without Trino: {@code IngestWorkerMain etc/ingest-worker.properties}. It ingests
 * every table of the catalog bound to a Kafka topic, and picks up tables created later.
 */
public final class IngestWorkerMain
{
    private static final Logger log = LoggerFactory.getLogger(IngestWorkerMain.class);
    private static final long TABLE_SCAN_SECONDS = 10;

    private IngestWorkerMain() {}

    public static void main(String[] arguments)
            throws Exception
    {
        if (arguments.length != 1) {
            System.err.println("Usage: IngestWorkerMain <properties file>   (the same properties as etc/catalog/freshet.properties)");
            System.exit(2);
        }
        IngestSettings settings;
        try {
            settings = IngestProperties.parse(load(Path.of(arguments[0])));
        }
        catch (IllegalArgumentException | IOException e) {
            System.err.println("Invalid configuration in " + arguments[0] + ": " + e.getMessage());
            System.exit(2);
            return;
        }
        CountDownLatch stopped = new CountDownLatch(1);
        IngestWorker worker = new IngestWorker(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "freshet-shutdown"));
        log.info("Freshet ingest worker started");
        while (!stopped.await(0, TimeUnit.SECONDS)) {
            for (TableIdentifier table : worker.listFreshetTables()) {
                if (worker.ingester(table).isEmpty()) {
                    try {
                        worker.start(table);
                    }
                    catch (RuntimeException e) {
                        log.error("Cannot start ingestion of {}: {}", table, e.getMessage());
                    }
                }
            }
            stopped.await(TABLE_SCAN_SECONDS, TimeUnit.SECONDS);
        }
    }

    private static Map<String, String> load(Path file)
            throws IOException
    {
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(file)) {
            properties.load(reader);
        }
        Map<String, String> values = new HashMap<>();
        properties.stringPropertyNames().forEach(name -> values.put(name, properties.getProperty(name).trim()));
        return values;
    }
}
