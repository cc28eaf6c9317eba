package io.freshet.trino.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.freshet.ingest.testing.TestingKafka;

import sun.misc.Signal;

import java.io.FileOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.logging.StreamHandler;

import static java.nio.charset.StandardCharsets.UTF_8;

/**
 * bin/quickstart: an in-process Kafka broker, a stock Trino server with the Freshet plugin zip and an embedded Iceberg
 * catalog, a demo table fed with order events, and a line a second showing how fresh the query results are.
 * Arguments: the state directory (fresh, will be filled), the log directory (kept after exit) and optionally the number
 * of seconds to run (default: until SIGINT or SIGTERM). The console shows Freshet's own lines only: the broker's logging
 * and anything else written to stdout or stderr goes to kafka.log, the Trino server's to trino-server.log.
 */
public final class Quickstart
{
    private static final String TOPIC = "orders";
    private static final int PARTITIONS = 3;
    private static final int ORDERS_PER_SECOND = 50;
    private static final String[] CUSTOMERS = {"ada", "grace", "linus", "margaret", "ken", "barbara", "dennis", "frances", "edsger", "radia"};


    // the terminal, before System.out and System.err are pointed at the log file
    private static final PrintStream console = System.out;
    private static final PrintStream consoleErrors = System.err;

    private Quickstart() {}

    public static void main(String[] args)
    {
        if (args.length < 2) {
            consoleErrors.println("usage: Quickstart <state-dir> <log-dir> [seconds]");
            System.exit(2);
        }
        Path stateDir = Path.of(args[0]).toAbsolutePath();
        Path logDir = Path.of(args[1]).toAbsolutePath();
        long seconds = args.length > 2 ? Long.parseLong(args[2]) : Long.MAX_VALUE;

        // Stop on SIGTERM and SIGINT without starting the JVM's shutdown: the in-process broker registers shutdown
        // hooks that delete its directories, which would race with its own shutdown. Trino, then Kafka, stop here.
        AtomicBoolean running = new AtomicBoolean(true);
        Thread main = Thread.currentThread();
        for (String signal : List.of("TERM", "INT", "HUP")) {
            try {
                Signal.handle(new Signal(signal), _ -> {
                    if (running.getAndSet(false)) {
                        main.interrupt();
                    }
                });
            }
            catch (IllegalArgumentException ignored) {
                // the signal is ignored (SIGINT of a background job): bin/quickstart forwards it as SIGTERM
            }
        }
        List<AutoCloseable> resources = new ArrayList<>();
        int status = 0;
        try {
            logToFile(logDir.resolve("kafka.log"));
            run(stateDir, logDir, seconds, running, resources);
        }
        catch (InterruptedException e) {
            // asked to stop
        }
        catch (Throwable e) {
            if (running.get()) {
                consoleErrors.println("Quickstart failed: " + e);
                e.printStackTrace(consoleErrors);
                status = 1;
            }
        }
        running.set(false);
        stop(resources, logDir);
        // Kafka and HTTP client threads would keep the JVM alive
        System.exit(status);
    }

    private static void stop(List<AutoCloseable> resources, Path logDir)
    {
        console.println();
        step("Stopping Trino, then Kafka");
        // the stop signal interrupted this thread: clear it, or waiting for Trino to exit would end at once
        Thread.interrupted();
        for (AutoCloseable resource : resources.reversed()) {
            try {
                resource.close();
            }
            catch (Exception e) {
                consoleErrors.println("Cannot stop " + resource.getClass().getSimpleName() + ": " + e);
                e.printStackTrace();
            }
        }
        console.println("Stopped. Logs: " + logDir);
    }

    private static void run(Path stateDir, Path logDir, long seconds, AtomicBoolean running, List<AutoCloseable> resources)
            throws Exception
    {
        step("Starting an embedded Kafka broker");
        TestingKafka kafka = new TestingKafka();
        resources.add(kafka);
        kafka.createTopic(TOPIC, PARTITIONS);
        console.println("Kafka at " + kafka.bootstrapServers() + ", topic '" + TOPIC + "' with " + PARTITIONS + " partitions");

        step("Starting Trino 476 with the Freshet plugin (plugin/freshet from the plugin zip; takes ~15 s)");
        Path javaHome = Path.of(System.getProperty("java.home"));
        TrinoServerProcess server = TrinoServerProcess.start(
                Path.of(requiredProperty("freshet.trino.server")),
                Path.of(requiredProperty("freshet.plugin.zip")),
                stateDir,
                javaHome,
                Map.of(
                        "kafka.bootstrap.servers", kafka.bootstrapServers(),
                        "iceberg.jdbc-catalog.default-warehouse-dir", stateDir.resolve("warehouse").toString(),
                        "freshet.flush.interval", "30s"),
                Duration.ofSeconds(120),
                logDir.resolve("trino-server.log"));
        resources.add(server);
        String address = server.serverAddress();
        console.println("Trino at http://" + address + ", state in " + stateDir);

        step("Creating the demo table");
        for (String sql : List.of(
                "CREATE SCHEMA freshet.shop",
                "CREATE TABLE freshet.shop.orders (id bigint, customer varchar, amount double, created timestamp(6) with time zone) WITH (kafka_topic = 'orders')")) {
            console.println("trino> " + sql);
            query(address, sql);
        }

        // the newest order handed to the producer and when: {id, nanoTime}
        AtomicReference<long[]> latest = new AtomicReference<>(new long[] {-1, 0});
        Thread producer = Thread.ofPlatform().daemon().name("order-producer").start(() -> produce(kafka, latest, running));

        step("Producing ~" + ORDERS_PER_SECOND + " orders/s; freshness = ms from producing an order until a SELECT returns it (query time included)");
        printConnectHelp(address, stateDir, logDir);
        String check = "SELECT count(*), max(_partition_offset), max(id) FROM freshet.shop.orders";
        long end = seconds == Long.MAX_VALUE ? Long.MAX_VALUE : System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        try {
            while (running.get() && System.nanoTime() < end) {
                long tickStart = System.nanoTime();
                long[] target = latest.get();
                List<JsonNode> row = List.of();
                long freshnessMs = -1;
                long queryMs = -1;
                while (running.get() && System.nanoTime() - tickStart < TimeUnit.SECONDS.toNanos(10)) {
                    long queryStart = System.nanoTime();
                    List<List<JsonNode>> rows;
                    try {
                        rows = query(address, check);
                    }
                    catch (IOException e) {
                        if (!e.getMessage().contains("No nodes available")) {
                            throw e;
                        }
                        // Trino is still refreshing its node list right after startup
                        Thread.sleep(200);
                        continue;
                    }
                    row = rows.getFirst();
                    long visibleAt = System.nanoTime();
                    queryMs = TimeUnit.NANOSECONDS.toMillis(visibleAt - queryStart);
                    if (target[0] >= 0 && !row.get(2).isNull() && row.get(2).asLong() >= target[0]) {
                        freshnessMs = TimeUnit.NANOSECONDS.toMillis(visibleAt - target[1]);
                        break;
                    }
                    if (target[0] < 0) {
                        break;
                    }
                }
                console.printf(Locale.ROOT, "%s  rows=%-8s max_offset=%-8s freshness=%-9s (query %d ms)%n",
                        Instant.now().toString().substring(11, 19),
                        row.isEmpty() ? "?" : row.get(0).asText(),
                        row.isEmpty() || row.get(1).isNull() ? "-" : row.get(1).asText(),
                        freshnessMs < 0 ? "-" : freshnessMs + " ms",
                        queryMs);
                long sleep = TimeUnit.SECONDS.toMillis(1) - TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - tickStart);
                if (sleep > 0) {
                    Thread.sleep(sleep);
                }
                if (!server.isAlive()) {
                    throw new IllegalStateException("Trino exited:\n" + server.logTail(60));
                }
            }
        }
        finally {
            running.set(false);
            producer.join(2000);
        }
    }

    private static void produce(TestingKafka kafka, AtomicReference<long[]> latest, AtomicBoolean running)
    {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        long pauseNanos = TimeUnit.SECONDS.toNanos(1) / ORDERS_PER_SECOND;
        for (long id = 1; running.get(); id++) {
            String customer = CUSTOMERS[random.nextInt(CUSTOMERS.length)];
            double amount = Math.round(random.nextDouble(3, 250) * 100) / 100.0;
            String value = String.format(Locale.ROOT, "{\"id\":%d,\"customer\":\"%s\",\"amount\":%.2f,\"created\":\"%s\"}", id, customer, amount, Instant.now());
            long producedAt = System.nanoTime();
            try {
                kafka.send(TOPIC, (int) (id % PARTITIONS), customer, value);
            }
            catch (RuntimeException e) {
                if (running.get()) {
                    consoleErrors.println("producer: " + e.getMessage());
                }
                return;
            }
            latest.set(new long[] {id, producedAt});
            long rest = pauseNanos - (System.nanoTime() - producedAt);
            if (rest > 0) {
                try {
                    TimeUnit.NANOSECONDS.sleep(rest);
                }
                catch (InterruptedException e) {
                    return;
                }
            }
        }
    }

    private static List<List<JsonNode>> query(String address, String sql)
            throws IOException, InterruptedException
    {
        return TrinoStatements.query(address, sql);
    }

    private static void printConnectHelp(String address, Path stateDir, Path logDir)
    {
        String cli = System.getProperty("freshet.trino.cli", "trino-cli-476-executable.jar");
        console.println();
        console.println("Connect with the Trino CLI in another terminal:");
        console.println("  " + Path.of(System.getProperty("java.home"), "bin", "java") + " -jar " + cli + " --server http://" + address + " --catalog freshet --schema shop");
        console.println("  trino:shop> SELECT customer, count(*), round(sum(amount), 2) FROM orders GROUP BY customer ORDER BY 3 DESC;");
        console.println("  trino:shop> CALL freshet.system.flush('shop', 'orders');   -- commit the hot buffer to Iceberg now (also every 30 s)");
        console.println("  trino:shop> SELECT * FROM freshet.system.ingest_status;");
        console.println("Iceberg table files: " + stateDir.resolve("warehouse/shop/orders"));
        console.println("Logs (Trino, Kafka): " + logDir);
        console.println("Ctrl-C stops everything.");
        console.println();
    }

    private static void step(String message)
    {
        console.println("==> " + message);
    }

    private static String requiredProperty(String name)
    {
        String value = System.getProperty(name);
        if (value == null) {
            throw new IllegalStateException("System property " + name + " is not set; run bin/quickstart");
        }
        return value;
    }

    /** Sends the broker's logging, and anything else the libraries print, to a file; the console keeps Freshet's lines. */
    private static void logToFile(Path logFile)
            throws IOException
    {
        Files.createDirectories(logFile.getParent());
        PrintStream log = new PrintStream(new FileOutputStream(logFile.toFile()), true, UTF_8);
        System.setOut(log);
        System.setErr(log);
        // the in-process broker logs through slf4j -> java.util.logging
        Logger root = Logger.getLogger("");
        for (Handler handler : root.getHandlers()) {
            root.removeHandler(handler);
        }
        StreamHandler file = new StreamHandler(log, new SimpleFormatter())
        {
            @Override
            public synchronized void publish(LogRecord record)
            {
                super.publish(record);
                flush();
            }

            @Override
            public synchronized void close()
            {
                // java.util.logging closes its handlers in a shutdown hook: the file must stay open for the broker's shutdown
                flush();
            }
        };
        file.setLevel(Level.INFO);
        root.addHandler(file);
        root.setLevel(Level.INFO);
    }
}
