package io.pumptwin.system;

import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Kafka cluster laid out as production runs it: three brokers and a separate KRaft controller, in this
 * JVM (ENVIRONMENT.md: the three-combined-node layout fails in 4.3.1). Durability as in deploy/: replication
 * factor 3 and min.insync.replicas 2 for the project's topics and for the broker's own (offsets, transactions),
 * so acks=all and exactly_once_v2 run with the guarantees they have in production.
 */
final class ThreeBrokerCluster implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ThreeBrokerCluster.class);
  static final int BROKERS = 3;
  static final short REPLICATION_FACTOR = 3;
  static final String MIN_IN_SYNC_REPLICAS = "2";

  private final KafkaClusterTestKit cluster;

  private ThreeBrokerCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static ThreeBrokerCluster start(Path baseDir) throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder()
        .setCombined(false)
        .setNumBrokerNodes(BROKERS)
        .setNumControllerNodes(1)
        .setBaseDirectory(baseDir)
        .build();
    Map<String, Object> config = new HashMap<>();
    config.put("default.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
    config.put("offsets.topic.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("transaction.state.log.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("transaction.state.log.min.isr", MIN_IN_SYNC_REPLICAS);
    // Fewer internal partitions than the defaults (50): each is a replicated log on three brokers sharing two
    // cores; the coordinators work the same.
    config.put("offsets.topic.num.partitions", "6");
    config.put("transaction.state.log.num.partitions", "6");
    config.put("group.initial.rebalance.delay.ms", "0");
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    config.forEach(builder::setConfigProp);
    KafkaClusterTestKit cluster = builder.build();
    try {
      cluster.format();
      cluster.startup();
      cluster.waitForReadyBrokers();
    } catch (Exception e) {
      cluster.close();
      throw e;
    }
    log.info("event=cluster.started brokers={} controllers=1 bootstrap={}", BROKERS, cluster.bootstrapServers());
    return new ThreeBrokerCluster(cluster);
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", bootstrapServers()));
  }

  /** Every topic of {@link Topics}, with its partitions and configs, replicated three times, min ISR 2. */
  void createProjectTopics() throws Exception {
    try (Admin admin = admin()) {
      List<NewTopic> topics = Topics.ALL.stream().map(ThreeBrokerCluster::newTopic).toList();
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    }
  }

  static NewTopic newTopic(TopicSpec<?> spec) {
    Map<String, String> configs = new HashMap<>(spec.configs());
    configs.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
    return new NewTopic(spec.name(), spec.partitions(), REPLICATION_FACTOR).configs(configs);
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
