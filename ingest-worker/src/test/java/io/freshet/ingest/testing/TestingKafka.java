package io.freshet.ingest.testing;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;

/** A real single-node KRaft Kafka cluster running in the test JVM. */
public final class TestingKafka
        implements AutoCloseable
{
    private final KafkaClusterTestKit cluster;
    private final KafkaProducer<byte[], byte[]> producer;

    public TestingKafka()
    {
        this(false);
    }

    /**
     * @param fixedPort keep the broker's port across {@link #stopBroker} and {@link #startBroker}, so that clients
     * find it again as they would a restarted production broker
     */
    public TestingKafka(boolean fixedPort)
    {
        try {
            KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(new TestKitNodes.Builder()
                    .setCombined(true)
                    .setNumBrokerNodes(1)
                    .setNumControllerNodes(1)
                    .build());
            if (fixedPort) {
                builder.setConfigProp("listeners", "EXTERNAL://localhost:%s,CONTROLLER://localhost:0".formatted(freePort()));
            }
            cluster = builder
                    .setConfigProp("auto.create.topics.enable", "false")
                    .setConfigProp("offsets.topic.replication.factor", "1")
                    .setConfigProp("transaction.state.log.replication.factor", "1")
                    .setConfigProp("transaction.state.log.min.isr", "1")
                    .setConfigProp("group.initial.rebalance.delay.ms", "0")
                    .build();
            cluster.format();
            cluster.startup();
            cluster.waitForReadyBrokers();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot start the in-process Kafka cluster", e);
        }
        Map<String, Object> properties = new HashMap<>();
        properties.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        properties.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        properties.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        properties.put(ProducerConfig.ACKS_CONFIG, "all");
        producer = new KafkaProducer<>(properties);
    }

    private static int freePort()
            throws java.io.IOException
    {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public String bootstrapServers()
    {
        return cluster.bootstrapServers();
    }

    /** Stops the broker, as an outage does; the controller keeps running. */
    public void stopBroker()
    {
        cluster.brokers().values().forEach(broker -> {
            broker.shutdown();
            broker.awaitShutdown();
        });
    }

    /** Starts the stopped broker again on the same port. */
    public void startBroker()
    {
        try {
            for (kafka.server.BrokerServer broker : cluster.brokers().values()) {
                broker.startup();
            }
            cluster.waitForReadyBrokers();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot restart the Kafka broker", e);
        }
    }

    public void createTopic(String topic, int partitions)
    {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + topic, e);
        }
    }

    /** Sends a record to a partition and waits for the broker's acknowledgement; returns its offset. */
    public long send(String topic, int partition, String key, String value)
    {
        return send(topic, partition, key == null ? null : key.getBytes(StandardCharsets.UTF_8), value == null ? null : value.getBytes(StandardCharsets.UTF_8), Map.of());
    }

    public long send(String topic, int partition, byte[] key, byte[] value, Map<String, byte[]> headers)
    {
        RecordHeaders recordHeaders = new RecordHeaders();
        headers.forEach(recordHeaders::add);
        try {
            return producer.send(new ProducerRecord<>(topic, partition, key, value, recordHeaders)).get().offset();
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** Sends many JSON values round-robin over the partitions, waiting for all acknowledgements. */
    public void sendAll(String topic, int partitions, List<String> values)
    {
        List<Future<RecordMetadata>> futures = new ArrayList<>(values.size());
        for (int i = 0; i < values.size(); i++) {
            futures.add(producer.send(new ProducerRecord<>(topic, i % partitions, Integer.toString(i).getBytes(StandardCharsets.UTF_8), values.get(i).getBytes(StandardCharsets.UTF_8))));
        }
        try {
            for (Future<RecordMetadata> future : futures) {
                future.get();
            }
        }
        catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /** The next offset of every partition of a topic. */
    public Map<Integer, Long> endOffsets(String topic)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            Map<Integer, Long> offsets = new HashMap<>();
            consumer.endOffsets(partitions).forEach((partition, offset) -> offsets.put(partition.partition(), offset));
            return offsets;
        }
    }

    /** Values of every record in a topic, for checking a dead-letter topic. */
    public List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> readAll(String topic)
    {
        try (KafkaConsumer<byte[], byte[]> consumer = newConsumer()) {
            List<TopicPartition> partitions = partitions(consumer, topic);
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            List<org.apache.kafka.clients.consumer.ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (partitions.stream().anyMatch(partition -> consumer.position(partition) < end.get(partition)) && System.nanoTime() < deadline) {
                consumer.poll(java.time.Duration.ofMillis(200)).forEach(records::add);
            }
            return records;
        }
    }

    private KafkaConsumer<byte[], byte[]> newConsumer()
    {
        return new KafkaConsumer<>(Map.of(
                "bootstrap.servers", bootstrapServers(),
                "key.deserializer", ByteArrayDeserializer.class.getName(),
                "value.deserializer", ByteArrayDeserializer.class.getName()));
    }

    private static List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String topic)
    {
        return consumer.partitionsFor(topic).stream()
                .map(info -> new TopicPartition(topic, info.partition()))
                .toList();
    }

    @Override
    public void close()
            throws Exception
    {
        producer.close();
        cluster.close();
    }
}
