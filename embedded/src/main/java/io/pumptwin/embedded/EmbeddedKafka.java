package io.pumptwin.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft Kafka (one process acting as broker and controller) running inside this
 * JVM, with its log on disk. The log directory is formatted once; later starts reuse it, so topics,
 * records and the cluster id survive a restart.
 */
public final class EmbeddedKafka implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(EmbeddedKafka.class);

  /**
   * Where and how the broker listens.
   *
   * @param port the client (PLAINTEXT) port on 127.0.0.1
   * @param controllerPort the KRaft controller port on 127.0.0.1
   * @param logDir the broker's data; formatted on first use and kept afterwards
   * @param readyTimeout how long to wait for the broker to answer an admin request
   */
  public record Settings(int port, int controllerPort, Path logDir, Duration readyTimeout) {
    public Settings {
      Objects.requireNonNull(logDir, "logDir");
      Objects.requireNonNull(readyTimeout, "readyTimeout");
      if (port < 1 || port > 65535 || controllerPort < 1 || controllerPort > 65535) {
        throw new IllegalArgumentException("ports must be 1..65535: " + port + ", " + controllerPort);
      }
      if (port == controllerPort) {
        throw new IllegalArgumentException("broker and controller need different ports: " + port);
      }
    }

    public static Settings of(int port, int controllerPort, Path logDir) {
      return new Settings(port, controllerPort, logDir, Duration.ofSeconds(60));
    }
  }

  private static final int NODE_ID = 1;

  private final Settings settings;
  private KafkaRaftServer server;
  private String clusterId;

  private EmbeddedKafka(Settings settings) {
    this.settings = settings;
  }

  /** Formats the log directory if it is new, starts the broker and waits until it serves clients. */
  public static EmbeddedKafka start(Settings settings) {
    EmbeddedKafka kafka = new EmbeddedKafka(settings);
    try {
      kafka.startServer();
      return kafka;
    } catch (RuntimeException e) {
      kafka.close();
      throw e;
    }
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + settings.port();
  }

  public String clusterId() {
    return clusterId;
  }

  public Settings settings() {
    return settings;
  }

  private void startServer() {
    long started = System.nanoTime();
    Path logDir = settings.logDir().toAbsolutePath();
    Map<String, String> config = brokerConfig(logDir);
    boolean formatted = Files.exists(logDir.resolve("meta.properties"));
    try {
      Files.createDirectories(logDir);
      if (!formatted) {
        format(logDir, config);
      }
      clusterId = readClusterId(logDir);
    } catch (IOException e) {
      throw new EmbeddedStartupException("cannot prepare the Kafka log directory " + logDir, e);
    }
    server = new KafkaRaftServer(new KafkaConfig(config, false), Time.SYSTEM);
    try {
      server.startup();
    } catch (RuntimeException e) {
      throw new EmbeddedStartupException("Kafka broker did not start on " + bootstrapServers()
          + " (port in use? another broker on " + logDir + "?): " + e.getMessage(), e);
    }
    awaitReady();
    log.info("event=kafka.ready bootstrap={} clusterId={} logDir={} newlyFormatted={} startMs={}",
        bootstrapServers(), clusterId, logDir, !formatted,
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }

  private Map<String, String> brokerConfig(Path logDir) {
    String broker = "127.0.0.1:" + settings.port();
    String controller = "127.0.0.1:" + settings.controllerPort();
    return Map.ofEntries(
        Map.entry("process.roles", "broker,controller"),
        Map.entry("node.id", Integer.toString(NODE_ID)),
        // Static voters: the voter set lives in this config, not in the log, so a restart on
        // other ports (tests pick free ports) still finds its quorum.
        Map.entry("controller.quorum.voters", NODE_ID + "@" + controller),
        Map.entry("listeners", "PLAINTEXT://" + broker + ",CONTROLLER://" + controller),
        Map.entry("advertised.listeners", "PLAINTEXT://" + broker),
        Map.entry("controller.listener.names", "CONTROLLER"),
        Map.entry("inter.broker.listener.name", "PLAINTEXT"),
        Map.entry("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT"),
        Map.entry("log.dirs", logDir.toString()),
        // One node: internal topics can only have one replica. With min ISR 1 transactions
        // (exactly_once_v2) and consumer groups work on this single broker.
        Map.entry("offsets.topic.replication.factor", "1"),
        Map.entry("offsets.topic.num.partitions", "6"),
        Map.entry("transaction.state.log.replication.factor", "1"),
        Map.entry("transaction.state.log.min.isr", "1"),
        Map.entry("transaction.state.log.num.partitions", "6"),
        Map.entry("share.coordinator.state.topic.replication.factor", "1"),
        Map.entry("share.coordinator.state.topic.min.isr", "1"),
        Map.entry("min.insync.replicas", "1"),
        Map.entry("default.replication.factor", "1"),
        // Transactions v2 (KIP-890, on by default in this Kafka) add a partition to the transaction from the
        // produce request itself. Right after a commit the coordinator is still writing the markers, answers
        // CONCURRENT_TRANSACTIONS, and the broker retries only for this long (Kafka's default 100 ms, KAFKA-18654)
        // before failing that batch back to the producer. On a cold broker (every fresh start: JIT, the stores
        // opening, other JVMs on the same two cores) the markers take longer, so the first batch of the next
        // transaction failed while the producer's later batches for the same partition, already in flight, were
        // rejected as out of order ("Expected sequence 0 for transactions v2 ...", KAFKA-18202) and logged as
        // ReplicaManager ERRORs: noise the producer recovered from, but an ERROR an operator cannot tell from a
        // fault. Holding the request until the markers are written keeps the batches in order. 5 s stays well
        // inside a producer's request timeout (30 s default, Kafka Streams included), so a held request is never
        // timed out and resent by its client.
        Map.entry("add.partitions.to.txn.retry.backoff.max.ms", "5000"),
        // A local stack has no rebalance storms to damp; waiting 3 s per new group only slows tests.
        Map.entry("group.initial.rebalance.delay.ms", "0"),
        // The log cleaner's offset map is a heap buffer the broker allocates at start and clears before every
        // cleaning: Kafka's 128 MB default sat in the heap of whatever JVM embeds this broker (the local stack's
        // services, every test and benchmark) and clearing it cost, while the twin engine's
        // changelogs were compacted (2-3% of the stream threads' CPU in the throughput benchmark, async-profiler, issue 5). 16 MB still maps about 600,000 keys per
        // cleaning pass; a log with more is cleaned in several passes.
        Map.entry("log.cleaner.dedupe.buffer.size", Integer.toString(16 * 1024 * 1024)),
        Map.entry("num.partitions", "1"));
  }

  private void format(Path logDir, Map<String, String> config) throws IOException {
    Path configFile = logDir.resolveSibling(logDir.getFileName() + "-format.properties");
    Properties props = new Properties();
    props.putAll(config);
    try (Writer w = Files.newBufferedWriter(configFile, StandardCharsets.UTF_8)) {
      props.store(w, "written by EmbeddedKafka to format the log directory");
    }
    String newClusterId = Uuid.randomUuid().toString();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int rc;
    // StorageTool.main would call System.exit; execute() returns instead.
    try (PrintStream ps = new PrintStream(out, true, StandardCharsets.UTF_8)) {
      rc = StorageTool.execute(new String[] {
          "format", "--cluster-id", newClusterId, "--config", configFile.toString()}, ps);
    } catch (RuntimeException e) {
      throw new EmbeddedStartupException("formatting " + logDir + " failed: "
          + out.toString(StandardCharsets.UTF_8).strip(), e);
    } finally {
      Files.deleteIfExists(configFile);
    }
    if (rc != 0) {
      throw new EmbeddedStartupException("formatting " + logDir + " failed (exit " + rc + "): "
          + out.toString(StandardCharsets.UTF_8).strip());
    }
    log.info("event=kafka.formatted logDir={} clusterId={}", logDir, newClusterId);
  }

  private static String readClusterId(Path logDir) throws IOException {
    Properties meta = new Properties();
    try (var in = Files.newBufferedReader(logDir.resolve("meta.properties"), StandardCharsets.UTF_8)) {
      meta.load(in);
    }
    return meta.getProperty("cluster.id");
  }

  private void awaitReady() {
    long deadline = System.nanoTime() + settings.readyTimeout().toNanos();
    Map<String, Object> adminConfig = Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers(),
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
    Exception last = null;
    try (Admin admin = Admin.create(adminConfig)) {
      while (System.nanoTime() < deadline) {
        try {
          // describeCluster lists only unfenced brokers: a non-empty answer means the broker has
          // caught up with the controller and accepts produce and admin requests.
          var nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(5000))
              .nodes().get(5, TimeUnit.SECONDS);
          if (!nodes.isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException e) {
          last = e;
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new EmbeddedStartupException("interrupted while waiting for Kafka", e);
        }
        pause(Duration.ofMillis(100));
      }
    }
    throw new EmbeddedStartupException("Kafka on " + bootstrapServers() + " not ready within "
        + settings.readyTimeout(), last);
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // between readiness probes, bounded by the ready timeout
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new EmbeddedStartupException("interrupted", e);
    }
  }

  /** Stops the broker and waits until its log is closed cleanly; safe to call more than once. */
  @Override
  public synchronized void close() {
    if (server == null) {
      return;
    }
    KafkaRaftServer s = server;
    server = null;
    long started = System.nanoTime();
    try {
      s.shutdown();
      s.awaitShutdown();
    } catch (RuntimeException e) {
      log.warn("event=kafka.shutdown.failed bootstrap={} error={}", bootstrapServers(), e.toString());
      return;
    }
    log.info("event=kafka.stopped bootstrap={} stopMs={}", bootstrapServers(),
        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
  }
}
