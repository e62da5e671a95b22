package io.pumptwin.reliability;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;

/** Stored telemetry sent again to another broker, as the devices sent it the first time. */
final class Replay {
  private Replay() {
  }

  /**
   * Slot by slot (the envelope's sequence), one slot per {@code pace}; each record to the partition
   * it was stored in, in its stored order and with its stored timestamp.
   */
  static void paced(TopicRegistry topics, String bootstrap, String topicName,
      List<ConsumerRecord<String, TelemetryEnvelope>> stored, Duration pace) throws InterruptedException {
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    var topic = topics.topic(Topics.TELEMETRY);
    Map<Long, List<ConsumerRecord<String, TelemetryEnvelope>>> bySlot = stored.stream()
        .sorted((a, b) -> a.partition() != b.partition() ? Integer.compare(a.partition(), b.partition())
            : Long.compare(a.offset(), b.offset()))
        .collect(Collectors.groupingBy(r -> r.value().getSequence(), TreeMap::new, Collectors.toList()));
    try (KafkaProducer<String, TelemetryEnvelope> producer = new KafkaProducer<>(config,
        topic.keySerde().serializer(), topic.valueSerde().serializer())) {
      for (List<ConsumerRecord<String, TelemetryEnvelope>> slot : bySlot.values()) {
        for (ConsumerRecord<String, TelemetryEnvelope> r : slot) {
          producer.send(new ProducerRecord<>(topicName, r.partition(), r.timestamp(), r.key(),
              r.value()));
        }
        producer.flush();
        Thread.sleep(pace.toMillis()); // pacing as the devices did, not waiting for a result
      }
    }
  }
}
