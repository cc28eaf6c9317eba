package io.freshet.trino;

import io.freshet.ingest.testing.TestingKafka;
import io.freshet.trino.testing.FreshetQueryRunner;
import io.trino.testing.DistributedQueryRunner;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import static io.freshet.ingest.testing.TestingIngest.waitUntil;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Kafka SASL/SSL settings and catalog passwords pass through to the clients, and never show in logs, system
 * tables, SHOW CREATE TABLE or error messages, even when the connection they configure fails.
 */
class TestSecrets
{
    private static final List<String> SECRETS = List.of("jaas-secret-4711", "truststore-secret-4712", "key-secret-4713", "catalog-secret-4714", "broken-jaas-secret-4715");

    @Test
    void secretsNeverShowInLogsTablesOrErrors()
            throws Exception
    {
        Path warehouse = Files.createTempDirectory("freshet-secrets");
        StringBuilder captured = new StringBuilder();
        Handler handler = new Handler()
        {
            @Override
            public void publish(LogRecord record)
            {
                synchronized (captured) {
                    captured.append(record.getLevel()).append(' ').append(record.getLoggerName()).append(' ').append(record.getMessage());
                    if (record.getParameters() != null) {
                        for (Object parameter : record.getParameters()) {
                            captured.append(' ').append(parameter);
                        }
                    }
                    if (record.getThrown() != null) {
                        captured.append(' ').append(stackTrace(record.getThrown()));
                    }
                    captured.append('\n');
                }
            }

            @Override
            public void flush() {}

            @Override
            public void close() {}
        };
        ByteArrayOutputStream console = new ByteArrayOutputStream();
        PrintStream originalOut = System.out;
        PrintStream originalErr = System.err;
        Logger root = Logger.getLogger("");
        root.addHandler(handler);
        System.setOut(new PrintStream(new Tee(originalOut, console), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new Tee(originalErr, console), true, StandardCharsets.UTF_8));
        List<String> answers = new ArrayList<>();
        try (TestingKafka kafka = new TestingKafka();
                DistributedQueryRunner queryRunner = FreshetQueryRunner.create(kafka.bootstrapServers(), warehouse, Map.of())) {
            kafka.createTopic("accounts", 1);
            queryRunner.execute("CREATE SCHEMA freshet.shop");
            queryRunner.execute("CREATE TABLE accounts (id bigint) WITH (kafka_topic = 'accounts')");

            // SASL over a plaintext listener: every connection fails
            Map<String, String> secure = new HashMap<>(Map.of(
                    "kafka.security.protocol", "SASL_SSL",
                    "kafka.sasl.mechanism", "PLAIN",
                    "kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"freshet\" password=\"jaas-secret-4711\";",
                    "kafka.ssl.truststore.password", "truststore-secret-4712",
                    "kafka.ssl.key.password", "key-secret-4713",
                    "kafka.default.api.timeout.ms", "3000",
                    "kafka.request.timeout.ms", "2000",
                    "iceberg.jdbc-catalog.connection-password", "catalog-secret-4714"));
            queryRunner.createCatalog("secure", "freshet", FreshetQueryRunner.catalogProperties(kafka.bootstrapServers(), warehouse, secure));
            // a JAAS configuration that does not parse
            Map<String, String> broken = new HashMap<>(secure);
            broken.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"freshet\" password=\"broken-jaas-secret-4715\"");
            broken.put("freshet.ingestion.enabled", "true");
            queryRunner.createCatalog("broken", "freshet", FreshetQueryRunner.catalogProperties(kafka.bootstrapServers(), warehouse, broken));

            for (String catalog : List.of("secure", "broken")) {
                String status = "SELECT state, coalesce(failure, '') FROM %s.system.ingest_status WHERE table_name = 'accounts'".formatted(catalog);
                waitUntil(catalog + " reports the table", Duration.ofSeconds(60), () -> !queryRunner.execute(status).getMaterializedRows().isEmpty());
                queryRunner.execute(status).getMaterializedRows().forEach(row -> answers.add(row.toString()));
                answers.add((String) queryRunner.execute("SHOW CREATE TABLE %s.shop.accounts".formatted(catalog)).getOnlyValue());
                answers.add(queryRunner.execute("SHOW CREATE SCHEMA %s.shop".formatted(catalog)).getOnlyValue().toString());
                for (String failing : List.of(
                        "CREATE TABLE %s.shop.other (id bigint) WITH (kafka_topic = 'accounts')".formatted(catalog),
                        "SELECT * FROM TABLE(%s.system.verify(schema_name => 'shop', table_name => 'accounts'))".formatted(catalog))) {
                    assertThatThrownBy(() -> queryRunner.execute(failing))
                            .satisfies(failure -> answers.add(stackTrace(failure)));
                }
            }
            assertThat(queryRunner.execute("SELECT state, failure FROM broken.system.ingest_status WHERE table_name = 'accounts'").getMaterializedRows().getFirst().getField(0))
                    .isEqualTo("FAILED");
            queryRunner.execute("SELECT * FROM system.metadata.catalogs").getMaterializedRows().forEach(row -> answers.add(row.toString()));
        }
        finally {
            root.removeHandler(handler);
            System.setOut(originalOut);
            System.setErr(originalErr);
        }
        String everything = String.join("\n", answers) + "\n" + captured + "\n" + console.toString(StandardCharsets.UTF_8);
        // the failures did happen and were reported
        assertThat(String.join("\n", answers)).contains("FAILED", "check kafka.bootstrap.servers");
        for (String secret : SECRETS) {
            assertThat(everything).as("output mentions " + secret).doesNotContain(secret);
        }
    }

    private static String stackTrace(Throwable throwable)
    {
        java.io.StringWriter writer = new java.io.StringWriter();
        throwable.printStackTrace(new java.io.PrintWriter(writer));
        return writer.toString();
    }

    private static final class Tee
            extends OutputStream
    {
        private final OutputStream first;
        private final OutputStream second;

        Tee(OutputStream first, OutputStream second)
        {
            this.first = first;
            this.second = second;
        }

        @Override
        public void write(int b)
                throws java.io.IOException
        {
            first.write(b);
            synchronized (second) {
                second.write(b);
            }
        }

        @Override
        public void write(byte[] bytes, int offset, int length)
                throws java.io.IOException
        {
            first.write(bytes, offset, length);
            synchronized (second) {
                second.write(bytes, offset, length);
            }
        }
    }
}
