package io.pumptwin.reliability;

import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import kafka.server.BrokerServer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;

/**
 * Three brokers and a separate KRaft controller in this JVM (the three-combined-node layout fails in
 * 4.3.1, ENVIRONMENT.md), with production durability: replication factor 3 and min.insync.replicas 2
 * for the project's topics, the Streams internal topics and the broker's own. Any broker can be
 * stopped and started again on its log directories and its port.
 */
final class RestartableCluster implements AutoCloseable {
  static final short REPLICATION_FACTOR = 3;
  static final String MIN_IN_SYNC_REPLICAS = "2";

  private final KafkaClusterTestKit cluster;

  private RestartableCluster(KafkaClusterTestKit cluster) {
    this.cluster = cluster;
  }

  static RestartableCluster start(Path baseDir) throws Exception {
    TestKitNodes nodes = new TestKitNodes.Builder().setCombined(false).setNumBrokerNodes(3)
        .setNumControllerNodes(1).setBaseDirectory(baseDir).build();
    KafkaClusterTestKit.Builder builder = new KafkaClusterTestKit.Builder(nodes);
    Map<String, Object> config = new HashMap<>();
    config.put("default.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
    config.put("offsets.topic.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("transaction.state.log.replication.factor", Short.toString(REPLICATION_FACTOR));
    config.put("transaction.state.log.min.isr", MIN_IN_SYNC_REPLICAS);
    // Fewer internal partitions than the default 50: each is a replicated log on three brokers that
    // share two cores; the coordinators work the same.
    config.put("offsets.topic.num.partitions", "6");
    config.put("transaction.state.log.num.partitions", "6");
    config.put("group.initial.rebalance.delay.ms", "0");
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
    return new RestartableCluster(cluster);
  }

  String bootstrapServers() {
    return cluster.bootstrapServers();
  }

  /** Every PumpTwin topic with its partitions and configs, three replicas, min ISR 2. */
  void createProjectTopics() throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(Topics.ALL.stream().map(RestartableCluster::replicated).toList())
          .all().get(120, TimeUnit.SECONDS);
    }
  }

  String createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    Map<String, String> all = new HashMap<>(configs);
    all.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(name, partitions, REPLICATION_FACTOR).configs(all)))
          .all().get(120, TimeUnit.SECONDS);
    }
    return name;
  }

  private static NewTopic replicated(TopicSpec<?> spec) {
    Map<String, String> configs = new HashMap<>(spec.configs());
    configs.put("min.insync.replicas", MIN_IN_SYNC_REPLICAS);
    return new NewTopic(spec.name(), spec.partitions(), REPLICATION_FACTOR).configs(configs);
  }

  List<Integer> brokerIds() {
    return cluster.brokers().keySet().stream().sorted().toList();
  }

  /** A controlled shutdown: leadership moves away, then the broker process stops serving. */
  void stopBroker(int id) {
    broker(id).shutdown();
    broker(id).awaitShutdown();
  }

  /** Starts the broker again on its log directories: it rejoins and catches its replicas up. */
  void startBroker(int id) {
    broker(id).startup();
  }

  private BrokerServer broker(int id) {
    return cluster.brokers().get(id);
  }

  private Admin admin() {
    return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
  }

  @Override
  public void close() throws Exception {
    cluster.close();
  }
}
