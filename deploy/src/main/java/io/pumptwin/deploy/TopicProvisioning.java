package io.pumptwin.deploy;

import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
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
 * What a fresh cluster needs before the services run: every PumpTwin topic with its partitions and
 * retention (declared once in {@link Topics}), at the cluster's replication factor, and the registry
 * at BACKWARD compatibility with every subject registered. Each service image does this at start
 * ({@code PUMPTWIN_ENSURE_TOPICS=false} turns it off where an operator or Strimzi owns the topics):
 * it is idempotent, and services started together race harmlessly (an existing topic is kept as it
 * is). Containers start in any order, so the broker and the registry are waited for.
 */
public record TopicProvisioning(String bootstrapServers, String registryUrl, short replicationFactor,
    Integer minInsyncReplicas, Duration waitFor) {

  private static final Logger log = LoggerFactory.getLogger(TopicProvisioning.class);

  public static TopicProvisioning from(ContainerEnv env) {
    String minIsr = env.optional("PUMPTWIN_TOPIC_MIN_INSYNC_REPLICAS");
    return new TopicProvisioning(env.bootstrapServers(), env.registryUrl(),
        (short) env.integer("PUMPTWIN_TOPIC_REPLICATION_FACTOR", 1),
        minIsr == null ? null : Integer.valueOf(minIsr),
        env.duration("PUMPTWIN_STARTUP_WAIT", Duration.ofMinutes(5)));
  }

  /** Runs when the environment asks for it (the default); returns once topics and subjects exist. */
  public static void ifEnabled(ContainerEnv env) throws InterruptedException {
    if (env.flag("PUMPTWIN_ENSURE_TOPICS", true)) {
      from(env).run();
    }
  }

  public void run() throws InterruptedException {
    // Each step waits for its own peer (the broker, then the registry) for up to waitFor.
    int created = retrying("topics", waitFor, this::ensureTopics);
    int subjects = retrying("schemas", waitFor, this::registerSchemas);
    log.info("event=provisioning.done bootstrap={} topics={} created={} replication={} subjects={}",
        bootstrapServers, Topics.ALL.size(), created, replicationFactor, subjects);
  }

  private int ensureTopics() throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
      Set<String> existing = admin.listTopics().names().get(20, TimeUnit.SECONDS);
      int created = 0;
      for (TopicSpec<?> spec : Topics.ALL) {
        if (existing.contains(spec.name())) {
          continue;
        }
        Map<String, String> configs = new HashMap<>(spec.configs());
        if (minInsyncReplicas != null) {
          configs.put("min.insync.replicas", minInsyncReplicas.toString());
        }
        try {
          admin.createTopics(java.util.List.of(new NewTopic(spec.name(), spec.partitions(), replicationFactor)
              .configs(configs))).all().get(20, TimeUnit.SECONDS);
          created++;
          log.info("event=topic.created topic={} partitions={} replication={}", spec.name(),
              spec.partitions(), replicationFactor);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
        }
      }
      return created;
    }
  }

  private int registerSchemas() throws Exception {
    try (HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(registryUrl))) {
      // Confluent's default; Apicurio starts without a rule. A breaking schema is then refused.
      client.setCompatibility(null, "BACKWARD");
      return new TopicRegistry(client, SerdeSettings.autoRegistering()).registerAll().size();
    }
  }

  private interface Step {
    int run() throws Exception;
  }

  private static int retrying(String what, Duration waitFor, Step step) throws InterruptedException {
    long deadline = System.nanoTime() + waitFor.toNanos();
    int attempt = 0;
    while (true) {
      attempt++;
      try {
        return step.run();
      } catch (InterruptedException e) {
        throw e;
      } catch (Exception e) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("provisioning " + what + " failed after " + attempt + " attempts", e);
        }
        log.info("event=provisioning.waiting step={} attempt={} error={}", what, attempt, e.toString());
        // Bounded backoff: the broker or registry container is still starting.
        Thread.sleep(Math.min(5_000L, 500L * attempt)); // back-off between attempts while the broker or registry starts
      }
    }
  }
}
