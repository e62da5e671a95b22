package io.pumptwin.dashboard.feed;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.pumptwin.dashboard.view.FleetView;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.registry.SchemaRegistryException;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the twin-state, alert and telemetry topics from their beginning into the {@link FleetView},
 * then follows them. Every dashboard instance reads every partition (assigned, no consumer group):
 * each one holds the whole view, so there is nothing to commit and nothing to rebalance.
 *
 * <p>read_committed: the twin engine and alerting write exactly-once, in transactions; a dashboard
 * must never show a twin or an alert from a transaction that was aborted.
 *
 * <p>A record that cannot be decoded is written to the dead-letter topic with stage
 * {@code dashboard} and a deterministic id (topic, partition, offset), and the feed goes on; a
 * registry that cannot be reached is waited for, because skipping would lose good records.
 *
 * <p>Meters: {@code dashboard.feed.records} by {@code topic} and {@code outcome} (applied, rejected), and the
 * consumer's own client metrics ({@code kafka_consumer_*}, client_id {@value #CLIENT_ID}).
 */
public final class TopicFeed implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TopicFeed.class);
  private static final Duration REGISTRY_RETRY = Duration.ofSeconds(1);
  static final String CLIENT_ID = "pumptwin-dashboard-feed";

  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, DeadLetter> deadLetters;
  private final String deadLetterTopic;
  private final FleetView view;
  private final Clock clock;
  private final Deserializer<TwinState> twins;
  private final Deserializer<AlertEvent> alerts;
  private final Deserializer<TelemetryEnvelope> telemetry;
  private final CountDownLatch caughtUp = new CountDownLatch(1);
  private final AtomicLong rejected = new AtomicLong();
  private final Thread thread;
  private final MeterRegistry meters;
  private final KafkaClientMetrics clientMetrics;
  private final Map<String, Counter> applied = new HashMap<>();
  private final Map<String, Counter> rejectedByTopic = new HashMap<>();
  private volatile boolean running = true;
  private Map<TopicPartition, Long> startEnd = Map.of();

  public TopicFeed(String bootstrapServers, TopicRegistry registry, FleetView view,
      KafkaProducer<String, DeadLetter> deadLetters, Map<String, Object> consumerOverrides, Clock clock,
      MeterRegistry meters) {
    Map<String, Object> config = new HashMap<>();
    config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    config.put(ConsumerConfig.CLIENT_ID_CONFIG, CLIENT_ID);
    config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    config.putAll(consumerOverrides);
    this.consumer = new KafkaConsumer<>(config,
        new org.apache.kafka.common.serialization.StringDeserializer(), new ByteArrayDeserializer());
    this.deadLetters = deadLetters;
    this.deadLetterTopic = registry.topic(Topics.TELEMETRY_DLQ).name();
    this.view = view;
    this.clock = clock;
    this.twins = registry.topic(Topics.TWIN_STATE).valueSerde().deserializer();
    this.alerts = registry.topic(Topics.ALERTS).valueSerde().deserializer();
    this.telemetry = registry.topic(Topics.TELEMETRY).valueSerde().deserializer();
    this.thread = new Thread(this::run, "dashboard-feed");
    this.thread.setDaemon(true);
    this.meters = meters;
    for (TopicSpec<?> spec : List.of(Topics.TWIN_STATE, Topics.ALERTS, Topics.TELEMETRY)) {
      applied.put(spec.name(), records(spec.name(), "applied"));
      rejectedByTopic.put(spec.name(), records(spec.name(), "rejected"));
    }
    this.clientMetrics = new KafkaClientMetrics(consumer);
    clientMetrics.bindTo(meters);
  }

  private Counter records(String topic, String outcome) {
    return Counter.builder("dashboard.feed.records").tag("topic", topic).tag("outcome", outcome)
        .description("Records the dashboard's topic feed read into its view, or rejected").register(meters);
  }

  /**
   * Assigns every partition of the three topics from the beginning and starts following them;
   * returns once the view holds everything that was on the topics at start, or after {@code wait}
   * (the view then keeps filling in the background, and the pages show what has arrived).
   */
  public boolean start(Duration wait) throws InterruptedException {
    List<TopicPartition> partitions = new ArrayList<>();
    for (TopicSpec<?> spec : List.of(Topics.TWIN_STATE, Topics.ALERTS, Topics.TELEMETRY)) {
      List<PartitionInfo> infos = consumer.partitionsFor(spec.name(), Duration.ofSeconds(30));
      if (infos == null || infos.isEmpty()) {
        throw new IllegalStateException("topic " + spec.name() + " does not exist on the cluster;"
            + " the dashboard reads it and does not create it");
      }
      infos.forEach(i -> partitions.add(new TopicPartition(i.topic(), i.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    startEnd = consumer.endOffsets(partitions, Duration.ofSeconds(30));
    long backlog = startEnd.values().stream().mapToLong(Long::longValue).sum();
    LOG.info("event=dashboard_feed_start partitions={} backlog_records={}", partitions.size(), backlog);
    long t0 = System.nanoTime();
    thread.start();
    boolean done = caughtUp.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    LOG.info("event=dashboard_feed_caught_up done={} ms={} records_applied={} pumps={}", done,
        (System.nanoTime() - t0) / 1_000_000, view.recordsApplied(), view.pumpsWithTwin());
    return done;
  }

  public boolean caughtUp() {
    return caughtUp.getCount() == 0;
  }

  public long rejectedRecords() {
    return rejected.get();
  }

  private void run() {
    try {
      while (running) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          // The registry may be away for a while: the same record is retried, never skipped.
          while (running && !apply(r)) {
            pause();
          }
        }
        if (caughtUp.getCount() > 0 && reachedStartEnd()) {
          caughtUp.countDown();
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } catch (RuntimeException e) {
      LOG.error("event=dashboard_feed_stopped reason={}", e.toString(), e);
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private boolean reachedStartEnd() {
    for (Map.Entry<TopicPartition, Long> e : startEnd.entrySet()) {
      if (consumer.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }

  /** Applies one record; false when the registry is unreachable and the record must be retried. */
  private boolean apply(ConsumerRecord<String, byte[]> r) {
    if (r.value() == null) {
      return true; // a tombstone; nothing to show (the engine does not delete twins today)
    }
    try {
      String topic = r.topic();
      if (topic.equals(Topics.TWIN_STATE.name())) {
        view.apply(twins.deserialize(topic, r.value()));
      } else if (topic.equals(Topics.ALERTS.name())) {
        view.apply(alerts.deserialize(topic, r.value()));
      } else {
        view.apply(telemetry.deserialize(topic, r.value()));
      }
      applied.get(topic).increment();
      return true;
    } catch (SchemaRegistryException.RegistryUnavailable e) {
      LOG.warn("event=dashboard_registry_unavailable topic={} partition={} offset={} retry_ms={}",
          r.topic(), r.partition(), r.offset(), REGISTRY_RETRY.toMillis());
      return false;
    } catch (RuntimeException e) {
      deadLetter(r, e);
      return true;
    }
  }

  private void deadLetter(ConsumerRecord<String, byte[]> r, RuntimeException e) {
    rejected.incrementAndGet();
    rejectedByTopic.get(r.topic()).increment();
    String reason = "dashboard cannot decode " + r.topic() + " record: " + e.getMessage();
    LOG.warn("event=dashboard_record_rejected topic={} partition={} offset={} reason_code=UNDECODABLE error={}",
        r.topic(), r.partition(), r.offset(), e.getClass().getSimpleName());
    DeadLetter letter = DeadLetter.newBuilder()
        .setDeadLetterId("dashboard:" + r.topic() + ":" + r.partition() + ":" + r.offset())
        .setStage("dashboard")
        .setReasonCode("UNDECODABLE")
        .setReason(reason)
        .setField(null)
        .setPumpSerial(r.key())
        .setOriginTopic(r.topic())
        .setOriginPartition(r.partition())
        .setOriginOffset(r.offset())
        .setOriginKey(r.key() == null ? null : ByteBuffer.wrap(r.key().getBytes(StandardCharsets.UTF_8)))
        .setRawValue(ByteBuffer.wrap(r.value()))
        .setContentType("application/vnd.confluent.avro")
        .setOccurredAt(clock.instant())
        .build();
    deadLetters.send(new ProducerRecord<>(deadLetterTopic, r.key(), letter), (md, ex) -> {
      if (ex != null) {
        LOG.error("event=dashboard_dead_letter_failed topic={} offset={} error={}", r.topic(),
            r.offset(), ex.toString());
      }
    });
  }

  private void pause() {
    try {
      Thread.sleep(REGISTRY_RETRY.toMillis()); // registry unreachable: retry the same record, never skip it
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      running = false;
    }
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    clientMetrics.close();
    consumer.wakeup();
    if (thread.isAlive()) {
      thread.join(10_000);
    } else {
      consumer.close(Duration.ofSeconds(5));
    }
  }
}
