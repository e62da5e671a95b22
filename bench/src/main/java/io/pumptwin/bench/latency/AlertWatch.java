package io.pumptwin.bench.latency;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BiConsumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Watches pump.alerts.v1 and pump.twin.events.v1 as a dashboard would: read_committed, so only what the
 * exactly-once services committed is seen, and notes when each opened critical-alarm alert (and the twin event
 * that fed it) became visible, by the telemetry event id in its evidence.
 */
final class AlertWatch implements AutoCloseable {
  /** When (System.nanoTime) each critical-alarm alert was seen opened, by causing telemetry event id. */
  final Map<String, List<Long>> alertsByEventId = new ConcurrentHashMap<>();
  /** The same for the twin's PUMP_CRITICAL_ALARM events, the first stage. */
  final Map<String, List<Long>> twinEventsByEventId = new ConcurrentHashMap<>();
  /** Critical-alarm alerts opened whose evidence names no telemetry event (should stay empty). */
  final List<String> alertsWithoutEvidence = new CopyOnWriteArrayList<>();
  /** Every alert record seen, by type and transition (the other alerts the load caused, if any). */
  final Map<String, AtomicLong> alertRecords = new ConcurrentHashMap<>();
  private final Poller<AlertEvent> alerts;
  private final Poller<TwinEvent> twinEvents;

  AlertWatch(String bootstrapServers, TopicRegistry topics) {
    alerts = new Poller<>(bootstrapServers, topics.topic(Topics.ALERTS), (a, at) -> {
      alertRecords.computeIfAbsent(a.getAlertType() + " " + a.getTransition(), k -> new AtomicLong()).incrementAndGet();
      if (a.getAlertType() != AlertType.PUMP_CRITICAL_ALARM || a.getTransition() != AlertTransition.OPENED) {
        return;
      }
      boolean named = false;
      for (Evidence e : a.getEvidence()) {
        if (e.getSourceEventId() != null) {
          named = true;
          alertsByEventId.computeIfAbsent(e.getSourceEventId(), k -> new CopyOnWriteArrayList<>()).add(at);
        }
      }
      if (!named) {
        alertsWithoutEvidence.add(a.getPumpSerial());
      }
    });
    twinEvents = new Poller<>(bootstrapServers, topics.topic(Topics.TWIN_EVENTS), (e, at) -> {
      if (e.getType().name().equals("PUMP_CRITICAL_ALARM") && e.getTransition().name().equals("RAISED")
          && e.getSourceEventId() != null) {
        twinEventsByEventId.computeIfAbsent(e.getSourceEventId(), k -> new CopyOnWriteArrayList<>()).add(at);
      }
    });
  }

  long alertRecordCount() {
    return alertRecords.values().stream().mapToLong(AtomicLong::get).sum();
  }

  @Override
  public void close() throws InterruptedException {
    alerts.close();
    twinEvents.close();
  }

  /** One read_committed consumer on its own thread, every partition assigned, from the beginning. */
  private static final class Poller<V extends org.apache.avro.specific.SpecificRecord> implements AutoCloseable {
    private final Thread thread;
    private volatile boolean running = true;

    Poller(String bootstrapServers, Topic<V> topic, BiConsumer<V, Long> seen) {
      Map<String, Object> c = Map.of(
          ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
          ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
          ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
          ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
          // Deliver each record as soon as it is committed: no waiting for a fuller fetch.
          ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
      KafkaConsumer<String, V> consumer = new KafkaConsumer<>(c, topic.keySerde().deserializer(),
          topic.valueSerde().deserializer());
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name()).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      thread = new Thread(() -> {
        try (consumer) {
          while (running) {
            for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(100))) {
              seen.accept(r.value(), System.nanoTime());
            }
          }
        }
      }, "watch-" + topic.name());
      thread.setDaemon(true);
      thread.start();
    }

    @Override
    public void close() throws InterruptedException {
      running = false;
      thread.join(10_000);
    }
  }
}
