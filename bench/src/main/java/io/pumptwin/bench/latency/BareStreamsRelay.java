package io.pumptwin.bench.latency;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
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
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;

/**
 * The second baseline: the pipeline's shape without its work. An idempotent acks=all producer (as the gateway's)
 * writes at the same rate to a topic; two bare Kafka Streams applications relay each record unchanged, topic to
 * topic, with exactly_once_v2 and the twin engine's and alerting's commit intervals; a read_committed consumer
 * notes when each batch's first record comes out. Latency from the producer's acknowledgement (the gateway's
 * 202 waits for the same) to visibility: what exactly-once commits cost on this path before any twin is moved.
 */
final class BareStreamsRelay {
  private BareStreamsRelay() {}

  record Outcome(long[] latencies, int batches, int seen, double recordsPerSecond) {}

  static Outcome run(String bootstrapServers, Path stateDir, int partitions, double eventsPerSecond, int threads,
      int batchSize, long firstCommitMs, long secondCommitMs, long durationNanos) throws Exception {
    String in = "bench.e2e.relay.in";
    String mid = "bench.e2e.relay.mid";
    String out = "bench.e2e.relay.out";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers))) {
      admin.createTopics(List.of(new NewTopic(in, partitions, (short) 1), new NewTopic(mid, partitions, (short) 1),
          new NewTopic(out, partitions, (short) 1))).all().get();
    }
    try (KafkaStreams first = relay(bootstrapServers, stateDir, "bench-e2e-relay-1", in, mid, firstCommitMs);
         KafkaStreams second = relay(bootstrapServers, stateDir, "bench-e2e-relay-2", mid, out, secondCommitMs)) {
      first.start();
      second.start();
      long until = System.nanoTime() + TimeUnit.MINUTES.toNanos(2);
      while (first.state() != KafkaStreams.State.RUNNING || second.state() != KafkaStreams.State.RUNNING) {
        if (System.nanoTime() > until) {
          throw new IllegalStateException("bare relays not RUNNING: " + first.state() + ", " + second.state());
        }
        Thread.sleep(100);
      }
      return measure(bootstrapServers, in, out, eventsPerSecond, threads, batchSize, durationNanos);
    }
  }

  private static KafkaStreams relay(String bootstrapServers, Path stateDir, String id, String from, String to,
      long commitMs) {
    StreamsBuilder b = new StreamsBuilder();
    b.stream(from, org.apache.kafka.streams.kstream.Consumed.with(Serdes.ByteArray(), Serdes.ByteArray()))
        .to(to, org.apache.kafka.streams.kstream.Produced.with(Serdes.ByteArray(), Serdes.ByteArray()));
    Properties p = new Properties();
    p.put(StreamsConfig.APPLICATION_ID_CONFIG, id);
    p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve(id).toString());
    p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, commitMs);
    return new KafkaStreams(b.build(), p);
  }

  private static Outcome measure(String bootstrapServers, String in, String out, double eventsPerSecond, int threads,
      int batchSize, long durationNanos) throws Exception {
    Map<Long, Long> ackedAt = new ConcurrentHashMap<>();
    Map<Long, Long> visibleAt = new ConcurrentHashMap<>();
    AtomicLong expected = new AtomicLong(Long.MAX_VALUE);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false,
        ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10), new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> tps = consumer.partitionsFor(out).stream()
        .map(p -> new TopicPartition(out, p.partition())).toList();
    consumer.assign(tps);
    consumer.seekToBeginning(tps);
    long deadline = System.nanoTime() + durationNanos + TimeUnit.SECONDS.toNanos(60);
    Thread reader = new Thread(() -> {
      try (consumer) {
        while (visibleAt.size() < expected.get() && System.nanoTime() < deadline) {
          for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(100))) {
            long id = ByteBuffer.wrap(r.value()).getLong();
            if (id >= 0) {
              visibleAt.putIfAbsent(id, System.nanoTime());
            }
          }
        }
      }
    }, "relay-reader");
    reader.setDaemon(true);
    reader.start();

    long interval = Math.round(threads * batchSize * 1e9 / eventsPerSecond);
    long start = System.nanoTime();
    long end = start + durationNanos;
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all",
        ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
        ProducerConfig.LINGER_MS_CONFIG, 5), new ByteArraySerializer(), new ByteArraySerializer())) {
      List<Thread> writers = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int thread = t;
        Thread w = new Thread(() -> {
          long n = 0;
          byte[] filler = ByteBuffer.allocate(300).putLong(-1).array();
          for (long due = start + thread * interval / threads; due < end; due += interval) {
            long wait = due - System.nanoTime();
            if (wait > 0) {
              LockSupport.parkNanos(wait);
            }
            long id = ((long) thread << 40) | n++;
            byte[] key = ByteBuffer.allocate(8).putLong(id).array();
            byte[] marker = ByteBuffer.allocate(300).putLong(id).array();
            // Like the gateway, the batch is answered when every record of it is acknowledged.
            List<java.util.concurrent.Future<?>> acks = new ArrayList<>(batchSize);
            acks.add(producer.send(new ProducerRecord<>(in, key, marker)));
            for (int i = 1; i < batchSize; i++) {
              acks.add(producer.send(new ProducerRecord<>(in, ByteBuffer.allocate(8).putLong(id * 1000 + i).array(),
                  filler)));
            }
            try {
              for (java.util.concurrent.Future<?> f : acks) {
                f.get();
              }
            } catch (Exception e) {
              throw new IllegalStateException("relay baseline producer failed", e);
            }
            ackedAt.put(id, System.nanoTime());
          }
        }, "relay-writer-" + t);
        writers.add(w);
        w.start();
      }
      for (Thread w : writers) {
        w.join();
      }
    }
    long elapsed = System.nanoTime() - start;
    expected.set(ackedAt.size());
    reader.join(TimeUnit.SECONDS.toMillis(70));
    long[] latencies = ackedAt.entrySet().stream().filter(e -> visibleAt.containsKey(e.getKey()))
        .mapToLong(e -> Math.max(0, visibleAt.get(e.getKey()) - e.getValue())).sorted().toArray();
    return new Outcome(latencies, ackedAt.size(), latencies.length, ackedAt.size() * (double) batchSize
        / (elapsed / 1e9));
  }
}
