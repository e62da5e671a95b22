package io.pumptwin.reliability;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What is on a topic, as a downstream read_committed consumer sees it, and how far a group got. */
final class TopicContents {
  private TopicContents() {
  }

  /** Every committed record of every partition, from its start to its end, in partition order. */
  static <V> List<ConsumerRecord<String, V>> readAll(String bootstrap, String topic, Deserializer<V> values) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ConsumerConfig.GROUP_ID_CONFIG, "reliability-check-" + UUID.randomUUID());
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(), values)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, Duration.ofSeconds(30));
      List<ConsumerRecord<String, V>> records = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (partitions.stream().anyMatch(tp -> consumer.position(tp, Duration.ofSeconds(30)) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError("could not read " + topic + " to its end " + end
              + " (a transaction left open?)");
        }
        consumer.poll(Duration.ofMillis(500)).forEach(records::add);
      }
      return records;
    }
  }

  /**
   * True when {@code groupId} has committed, on every partition of {@code topic} that holds data,
   * an offset past its last data record: the group has processed everything there is. (Offsets
   * past the last record are compared, not end offsets: a transactional topic ends in a commit
   * marker a group need not commit past.)
   */
  static boolean processedAll(String bootstrap, String groupId, String topic,
      List<? extends ConsumerRecord<String, ?>> records) {
    Map<Integer, Long> lastData = new HashMap<>();
    records.forEach(r -> lastData.merge(r.partition(), r.offset(), Math::max));
    Map<TopicPartition, OffsetAndMetadata> committed = committed(bootstrap, groupId);
    return lastData.entrySet().stream().allMatch(e -> {
      OffsetAndMetadata c = committed.get(new TopicPartition(topic, e.getKey()));
      return c != null && c.offset() > e.getValue();
    });
  }

  static Map<TopicPartition, OffsetAndMetadata> committed(String bootstrap, String groupId) {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get();
      Map<TopicPartition, OffsetAndMetadata> present = new HashMap<>();
      offsets.forEach((tp, o) -> {
        if (o != null) {
          present.put(tp, o);
        }
      });
      return present;
    } catch (Exception e) {
      return Map.of(); // the group coordinator is moving (a broker restarts): not caught up yet
    }
  }
}
