package io.pumptwin.schemas.topics;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;

/**
 * What a topic is, independent of any cluster: its name, the Avro type of its values and how it is
 * laid out (partitions, retention or compaction). Keys are always the pump serial as a UTF-8 string,
 * so every topic partitions a pump's history the same way.
 */
public record TopicSpec<V extends SpecificRecord>(
    String name, Class<V> valueType, int partitions, Map<String, String> configs, String purpose) {

  public TopicSpec {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(valueType, "valueType");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be >= 1 for " + name);
    }
    configs = Map.copyOf(configs);
  }

  /** The schema the generated class was compiled from: the schema this code writes. */
  public Schema valueSchema() {
    return SpecificData.get().getSchema(valueType);
  }

  /** Subject under the topic-name strategy (Confluent's default): {@code <topic>-value}. */
  public String valueSubject() {
    return name + "-value";
  }

  public boolean compacted() {
    return "compact".equals(configs.get("cleanup.policy"));
  }

  static Map<String, String> retention(Duration retention) {
    return Map.of("cleanup.policy", "delete", "retention.ms", Long.toString(retention.toMillis()));
  }

  static Map<String, String> compacted(Duration minCompactionLag) {
    return Map.of(
        "cleanup.policy", "compact",
        "min.compaction.lag.ms", Long.toString(minCompactionLag.toMillis()));
  }
}
