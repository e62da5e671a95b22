package io.pumptwin.bench.latency;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The baseline: the bare mechanism the pipeline's guarantee rests on, at the same rate. Transactional producers
 * (one per client thread) each commit a batch of records per transaction on the same schedule as the gateway
 * load; a read_committed consumer notes when each transaction's records become visible. Latency is from the
 * commit's return (the producer's equivalent of the gateway's 202: the records are durable) to visibility.
 */
final class TransactionalRoundTrip {
  static final String TOPIC = "bench.e2e.baseline";

  private TransactionalRoundTrip() {}

  /** Latencies in nanoseconds, one per transaction, and the records per second actually committed. */
  record Outcome(long[] latencies, int transactions, int seen, double recordsPerSecond) {}

  static Outcome run(String bootstrapServers, int partitions, double eventsPerSecond, int threads, int batchSize,
      long durationNanos) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(TOPIC, partitions, (short) 1))).all().get();
    }
    Map<Long, Long> committedAt = new ConcurrentHashMap<>();
    Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = consumer.partitionsFor(TOPIC).stream()
        .map(p -> new TopicPartition(TOPIC, p.partition())).toList();
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    java.util.concurrent.atomic.AtomicLong expectedTransactions = new java.util.concurrent.atomic.AtomicLong(Long.MAX_VALUE);
    Thread reader = new Thread(() -> {
      try (consumer) {
        while (visibleAt.size() < expectedTransactions.get()) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            long now = System.nanoTime();
            visibleAt.putIfAbsent(ByteBuffer.wrap(r.key()).getLong(), now);
          }
        }
      }
    }, "baseline-reader");
    reader.setDaemon(true);
    reader.start();

    long interval = Math.round(threads * batchSize * 1e9 / eventsPerSecond);
    long start = System.nanoTime();
    long end = start + durationNanos;
    byte[] value = "{\"type\":\"StatusReport\",\"pumpComputedReservoirMl\":12.5,\"reservoirCapacityMl\":40,\"doseMcgPerDay\":500}"
        .repeat(3).getBytes(StandardCharsets.UTF_8);
    List<Thread> writers = new ArrayList<>();
    Set<Throwable> errors = ConcurrentHashMap.newKeySet();
    for (int t = 0; t < threads; t++) {
      int thread = t;
      Thread w = new Thread(() -> {
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
            ProducerConfig.TRANSACTIONAL_ID_CONFIG, "bench-e2e-baseline-" + thread,
            ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
          producer.initTransactions();
          long n = 0;
          for (long due = start + thread * interval / threads; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            long txn = ((long) thread << 40) | n++;
            byte[] key = ByteBuffer.allocate(8).putLong(txn).array();
            producer.beginTransaction();
            for (int i = 0; i < batchSize; i++) {
              producer.send(new ProducerRecord<>(TOPIC, key, value));
            }
            producer.commitTransaction();
            committedAt.put(txn, System.nanoTime());
          }
        } catch (Exception e) {
          errors.add(e);
        }
      }, "baseline-" + t);
      writers.add(w);
      w.start();
    }
    for (Thread w : writers) {
      w.join();
    }
    long elapsed = System.nanoTime() - start;
    if (!errors.isEmpty()) {
      throw new IllegalStateException("baseline producer failed: " + errors.iterator().next(), errors.iterator().next());
    }
    expectedTransactions.set(committedAt.size());
    reader.join(30_000);
    long[] latencies = committedAt.entrySet().stream().filter(e -> visibleAt.containsKey(e.getKey()))
        .mapToLong(e -> Math.max(0, visibleAt.get(e.getKey()) - e.getValue())).sorted().toArray();
    return new Outcome(latencies, committedAt.size(), latencies.length,
        committedAt.size() * (double) batchSize / (elapsed / 1e9));
  }
}
