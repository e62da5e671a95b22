package io.pumptwin.testsupport;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.embedded.TempTree;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.TopicSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.avro.specific.SpecificRecord;

/**
 * The real broker and registry a test talks to, with the every-day wiring a Kafka test needs. Test
 * code shares one stack per JVM, so everything a test creates is named with {@link #uniqueId}.
 */
public final class RealStack implements AutoCloseable {
  private final LocalStack stack;
  private final Path dataDir;
  private final Path stateRoot;

  private RealStack(LocalStack stack, Path dataDir) {
    this.stack = stack;
    this.dataDir = dataDir;
    this.stateRoot = dataDir.resolve("streams-state");
  }

  /** A fresh stack on free ports in a temporary directory that is deleted on close. */
  public static RealStack startOnFreePorts() {
    Path dir;
    try {
      dir = Files.createTempDirectory("pumptwin-test-");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create a data directory for the test stack", e);
    }
    int[] ports = FreePorts.pick(3);
    try {
      return new RealStack(LocalStack.start(LocalStack.Settings.of(ports[0], ports[1], ports[2], dir)), dir);
    } catch (RuntimeException e) {
      TempTree.delete(dir);
      throw e;
    }
  }

  public String bootstrapServers() {
    return stack.bootstrapServers();
  }

  /** The registry's Confluent-compatible API base, e.g. {@code http://127.0.0.1:41234/apis/ccompat/v7}. */
  public String registryUrl() {
    return stack.registryUrl();
  }

  public SchemaRegistryClient registryClient() {
    return stack.registryClient();
  }

  /** Every PumpTwin topic, created on the broker, bound to auto-registering serdes. */
  public TopicRegistry topicRegistry() {
    return stack.topicRegistry();
  }

  public LocalStack localStack() {
    return stack;
  }

  /** {@code prefix-<random>}: a group id, application id or topic name no other test uses. */
  public String uniqueId(String prefix) {
    return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
  }

  /** Idempotent, all-acks producer settings; add serializers or pass serdes to the constructor. */
  public Map<String, Object> producerConfig() {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    return config;
  }

  /**
   * Consumer settings for a new group that reads from the beginning and sees only committed
   * records, so output of exactly-once applications is read as a downstream consumer would.
   */
  public Map<String, Object> consumerConfig(String groupId) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    return config;
  }

  /**
   * Kafka Streams settings (plain keys, so this module needs no Streams dependency): a unique
   * application id, the broker, and a state directory inside the stack's temporary directory.
   */
  public Map<String, Object> streamsConfig(String applicationIdPrefix) {
    String applicationId = uniqueId(applicationIdPrefix);
    Map<String, Object> config = new HashMap<>();
    config.put("application.id", applicationId);
    config.put("bootstrap.servers", bootstrapServers());
    config.put("state.dir", stateRoot.resolve(applicationId).toString());
    return config;
  }

  /** A producer writing to a PumpTwin topic with its registry-backed serdes. */
  public <V extends SpecificRecord> KafkaProducer<String, V> producer(TopicSpec<V> spec) {
    Topic<V> topic = topicRegistry().topic(spec);
    return new KafkaProducer<>(producerConfig(), topic.keySerde().serializer(),
        topic.valueSerde().serializer());
  }

  /** A consumer of a PumpTwin topic in a new group, already subscribed to it. */
  public <V extends SpecificRecord> KafkaConsumer<String, V> consumer(TopicSpec<V> spec) {
    Topic<V> topic = topicRegistry().topic(spec);
    KafkaConsumer<String, V> consumer = new KafkaConsumer<>(consumerConfig(uniqueId("test")),
        topic.keySerde().deserializer(), topic.valueSerde().deserializer());
    consumer.subscribe(List.of(spec.name()));
    return consumer;
  }

  /**
   * Polls until {@code count} records arrived or the timeout passed; returns what arrived, so the
   * test's own assertion says what was missing.
   */
  public static <K, V> List<ConsumerRecord<K, V>> poll(KafkaConsumer<K, V> consumer, int count,
      Duration timeout) {
    List<ConsumerRecord<K, V>> records = new ArrayList<>();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (records.size() < count && System.nanoTime() < deadline) {
      consumer.poll(Duration.ofMillis(200)).forEach(records::add);
    }
    return records;
  }

  /** Creates a topic private to one test (one replica: the stack has one broker). */
  public String createTopic(String prefix, int partitions, Map<String, String> configs) {
    String name = uniqueId(prefix);
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all().get(30, TimeUnit.SECONDS);
      return name;
    } catch (ExecutionException | TimeoutException e) {
      throw new IllegalStateException("cannot create topic " + name, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted creating topic " + name, e);
    }
  }

  /** Ends the registry child, stops the broker and deletes the temporary data. */
  @Override
  public void close() {
    stack.close();
    TempTree.delete(dataDir);
  }
}
