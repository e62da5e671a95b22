package io.pumptwin.alerting.notify;

import io.pumptwin.events.DeliveryOutcome;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.Severity;
import io.pumptwin.schemas.topics.Topic;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Which notifications were already finished (delivered, dead-lettered or suppressed), and the
 * highest severity each alert was notified at. Rebuilt at start from {@code pump.notifications.v1}
 * itself, the audit trail every attempt is written to, so a restarted notifier does not tell the
 * same person the same thing twice, and needs no store of its own.
 */
public final class DeliveryLedger {
  private final Set<String> finished = ConcurrentHashMap.newKeySet();
  private final Map<String, Severity> notifiedSeverity = new ConcurrentHashMap<>();

  public boolean finished(String notificationId) {
    return finished.contains(notificationId);
  }

  public Severity notifiedSeverity(String alertId) {
    return notifiedSeverity.get(alertId);
  }

  public void record(NotificationRecord r) {
    if (r.getOutcome() == DeliveryOutcome.RETRYING) {
      return;
    }
    finished.add(r.getNotificationId());
    if (r.getOutcome() != DeliveryOutcome.SUPPRESSED) {
      notifiedSeverity.merge(r.getAlertId(), r.getSeverity(),
          (a, b) -> a.compareTo(b) >= 0 ? a : b);
    }
  }

  public int size() {
    return finished.size();
  }

  /** Reads the whole notifications topic up to its current end (committed records only). */
  public static DeliveryLedger readFrom(String bootstrapServers, Topic<NotificationRecord> topic,
      Duration timeout) {
    return readFrom(bootstrapServers, Map.of(), topic, timeout);
  }

  /** @param clientSecurity Kafka client security settings (SASL_SSL...) for the reading consumer */
  public static DeliveryLedger readFrom(String bootstrapServers, Map<String, ?> clientSecurity,
      Topic<NotificationRecord> topic, Duration timeout) {
    DeliveryLedger ledger = new DeliveryLedger();
    Map<String, Object> cfg = new HashMap<>(clientSecurity);
    cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    cfg.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    try (KafkaConsumer<String, NotificationRecord> consumer = new KafkaConsumer<>(cfg,
        topic.keySerde().deserializer(), topic.valueSerde().deserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic.name(), timeout).stream()
          .map(p -> new TopicPartition(p.topic(), p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions, timeout);
      long deadline = System.nanoTime() + timeout.toNanos();
      while (partitions.stream().anyMatch(p -> consumer.position(p, timeout) < end.get(p))) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException("could not read " + topic.name() + " to its end within "
              + timeout + "; refusing to start rather than send duplicates");
        }
        consumer.poll(Duration.ofMillis(200)).forEach(r -> {
          if (r.value() != null) {
            ledger.record(r.value());
          }
        });
      }
    }
    return ledger;
  }
}
