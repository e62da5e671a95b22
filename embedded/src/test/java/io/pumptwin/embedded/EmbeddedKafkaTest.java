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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TransactionState;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.config.Property;
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
   * Back-to-back transactions (what an exactly_once_v2 stream thread does at every commit) leave no ERROR in the
   * broker's log while the coordinator is slow to finish the previous commit, as it is on every fresh start. Here
   * every append is fsynced ({@code flush.messages=1}) on 256 partitions, so writing one commit's markers takes
   * longer than Kafka's default 100 ms server-side wait; the next transaction's first batches then used to fail with
   * CONCURRENT_TRANSACTIONS and the batches behind them with ReplicaManager ERRORs (OutOfOrderSequenceException).
   */
  @Test
  void backToBackTransactionsLogNoOutOfOrderSequenceErrorsWhileTheCoordinatorFinishesACommit() throws Exception {
    int topics = 4;
    int partitions = 64;
    List<String> brokerErrors = new CopyOnWriteArrayList<>();
    int[] ports = freePorts(2);
    try (BrokerErrors capture = BrokerErrors.into(brokerErrors);
        EmbeddedKafka kafka = EmbeddedKafka.start(EmbeddedKafka.Settings.of(ports[0], ports[1], dir));
        Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      List<NewTopic> slowTopics = new ArrayList<>();
      for (int t = 0; t < topics; t++) {
        slowTopics.add(new NewTopic("slow-commit-" + t, partitions, (short) 1).configs(Map.of("flush.messages", "1")));
      }
      admin.createTopics(slowTopics).all().get(60, TimeUnit.SECONDS);
      // Small batches and no linger: several batches per partition are in flight when a transaction starts.
      try (var producer = new KafkaProducer<>(Map.<String, Object>of("bootstrap.servers", kafka.bootstrapServers(),
          "transactional.id", "slow-commit-1", "linger.ms", 0, "batch.size", 200),
          new StringSerializer(), new StringSerializer())) {
        producer.initTransactions();
        long slowestCommitMs = 0;
        for (int txn = 0; txn < 4; txn++) {
          producer.beginTransaction();
          for (int i = 0; i < 4; i++) {
            for (int t = 0; t < topics; t++) {
              for (int p = 0; p < partitions; p++) {
                producer.send(new ProducerRecord<>("slow-commit-" + t, p, "SN-" + i, "x".repeat(100)));
              }
            }
          }
          producer.commitTransaction();
          if (txn == 3) {
            slowestCommitMs = millisUntilCommitComplete(admin, "slow-commit-1");
          }
        }
        // The premise: without it the broker's own 100 ms wait would hide the fault this test guards against.
        assertThat(slowestCommitMs).as("ms from commit to markers written").isGreaterThan(100);
      }
    }
    assertThat(brokerErrors).isEmpty();
  }

  private static long millisUntilCommitComplete(Admin admin, String transactionalId) throws Exception {
    long start = System.nanoTime();
    long deadline = start + Duration.ofSeconds(30).toNanos();
    while (admin.describeTransactions(List.of(transactionalId)).description(transactionalId).get(10, TimeUnit.SECONDS)
        .state() != TransactionState.COMPLETE_COMMIT && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
  }

  /** ERROR events from the in-process broker's loggers ({@code kafka.*}), kept while open. */
  private static final class BrokerErrors extends AbstractAppender implements AutoCloseable {
    private final List<String> sink;

    private BrokerErrors(List<String> sink) {
      super("broker-errors", null, null, true, Property.EMPTY_ARRAY);
      this.sink = sink;
    }

    static BrokerErrors into(List<String> sink) {
      BrokerErrors appender = new BrokerErrors(sink);
      appender.start();
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      brokerLoggers(context).addAppender(appender, Level.ERROR, null);
      context.updateLoggers();
      return appender;
    }

    private static LoggerConfig brokerLoggers(LoggerContext context) {
      return context.getConfiguration().getLoggerConfig("kafka"); // declared in log4j2-test.xml
    }

    @Override
    public void append(LogEvent event) {
      sink.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage()
          + (event.getThrown() == null ? "" : " " + event.getThrown()));
    }

    @Override
    public void close() {
      LoggerContext context = (LoggerContext) LogManager.getContext(false);
      brokerLoggers(context).removeAppender(getName());
      context.updateLoggers();
      stop();
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
