package io.freshet.ingest;

import io.freshet.ingest.catalog.IcebergCatalogFactory;
import io.freshet.ingest.settings.IngestProperties;
import io.freshet.ingest.settings.IngestSettings;
import io.freshet.ingest.settings.TableBinding;
import io.freshet.ingest.verify.TableContents;
import io.freshet.ingest.verify.TableVerification;
import io.freshet.ingest.verify.TableVerifier;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.Catalog;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.exceptions.NoSuchTableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
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
 * {@code IngestWorkerMain verify etc/ingest-worker.properties schema.table} checks a table's committed
 * rows against its topic and exits with 0 when every record is in the table exactly once.
 */
public final class IngestWorkerMain
{
    private static final Logger log = LoggerFactory.getLogger(IngestWorkerMain.class);
    private static final String USAGE = """
            Usage: ingest-worker <properties file>                        ingest every table of the catalog
                   ingest-worker verify <properties file> <schema.table>  check a table against its Kafka topic
            The properties are those of etc/catalog/freshet.properties.""";

    private IngestWorkerMain() {}

    public static void main(String[] arguments)
            throws Exception
    {
        if (arguments.length == 3 && arguments[0].equals("verify")) {
            System.exit(verify(settings(arguments[1]), arguments[2]));
        }
        if (arguments.length != 1) {
            System.err.println(USAGE);
            System.exit(2);
        }
        run(settings(arguments[0]));
    }

    /** Reads the properties file, or exits with a message naming what to fix. */
    public static IngestSettings settings(String file)
    {
        try {
            return IngestProperties.parse(load(Path.of(file)));
        }
        catch (IllegalArgumentException | IOException e) {
            System.err.println("Invalid configuration in " + file + ": " + e.getMessage());
            System.exit(2);
            throw new IllegalStateException(e);
        }
    }

    /** Ingests every table of the catalog until the process stops. */
    public static void run(IngestSettings settings)
            throws InterruptedException
    {
        CountDownLatch stopped = new CountDownLatch(1);
        IngestWorker worker = new IngestWorker(settings);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            worker.close();
            stopped.countDown();
        }, "freshet-shutdown"));
        // opens the catalog in the background, retrying while it is down, and follows the tables created later
        worker.startInBackground();
        log.info("Freshet ingest worker started");
        stopped.await();
    }

    /** Prints the verification of a table's committed rows; 0 when exactly once, 1 when not, 2 when it cannot check. */
    public static int verify(IngestSettings settings, String tableName)
    {
        String[] parts = tableName.split("\\.");
        if (parts.length != 2) {
            System.err.println("Name the table as schema.table, not '" + tableName + "'");
            return 2;
        }
        TableIdentifier identifier = TableIdentifier.of(parts[0], parts[1]);
        Catalog catalog = IcebergCatalogFactory.create(settings.catalog());
        try {
            Table table = catalog.loadTable(identifier);
            TableBinding binding = TableBinding.fromTableProperties(table.properties())
                    .orElseThrow(() -> new IllegalArgumentException("Table %s is not bound to a Kafka topic".formatted(identifier)));
            TableVerification verification = new TableVerifier(settings).verify(identifier.toString(), table.schema(), binding, TableContents.committed(table));
            System.out.print(verification.report());
            return verification.exactlyOnce() ? 0 : 1;
        }
        catch (NoSuchTableException e) {
            System.err.println("Table " + identifier + " does not exist in the catalog");
            return 2;
        }
        catch (RuntimeException e) {
            System.err.println("Cannot verify " + identifier + ": " + e.getMessage());
            return 2;
        }
        finally {
            if (catalog instanceof Closeable closeable) {
                try {
                    closeable.close();
                }
                catch (IOException e) {
                    log.warn("Cannot close the Iceberg catalog: {}", e.getMessage());
                }
            }
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
