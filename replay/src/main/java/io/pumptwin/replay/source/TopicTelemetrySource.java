package io.pumptwin.replay.source;

import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a time range of the telemetry topic, read-only: a consumer with no group (nothing is
 * committed, no group coordinator learns of it, production's consumers are not rebalanced), all
 * partitions assigned by hand, each sought to the first record at or after {@code from}
 * ({@code offsetsForTimes}), and read up to the end offsets captured at the start, so a replay of a
 * live topic ends. Only committed records are read ({@code read_committed}), as production's
 * exactly-once consumers read them.
 */
public final class TopicTelemetrySource implements TelemetrySource {
  private static final Logger log = LoggerFactory.getLogger(TopicTelemetrySource.class);

  private final String bootstrapServers;
  private final String topic;
  private final Deserializer<TelemetryEnvelope> values;
  private final Deserializer<AlertCommand> commandValues;
  private final Deserializer<AlertEvent> alertValues;
  private final String commandsTopic;
  private final String alertsTopic;
  private final Map<String, Object> consumerOverrides;
  private int partitions = -1;

  public TopicTelemetrySource(String bootstrapServers, SchemaRegistryClient registry, String topic,
      Map<String, Object> consumerOverrides) {
    this(bootstrapServers, registry, topic, Topics.ALERT_COMMANDS.name(), Topics.ALERTS.name(), consumerOverrides);
  }

  /**
   * @param commandsTopic the staff commands production's alerting read
   * @param alertsTopic the alert lifecycle production's alerting wrote: where each command's
   *     effect, and so the time it was applied, is recorded
   */
  public TopicTelemetrySource(String bootstrapServers, SchemaRegistryClient registry, String topic,
      String commandsTopic, String alertsTopic, Map<String, Object> consumerOverrides) {
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.topic = Objects.requireNonNull(topic, "topic");
    this.commandsTopic = Objects.requireNonNull(commandsTopic, "commandsTopic");
    this.alertsTopic = Objects.requireNonNull(alertsTopic, "alertsTopic");
    // Reading only: schemas are looked up by id, never registered.
    TopicRegistry topics = new TopicRegistry(registry, SerdeSettings.preRegistered());
    this.values = topics.topic(Topics.TELEMETRY).valueSerde().deserializer();
    this.commandValues = topics.topic(Topics.ALERT_COMMANDS).valueSerde().deserializer();
    this.alertValues = topics.topic(Topics.ALERTS).valueSerde().deserializer();
    this.consumerOverrides = Map.copyOf(consumerOverrides);
  }

  public TopicTelemetrySource(String bootstrapServers, SchemaRegistryClient registry) {
    this(bootstrapServers, registry, Topics.TELEMETRY.name(), Map.of());
  }

  private KafkaConsumer<String, byte[]> consumer() {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, "pumptwin-replay-reader");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000);
    config.put(ConsumerConfig.FETCH_MAX_BYTES_CONFIG, 64 * 1024 * 1024);
    config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 * 1024 * 1024);
    config.putAll(consumerOverrides);
    config.remove(ConsumerConfig.GROUP_ID_CONFIG);
    return new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
  }

  @Override
  public synchronized int partitions() {
    if (partitions < 0) {
      try (KafkaConsumer<String, byte[]> consumer = consumer()) {
        partitions = partitionsOf(consumer).size();
      }
    }
    return partitions;
  }

  private List<TopicPartition> partitionsOf(KafkaConsumer<String, byte[]> consumer) {
    List<PartitionInfo> infos = consumer.partitionsFor(topic, Duration.ofSeconds(30));
    if (infos == null || infos.isEmpty()) {
      throw new IllegalArgumentException("topic " + topic + " does not exist on " + bootstrapServers);
    }
    List<TopicPartition> tps = new ArrayList<>();
    for (PartitionInfo i : infos) {
      tps.add(new TopicPartition(topic, i.partition()));
    }
    tps.sort((a, b) -> Integer.compare(a.partition(), b.partition()));
    return tps;
  }

  @Override
  public ReadSummary read(TimeRange range, Consumer<RecordedTelemetry> sink, ReadProgress progress) {
    long delivered = 0;
    long outOfRange = 0;
    long undecodable = 0;
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<TopicPartition> tps = partitionsOf(consumer);
      partitions = tps.size();
      consumer.assign(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
      Map<TopicPartition, Long> starts = new HashMap<>(consumer.beginningOffsets(tps, Duration.ofSeconds(30)));
      if (range.from() != null) {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, range.from().toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        for (TopicPartition tp : tps) {
          OffsetAndTimestamp at = found.get(tp);
          starts.put(tp, at == null ? ends.get(tp) : at.offset());
        }
      }
      long total = 0;
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition tp : tps) {
        consumer.seek(tp, starts.get(tp));
        total += Math.max(0, ends.get(tp) - starts.get(tp));
        if (starts.get(tp) < ends.get(tp)) {
          open.add(tp);
        }
      }
      log.info("event=replay.read_topic topic={} partitions={} records={} range={}", topic, tps.size(), total,
          range);
      consumer.pause(tps.stream().filter(tp -> !open.contains(tp)).toList());
      long seen = 0;
      while (!open.isEmpty()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          TopicPartition tp = new TopicPartition(r.topic(), r.partition());
          if (r.offset() >= ends.get(tp)) {
            continue;
          }
          seen++;
          TelemetryEnvelope envelope;
          try {
            envelope = r.value() == null ? null : values.deserialize(r.topic(), r.value());
          } catch (SerializationException e) {
            envelope = null;
          }
          if (envelope == null) {
            undecodable++;
            continue;
          }
          if (!range.contains(envelope.getEventTime())) {
            outOfRange++;
            continue;
          }
          sink.accept(new RecordedTelemetry(r.partition(), r.offset(), r.timestamp(), envelope));
          delivered++;
        }
        List<TopicPartition> done = new ArrayList<>();
        for (TopicPartition tp : open) {
          if (consumer.position(tp) >= ends.get(tp)) {
            done.add(tp);
          }
        }
        if (!done.isEmpty()) {
          open.removeAll(done);
          consumer.pause(done);
        }
        progress.advanced(total == 0 ? 1 : Math.min(1, seen / (double) total));
      }
    }
    return new ReadSummary(delivered, outOfRange, undecodable);
  }

  /**
   * The command topic's commands, each with the time production applied it: the event time of the
   * alert transition whose {@code causedBy} names it, read from the alerts topic. The command topic
   * is read whole (staff clicks are few; a command's record time says little about when it was
   * applied), the alerts topic from the range's start (a transition is stamped with the time it
   * happened, never before the command's record time). Undecodable records are skipped: production's
   * alerting dead-lettered them.
   */
  @Override
  public List<RecordedCommand> commands(TimeRange range) {
    List<ConsumerRecord<String, byte[]>> raw = new ArrayList<>();
    Map<String, AlertCommand> byId = new HashMap<>();
    List<AlertCommand> decoded = new ArrayList<>();
    readRaw(commandsTopic, null, r -> {
      AlertCommand c = decode(commandValues, r);
      if (c != null) {
        raw.add(r);
        decoded.add(c);
        byId.put(c.getCommandId(), c);
      }
    });
    Map<String, Instant> appliedAt = new HashMap<>();
    if (!byId.isEmpty()) {
      readRaw(alertsTopic, range.from(), r -> {
        AlertEvent a = decode(alertValues, r);
        String id = a == null || a.getActor() == null ? null : RecordedCommand.commandIdOf(a.getCausedBy());
        if (id != null && byId.containsKey(id)) {
          appliedAt.putIfAbsent(id, a.getEventTime());
        }
      });
    }
    List<RecordedCommand> out = new ArrayList<>();
    for (int i = 0; i < raw.size(); i++) {
      ConsumerRecord<String, byte[]> r = raw.get(i);
      AlertCommand c = decoded.get(i);
      RecordedCommand rc = new RecordedCommand(r.partition(), r.offset(), r.timestamp(),
          appliedAt.get(c.getCommandId()), c);
      if (range.contains(rc.orderedAt())) {
        out.add(rc);
      }
    }
    log.info("event=replay.read_commands topic={} commands={} applied_traced={} range={}", commandsTopic, out.size(),
        out.stream().filter(c -> c.appliedAt() != null).count(), range);
    return out;
  }

  private static <V> V decode(Deserializer<V> d, ConsumerRecord<String, byte[]> r) {
    try {
      return r.value() == null ? null : d.deserialize(r.topic(), r.value());
    } catch (SerializationException e) {
      return null;
    }
  }

  /** Every committed record of a topic from a time (null: the start) up to its end offsets now. */
  private void readRaw(String name, Instant from, Consumer<ConsumerRecord<String, byte[]>> sink) {
    try (KafkaConsumer<String, byte[]> consumer = consumer()) {
      List<PartitionInfo> infos = consumer.partitionsFor(name, Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        // A cluster where nobody ever acted on an alert may not have the topic: nothing to replay.
        log.info("event=replay.topic_absent topic={}", name);
        return;
      }
      List<TopicPartition> tps = infos.stream().map(i -> new TopicPartition(name, i.partition())).toList();
      consumer.assign(tps);
      Map<TopicPartition, Long> ends = consumer.endOffsets(tps, Duration.ofSeconds(30));
      Map<TopicPartition, Long> starts = new HashMap<>(consumer.beginningOffsets(tps, Duration.ofSeconds(30)));
      if (from != null) {
        Map<TopicPartition, Long> query = new HashMap<>();
        tps.forEach(tp -> query.put(tp, from.toEpochMilli()));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query, Duration.ofSeconds(30));
        for (TopicPartition tp : tps) {
          OffsetAndTimestamp at = found.get(tp);
          starts.put(tp, at == null ? ends.get(tp) : at.offset());
        }
      }
      List<TopicPartition> open = new ArrayList<>();
      for (TopicPartition tp : tps) {
        consumer.seek(tp, starts.get(tp));
        if (starts.get(tp) < ends.get(tp)) {
          open.add(tp);
        }
      }
      consumer.pause(tps.stream().filter(tp -> !open.contains(tp)).toList());
      while (!open.isEmpty()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.offset() < ends.get(new TopicPartition(r.topic(), r.partition()))) {
            sink.accept(r);
          }
        }
        List<TopicPartition> done = open.stream().filter(tp -> consumer.position(tp) >= ends.get(tp)).toList();
        if (!done.isEmpty()) {
          open.removeAll(done);
          consumer.pause(done);
        }
      }
    }
  }

  @Override
  public String describe() {
    return "topic " + topic + " on " + bootstrapServers;
  }
}
