package io.pumptwin.reliability;

import io.pumptwin.embedded.EmbeddedKafka;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * A broker of the test's own with every PumpTwin topic, for a run the test must control apart from
 * the registry: the undisturbed run over the same input (the services' topic names are fixed, so it
 * needs a broker of its own; it shares the disturbed run's registry, same subjects and schema ids),
 * or a run whose registry the test stops.
 */
final class SingleBroker implements AutoCloseable {
  private final EmbeddedKafka kafka;

  private SingleBroker(EmbeddedKafka kafka) {
    this.kafka = kafka;
  }

  static SingleBroker start(Path dir) throws Exception {
    int[] ports = FreePorts.pick(2);
    EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.of(ports[0], ports[1], dir));
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      List<NewTopic> topics = Topics.ALL.stream().map(SingleBroker::topic).toList();
      admin.createTopics(topics).all().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      kafka.close();
      throw e;
    }
    return new SingleBroker(kafka);
  }

  private static NewTopic topic(TopicSpec<?> spec) {
    return new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs());
  }

  /** A topic of one test, e.g. the reference run's private outputs; records kept whatever their age. */
  String createTopic(String name, int partitions, Map<String, String> configs) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1).configs(configs)))
          .all().get(60, TimeUnit.SECONDS);
    }
    return name;
  }

  String bootstrapServers() {
    return kafka.bootstrapServers();
  }

  @Override
  public void close() {
    kafka.close();
  }
}
