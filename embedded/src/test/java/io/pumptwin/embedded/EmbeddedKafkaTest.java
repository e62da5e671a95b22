package io.pumptwin.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaTest {

  @TempDir Path dir;

  @Test
  void transactionsWorkOnTheSingleNodeBrokerSoExactlyOnceApplicationsCanRun() throws Exception {
    int[] ports = freePorts(2);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.of(ports[0], ports[1], dir))) {
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic("tx-check", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
      }
      try (var producer = new KafkaProducer<>(Map.<String, Object>of(
          "bootstrap.servers", kafka.bootstrapServers(), "transactional.id", "tx-check-1"),
          new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx-check", "SN-1", "aborted"));
        producer.abortTransaction();
        producer.beginTransaction();
        producer.send(new ProducerRecord<>("tx-check", "SN-1", "committed"));
        producer.commitTransaction();
      }
      try (var consumer = new KafkaConsumer<>(Map.<String, Object>of(
          "bootstrap.servers", kafka.bootstrapServers(), "group.id", "tx-check-reader",
          "auto.offset.reset", "earliest", "isolation.level", "read_committed"),
          new StringDeserializer(), new StringDeserializer())) {
        consumer.subscribe(List.of("tx-check"));
        List<String> values = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (values.isEmpty() && System.nanoTime() < deadline) {
          for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
            values.add(r.value());
          }
        }
        assertThat(values).containsExactly("committed");
      }
    }
  }

  /**
   * Compacted topics (the twin state, the stores' changelogs) are compacted by this broker with its smaller log
   * cleaner buffer: a key written 200 times is read back once after the cleaner ran.
   */
  @Test
  void theLogCleanerCompactsWithItsSmallerOffsetMap() throws Exception {
    int[] ports = freePorts(2);
    try (EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.of(ports[0], ports[1], dir));
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      ConfigResource broker = new ConfigResource(ConfigResource.Type.BROKER, "1");
      assertThat(admin.describeConfigs(List.of(broker)).all().get(30, TimeUnit.SECONDS).get(broker)
          .get("log.cleaner.dedupe.buffer.size").value()).isEqualTo(Integer.toString(16 * 1024 * 1024));
      admin.createTopics(List.of(new NewTopic("compact-check", 1, (short) 1).configs(Map.of(
          "cleanup.policy", "compact", "segment.ms", "100", "min.cleanable.dirty.ratio", "0.01"))))
          .all().get(30, TimeUnit.SECONDS);
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers()),
          new StringSerializer(), new StringSerializer())) {
        for (int i = 0; i < 2_000; i++) {
          producer.send(new ProducerRecord<>("compact-check", "SN-" + (i % 10), "v" + i));
        }
        producer.flush();
        Thread.sleep(300); // past segment.ms (100 ms): the next append rolls the segment, and only rolled ones are cleaned
        producer.send(new ProducerRecord<>("compact-check", "SN-roll", "last")).get();
      }
      List<String> kept = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      do {
        // Polling, not a guess at timing: the cleaner wakes every 15 s (log.cleaner.backoff.ms) and the deadline
        // above bounds the wait; each read is a fresh pass from the beginning of the compacted log.
        Thread.sleep(1_000);
        kept = readAll(kafka.bootstrapServers(), "compact-check");
      } while (kept.size() > 11 && System.nanoTime() < deadline);
      assertThat(kept).hasSize(11).contains("v1999", "last");
    }
  }

  private static List<String> readAll(String servers, String topic) {
    try (var consumer = new KafkaConsumer<>(Map.<String, Object>of("bootstrap.servers", servers,
        "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer())) {
      TopicPartition tp = new TopicPartition(topic, 0);
      consumer.assign(List.of(tp));
      consumer.seekToBeginning(List.of(tp));
      long end = consumer.endOffsets(List.of(tp)).get(tp);
      List<String> values = new ArrayList<>();
      while (consumer.position(tp) < end) {
        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
          values.add(r.value());
        }
      }
      return values;
    }
  }

  @Test
  void aBrokerPortInUseIsATypedStartupErrorNamingTheAddress() throws Exception {
    int[] ports = freePorts(1);
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int busy = taken.getLocalPort();
      assertThatThrownBy(() -> EmbeddedKafka.start(EmbeddedKafka.Settings.of(busy, ports[0], dir)))
          .isInstanceOf(EmbeddedStartupException.class)
          .hasMessageContaining("127.0.0.1:" + busy);
    }
  }

  static int[] freePorts(int n) throws IOException {
    List<ServerSocket> held = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        held.add(new ServerSocket(0, 1, InetAddress.getLoopbackAddress()));
        ports[i] = held.get(i).getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : held) {
        s.close();
      }
    }
  }
}
