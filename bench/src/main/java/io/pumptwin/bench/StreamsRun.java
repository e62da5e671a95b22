package io.pumptwin.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * Runs one Kafka Streams application over an input topic that is already full, and measures how
 * long it takes until its committed offsets reach the end of the input: the end-to-end rate a
 * production app would see, commits and (for exactly-once) transactions included.
 */
public final class StreamsRun {

  /**
   * What one run measured.
   *
   * @param cpuSeconds CPU time the streams app and the broker used during the run (the process's, when both run in
   *     it; else the app's JVM's plus the broker's, {@link #withCpuOf}): on a machine shared with other work the wall
   *     clock varies with the load, CPU per record much less
   * @param commitIntervalMs the application's commit.interval.ms
   * @param streamThreadCpuSeconds CPU time of the application's stream thread(s) alone: the work the topology and
   *     Kafka Streams do per record, apart from the broker, the producer's I/O thread, GC and the JIT
   * @param commitSeconds time the stream thread(s) spent committing (Kafka Streams' commit-latency-avg times
   *     commit-total): with exactly-once, each commit waits for the producer's flush and the transaction's end. The
   *     average is over Kafka Streams' metric window (two 30 s samples by default): the whole of a run shorter than
   *     that, the last minute or so of a longer one
   * @param brokerBytes bytes the broker's log grew by during the run (changelogs, outputs, offsets and transaction
   *     markers), as stored: compressed when the producer compressed
   * @param gcCpuSeconds CPU time of the app's JVM's garbage-collector threads during the run (JvmThreadsCpu; the
   *     broker's garbage too when the broker runs in the same JVM)
   * @param jitCpuSeconds CPU time of the JIT compiler threads during the run
   * @param startupSeconds from start to the application's first RUNNING state (internal topics created, tasks
   *     assigned, stores opened and restored, transactions initialised): part of {@code seconds}, as a replay, a restart
   *     or a fail-over pays it too
   */
  public record Result(String name, long records, double seconds, long stateDirBytes,
      long heapUsedAfterBytes, double cpuSeconds, int commitIntervalMs, double streamThreadCpuSeconds,
      double commitSeconds, long brokerBytes, double gcCpuSeconds, double jitCpuSeconds, double startupSeconds)
      implements java.io.Serializable {
    public Result(String name, long records, double seconds, long stateDirBytes, long heapUsedAfterBytes,
        double cpuSeconds, int commitIntervalMs, double streamThreadCpuSeconds, double commitSeconds,
        long brokerBytes) {
      this(name, records, seconds, stateDirBytes, heapUsedAfterBytes, cpuSeconds, commitIntervalMs,
          streamThreadCpuSeconds, commitSeconds, brokerBytes, 0, 0, 0);
    }

    /**
     * This run with {@code seconds} more CPU: the broker's, when the application ran in a JVM of its own
     * (ContenderJvm) and its {@code cpuSeconds} are that JVM's alone.
     */
    public Result withCpuOf(double seconds) {
      return new Result(name, records, this.seconds, stateDirBytes, heapUsedAfterBytes, cpuSeconds + seconds,
          commitIntervalMs, streamThreadCpuSeconds, commitSeconds, brokerBytes, gcCpuSeconds, jitCpuSeconds,
          startupSeconds);
    }

    public double gcCpuMicrosPerRecord() {
      return gcCpuSeconds * 1e6 / records;
    }

    public double jitCpuMicrosPerRecord() {
      return jitCpuSeconds * 1e6 / records;
    }

    public double recordsPerSecond() {
      return records / seconds;
    }

    public double brokerBytesPerRecord() {
      return (double) brokerBytes / records;
    }

    public double cpuMicrosPerRecord() {
      return cpuSeconds * 1e6 / records;
    }

    public double streamThreadCpuMicrosPerRecord() {
      return streamThreadCpuSeconds * 1e6 / records;
    }

    /** Share of the run's wall time the stream thread spent committing. */
    public double commitShare() {
      return commitSeconds / seconds;
    }
  }

  static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  private StreamsRun() {}

  public static Result run(String name, Topology topology, Properties props, String inputTopic,
      long expectedRecords, Duration timeout, int commitIntervalMs) throws Exception {
    String appId = props.getProperty(StreamsConfig.APPLICATION_ID_CONFIG);
    Path stateDir = Path.of(props.getProperty(StreamsConfig.STATE_DIR_CONFIG));
    try (Admin admin = Admin.create(Map.of("bootstrap.servers",
        props.getProperty(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG)))) {
      Map<TopicPartition, Long> end = endOffsets(admin, inputTopic);
      long total = end.values().stream().mapToLong(Long::longValue).sum();
      if (total < expectedRecords) {
        throw new IllegalStateException("input " + inputTopic + " holds " + total
            + " records, expected " + expectedRecords);
      }
      long brokerBefore = brokerLogBytes(admin);
      KafkaStreams streams = new KafkaStreams(topology, props);
      AtomicLong runningAt = new AtomicLong(); // set on a Kafka Streams thread, by its state listener
      streams.setStateListener((now, old) -> {
        if (now == KafkaStreams.State.RUNNING) {
          runningAt.compareAndSet(0, System.nanoTime());
        }
      });
      long start = System.nanoTime();
      long cpuStart = processCpuNanos();
      JvmThreadsCpu.Snapshot jvmStart = JvmThreadsCpu.now();
      streams.start();
      long lastReport = start;
      long consumed = 0;
      try {
        while (true) {
          consumed = committed(admin, appId, end.keySet());
          long now = System.nanoTime();
          if (consumed >= total) {
            break;
          }
          if (streams.state() == KafkaStreams.State.ERROR
              || streams.state() == KafkaStreams.State.NOT_RUNNING) {
            throw new IllegalStateException(name + ": streams app stopped in state " + streams.state());
          }
          if (now - start > timeout.toNanos()) {
            throw new IllegalStateException(name + ": timed out after " + consumed + "/" + total);
          }
          if (now - lastReport > 5_000_000_000L) {
            double s = (now - start) / 1e9;
            System.err.printf("bench %s: %,d / %,d records (%.0f%%), %.0f rec/s%n", name, consumed,
                total, 100.0 * consumed / total, consumed / s);
            lastReport = now;
          }
          Thread.sleep(100); // polling committed offsets; 100 ms is well below a run's length
        }
        double seconds = (System.nanoTime() - start) / 1e9;
        double startupSeconds = runningAt.get() == 0 ? seconds : (runningAt.get() - start) / 1e9;
        double cpuSeconds = (processCpuNanos() - cpuStart) / 1e9;
        JvmThreadsCpu.Snapshot jvm = JvmThreadsCpu.now().since(jvmStart);
        double threadCpuSeconds = streamThreadCpuNanos(appId) / 1e9;
        double commitSeconds = commitSeconds(streams);
        System.err.println("bench " + name + ": producer " + producerSummary(streams));
        long brokerBytes = brokerLogBytes(admin) - brokerBefore;
        System.gc();
        long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
        streams.close(Duration.ofSeconds(60));
        deleteTopicsOf(admin, appId);
        return new Result(name, total, seconds, sizeOf(stateDir.resolve(appId)), heap, cpuSeconds,
            commitIntervalMs, threadCpuSeconds, commitSeconds, brokerBytes, jvm.gcNanos() / 1e9, jvm.jitNanos() / 1e9,
            startupSeconds);
      } finally {
        streams.close(Duration.ofSeconds(60));
      }
    }
  }

  /** CPU time of the stream threads of {@code appId} (named "{appId}-{uuid}-StreamThread-{n}"), since they started. */
  private static long streamThreadCpuNanos(String appId) {
    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    long sum = 0;
    for (ThreadInfo info : threads.getThreadInfo(threads.getAllThreadIds())) {
      if (info != null && info.getThreadName().startsWith(appId + "-")
          && info.getThreadName().matches(".*-StreamThread-\\d+")) {
        sum += Math.max(0, threads.getThreadCpuTime(info.getThreadId()));
      }
    }
    return sum;
  }

  /**
   * The stream threads' producers as their metrics sum them up: batches and requests sent, the mean batch, and how
   * long a record waited in the accumulator (each new batch of an lz4 producer allocates two 64 KB blocks, so the
   * batch count is part of the engine's cost).
   */
  private static String producerSummary(KafkaStreams streams) {
    Map<String, Double> sums = new java.util.TreeMap<>();
    streams.metrics().forEach((metricName, metric) -> {
      if ("producer-metrics".equals(metricName.group()) && metric.metricValue() instanceof Double d && !d.isNaN()
          && List.of("record-send-total", "request-total", "batch-size-avg", "records-per-request-avg",
              "record-queue-time-avg", "compression-rate-avg").contains(metricName.name())) {
        sums.merge(metricName.name(), d, Double::sum);
      }
    });
    return sums.toString();
  }

  /** Seconds the stream threads spent in commits: commit-latency-avg (ms) times commit-total, per thread. */
  private static double commitSeconds(KafkaStreams streams) {
    Map<String, Double> avgMs = new HashMap<>();
    Map<String, Double> count = new HashMap<>();
    streams.metrics().forEach((metricName, metric) -> {
      if (!"stream-thread-metrics".equals(metricName.group())) {
        return;
      }
      String thread = metricName.tags().getOrDefault("thread-id", "");
      Object v = metric.metricValue();
      if (!(v instanceof Double d) || d.isNaN()) {
        return;
      }
      if (metricName.name().equals("commit-latency-avg")) {
        avgMs.put(thread, d);
      } else if (metricName.name().equals("commit-total")) {
        count.put(thread, d);
      }
    });
    return avgMs.entrySet().stream().mapToDouble(e -> e.getValue() * count.getOrDefault(e.getKey(), 0.0) / 1e3)
        .sum();
  }

  /**
   * The size of every partition's log on every broker of the cluster. The runs' changelogs keep the default 1 GB
   * segment, so the log cleaner does not shrink them while a later run is measured.
   */
  /**
   * Deletes the topics Kafka Streams made for {@code appId} (its changelogs: most of what a run writes), and waits
   * until the broker's log directories no longer hold them, so the next run's broker bytes are its own. Without it a
   * full run kept every run's changelogs: nine rounds wrote 38 GB, filled the disk, and the broker halted the process
   * (2026-12-05 13:49).
   */
  private static void deleteTopicsOf(Admin admin, String appId) throws ExecutionException, InterruptedException {
    String prefix = appId + "-";
    List<String> topics = admin.listTopics().names().get().stream().filter(t -> t.startsWith(prefix)).toList();
    if (topics.isEmpty()) {
      return;
    }
    admin.deleteTopics(topics).all().get();
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
        .flatMap(dirs -> dirs.values().stream())
        .flatMap(dir -> dir.replicaInfos().keySet().stream())
        .anyMatch(tp -> tp.topic().startsWith(prefix))) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("the broker still holds " + appId + "'s topics a minute after deleting them");
      }
      Thread.sleep(100); // polling the broker's log directories: a deletion takes it a second or so, bounded above
    }
  }

  private static long brokerLogBytes(Admin admin) throws ExecutionException, InterruptedException {
    List<Integer> brokers = admin.describeCluster().nodes().get().stream().map(n -> n.id()).toList();
    return admin.describeLogDirs(brokers).allDescriptions().get().values().stream()
        .flatMap(dirs -> dirs.values().stream())
        .flatMap(dir -> dir.replicaInfos().values().stream())
        .mapToLong(r -> r.size())
        .sum();
  }

  static Map<TopicPartition, Long> endOffsets(Admin admin, String topic)
      throws ExecutionException, InterruptedException {
    int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic)
        .partitions().size();
    Map<TopicPartition, OffsetSpec> request = Stream.iterate(0, i -> i + 1).limit(partitions)
        .collect(Collectors.toMap(p -> new TopicPartition(topic, p), p -> OffsetSpec.latest()));
    return admin.listOffsets(request).all().get().entrySet().stream()
        .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
  }

  private static long committed(Admin admin, String groupId, java.util.Set<TopicPartition> parts)
      throws ExecutionException, InterruptedException {
    Map<TopicPartition, OffsetAndMetadata> offsets =
        admin.listConsumerGroupOffsets(groupId).partitionsToOffsetAndMetadata().get();
    return parts.stream().map(offsets::get).filter(java.util.Objects::nonNull)
        .mapToLong(OffsetAndMetadata::offset).sum();
  }

  static long sizeOf(Path dir) {
    if (!Files.exists(dir)) {
      return 0;
    }
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
