package io.pumptwin.gateway.ingest;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import io.pumptwin.schemas.topics.Topic;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends telemetry and dead-letter records, each future completing only when the broker has the
 * record on all in-sync replicas (acks=all). Values are serialized here, before {@code send()}, with
 * the topics' Confluent serdes: a registry failure then surfaces as a failed future of its own type
 * (the gateway answers 503) rather than inside the producer.
 */
public final class TelemetryPublisher implements AutoCloseable {
  private final KafkaProducer<String, byte[]> producer;
  private final Topic<TelemetryEnvelope> telemetry;
  private final Topic<DeadLetter> deadLetters;
  private final GatewayMetrics metrics;

  public TelemetryPublisher(String bootstrapServers, ProducerSettings settings,
      Topic<TelemetryEnvelope> telemetry, Topic<DeadLetter> deadLetters, GatewayMetrics metrics) {
    this.telemetry = telemetry;
    this.deadLetters = deadLetters;
    this.metrics = metrics;
    Properties p = new Properties();
    p.putAll(settings.overrides());
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.CLIENT_ID_CONFIG, "telemetry-gateway");
    // The broker has the record on every in-sync replica before we answer 202; the idempotent
    // producer keeps its own retries from writing a record twice or out of order.
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "5");
    p.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, millis(settings.deliveryTimeout()));
    p.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, millis(settings.requestTimeout()));
    p.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, millis(settings.maxBlock()));
    p.put(ProducerConfig.LINGER_MS_CONFIG, millis(settings.linger()));
    this.producer = new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  public CompletableFuture<RecordMetadata> publish(TelemetryEnvelope event) {
    byte[] value;
    try {
      value = telemetry.valueSerde().serializer().serialize(telemetry.name(), event);
    } catch (RuntimeException e) {
      metrics.produceError(telemetry.name(), e);
      return CompletableFuture.failedFuture(e);
    }
    return send(new ProducerRecord<>(telemetry.name(), event.getPumpSerial(), value));
  }

  /** Keyed by pump serial where known, so a pump's refusals sit in one partition in order. */
  public CompletableFuture<RecordMetadata> deadLetter(DeadLetter record) {
    byte[] value;
    try {
      value = deadLetters.valueSerde().serializer().serialize(deadLetters.name(), record);
    } catch (RuntimeException e) {
      metrics.produceError(deadLetters.name(), e);
      return CompletableFuture.failedFuture(e);
    }
    return send(new ProducerRecord<>(deadLetters.name(), record.getPumpSerial(), value));
  }

  private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
    CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
    long started = System.nanoTime();
    try {
      producer.send(record, (metadata, error) -> {
        if (error != null) {
          metrics.produceError(record.topic(), error);
          acked.completeExceptionally(error);
        } else {
          metrics.produced(Duration.ofNanos(System.nanoTime() - started));
          acked.complete(metadata);
        }
      });
    } catch (RuntimeException e) {
      // send() throws when metadata is missing after max.block.ms, or the buffer stays full.
      metrics.produceError(record.topic(), e);
      acked.completeExceptionally(e);
    }
    return acked;
  }

  @Override
  public void close() {
    producer.close(Duration.ofSeconds(5));
  }

  private static String millis(Duration d) {
    return Long.toString(d.toMillis());
  }
}
