package io.freshet.ingest.testing;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;


/**
 * The in-process Kafka broker and the temporary warehouse directory of a test class, started before its first test
 * and stopped and deleted after its last:
 * {@code @RegisterExtension static final KafkaExtension environment = new KafkaExtension();}
 */
public final class KafkaExtension
        implements BeforeAllCallback, AfterAllCallback
{
    private TestingKafka kafka;
    private Path warehouse;

    @Override
    public void beforeAll(ExtensionContext context)
            throws IOException
    {
        kafka = new TestingKafka();
        warehouse = Files.createTempDirectory("freshet-warehouse");
    }

    @Override
    public void afterAll(ExtensionContext context)
            throws Exception
    {
        try {
            if (kafka != null) {
                kafka.close();
            }
        }
        finally {
            if (warehouse != null) {
                deleteRecursively(warehouse);
            }
        }
    }

    public TestingKafka kafka()
    {
        if (kafka == null) {
            throw new IllegalStateException("Kafka runs from the test class's first test on");
        }
        return kafka;
    }

    /** A directory of its own for the test class: tables of different tests keep apart by their names. */
    public Path warehouse()
    {
        if (warehouse == null) {
            throw new IllegalStateException("the warehouse exists from the test class's first test on");
        }
        return warehouse;
    }

    public static void deleteRecursively(Path directory)
    {
        try (Stream<Path> paths = Files.walk(directory)) {
            for (Path path : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(path);
            }
        }
        catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
