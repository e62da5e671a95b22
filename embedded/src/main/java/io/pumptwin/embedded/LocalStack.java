package io.pumptwin.embedded;

import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * PumpTwin's embedded default: a real broker and a real schema registry with every topic created
 * and every value schema registered, data kept under one directory so a restart resumes where the
 * last run stopped.
 */
public final class LocalStack implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LocalStack.class);

  /**
   * @param kafkaPort client port of the broker on 127.0.0.1
   * @param controllerPort KRaft controller port on 127.0.0.1
   * @param registryPort HTTP port of the registry on 127.0.0.1
   * @param dataDir broker log in {@code kafka/}, registry database and log in {@code registry/}
   * @param registryArchive Apicurio's distribution tar.gz
   * @param cacheDir where the distribution is unpacked
   */
  public record Settings(int kafkaPort, int controllerPort, int registryPort, Path dataDir,
      Path registryArchive, Path cacheDir) {
    public Settings {
      Objects.requireNonNull(dataDir, "dataDir");
      Objects.requireNonNull(registryArchive, "registryArchive");
      Objects.requireNonNull(cacheDir, "cacheDir");
      if (Set.of(kafkaPort, controllerPort, registryPort).size() != 3) {
        throw new IllegalArgumentException("kafka, controller and registry ports must differ: "
            + kafkaPort + ", " + controllerPort + ", " + registryPort);
      }
    }

    public static Settings of(int kafkaPort, int controllerPort, int registryPort, Path dataDir) {
      return new Settings(kafkaPort, controllerPort, registryPort, dataDir,
          ApicurioDistribution.defaultArchive(), ApicurioDistribution.defaultCacheDir());
    }

    public Path kafkaDir() {
      return dataDir.resolve("kafka");
    }

    public Path registryDir() {
      return dataDir.resolve("registry");
    }
  }

  /** A topic of {@link Topics#ALL} as found or created on the broker. */
  public record TopicStatus(String name, int partitions, Map<String, String> configs, boolean created) {}

  private final Settings settings;
  private final EmbeddedKafka kafka;
  private final EmbeddedSchemaRegistry registry;
  private final SchemaRegistryClient registryClient;
  private final TopicRegistry topicRegistry;
  private final List<TopicStatus> topics;
  private final Map<String, Integer> schemaIds;
  private boolean closed;

  private LocalStack(Settings settings, EmbeddedKafka kafka, EmbeddedSchemaRegistry registry,
      SchemaRegistryClient registryClient, TopicRegistry topicRegistry, List<TopicStatus> topics,
      Map<String, Integer> schemaIds) {
    this.settings = settings;
    this.kafka = kafka;
    this.registry = registry;
    this.registryClient = registryClient;
    this.topicRegistry = topicRegistry;
    this.topics = List.copyOf(topics);
    this.schemaIds = Map.copyOf(schemaIds);
  }

  /** Starts broker and registry, creates missing topics, registers schemas; closes all on failure. */
  public static LocalStack start(Settings settings) {
    long started = System.nanoTime();
    EmbeddedSchemaRegistry registry = null;
    EmbeddedKafka kafka = null;
    SchemaRegistryClient client = null;
    try {
      // The registry is a separate JVM that needs nothing from the broker (its storage is a local
      // file): let it boot while the broker starts in this one.
      registry = EmbeddedSchemaRegistry.launch(new EmbeddedSchemaRegistry.Settings(
          settings.registryPort(), settings.registryDir(), settings.registryArchive(),
          settings.cacheDir(), "256m", Duration.ofSeconds(120)));
      kafka = EmbeddedKafka.start(
          EmbeddedKafka.Settings.of(settings.kafkaPort(), settings.controllerPort(), settings.kafkaDir()));
      List<TopicStatus> topics = ensureTopics(kafka.bootstrapServers());
      registry.awaitReady();
      client = new HttpSchemaRegistryClient(RegistrySettings.of(registry.ccompatUrl()));
      // Apicurio starts with no compatibility rule; Confluent's default is BACKWARD. Set it, so a
      // service cannot register a schema that would break readers of records already stored.
      client.setCompatibility(null, "BACKWARD");
      TopicRegistry topicRegistry = new TopicRegistry(client, SerdeSettings.autoRegistering());
      Map<String, Integer> ids = topicRegistry.registerAll();
      log.info("event=stack.ready bootstrap={} registry={} topics={} subjects={} dataDir={} startMs={}",
          kafka.bootstrapServers(), registry.ccompatUrl(), topics.size(), ids.size(),
          settings.dataDir().toAbsolutePath(), TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
      return new LocalStack(settings, kafka, registry, client, topicRegistry, topics, ids);
    } catch (RuntimeException e) {
      closeQuietly(client);
      closeQuietly(registry);
      closeQuietly(kafka);
      throw e;
    }
  }

  private static List<TopicStatus> ensureTopics(String bootstrapServers) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
      List<TopicStatus> result = new ArrayList<>();
      for (TopicSpec<?> spec : Topics.ALL) {
        boolean create = !existing.contains(spec.name());
        if (create) {
          // One broker: one replica is all there can be.
          NewTopic topic = new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs());
          try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
            log.info("event=topic.created topic={} partitions={} configs={}", spec.name(),
                spec.partitions(), spec.configs());
          } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
              throw e;
            }
            create = false;
          }
        }
        result.add(new TopicStatus(spec.name(), spec.partitions(), spec.configs(), create));
      }
      return result;
    } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
      throw new EmbeddedStartupException("cannot create PumpTwin topics on " + bootstrapServers, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedStartupException("interrupted while creating topics", e);
    }
  }

  public String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  /** The registry's Confluent-compatible API base. */
  public String registryUrl() {
    return registry.ccompatUrl();
  }

  public SchemaRegistryClient registryClient() {
    return registryClient;
  }

  /** Topics bound to auto-registering serdes of this stack's registry. */
  public TopicRegistry topicRegistry() {
    return topicRegistry;
  }

  public List<TopicStatus> topics() {
    return topics;
  }

  /** Value subject to schema id, as registered at start. */
  public Map<String, Integer> schemaIds() {
    return schemaIds;
  }

  public String clusterId() {
    return kafka.clusterId();
  }

  public Settings settings() {
    return settings;
  }

  public Path registryLog() {
    return registry.logFile();
  }

  /** Stops the registry child and the broker; safe to call more than once and from a hook. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    closeQuietly(registryClient);
    closeQuietly(registry);
    closeQuietly(kafka);
    log.info("event=stack.stopped dataDir={}", settings.dataDir().toAbsolutePath());
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c == null) {
      return;
    }
    try {
      c.close();
    } catch (Exception e) {
      log.warn("event=close.failed component={} error={}", c.getClass().getSimpleName(), e.toString());
    }
  }
}
