package io.pumptwin.bench;

import io.pumptwin.embedded.LocalStack;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.BiFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.Materialized;
import org.apache.kafka.streams.state.KeyValueStore;

/**
 * Twin-engine throughput against a bare Kafka Streams aggregation, same broker, same records, same
 * run (issue 5). Usage:
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.args="--pumps 100000 --reports-per-pump 10"
 * </pre>
 *
 * Writes a Markdown table to bench/results/streams-throughput.md.
 */
public final class StreamsThroughputBenchmark {

  /**
   * A Streams application under test: its name, how to build it over an input topic, and the Streams
   * settings it runs with in production (applied over the benchmark's, so the twin engine is measured
   * with its own defaults rather than the benchmark's).
   */
  public record Contender(String name, BiFunction<String, TopicRegistry, Topology> topology,
      Map<String, Object> settings) {
    public Contender(String name, BiFunction<String, TopicRegistry, Topology> topology) {
      this(name, topology, Map.of());
    }
  }

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    int pumps = Integer.parseInt(opts.getOrDefault("--pumps", "100000"));
    int reports = Integer.parseInt(opts.getOrDefault("--reports-per-pump", "10"));
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "2"));
    String out = opts.getOrDefault("--out", "bench/results/streams-throughput.md");
    List<Contender> contenders = new ArrayList<>();
    contenders.add(new Contender("bare groupByKey().aggregate() (baseline)",
        (input, registry) -> BaselineAggregate.build(input)));
    contenders.add(new Contender("decode Avro + aggregate",
        (input, registry) -> decodingAggregate(input, registry)));
    // The engine commits more often than the benchmark's 1 s (TwinEngine.streamsProperties, for alert latency), and
    // every exactly-once commit costs a producer flush and transaction markers: the baseline also runs at the
    // engine's interval, so each twin row has a baseline with the same commit interval to be compared with.
    int engineCommitMs = TwinContenders.engineCommitIntervalMs();
    contenders.add(new Contender("bare groupByKey().aggregate() at the engine's " + engineCommitMs
        + " ms commit interval (baseline)", (input, registry) -> BaselineAggregate.build(input),
        Map.of(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, engineCommitMs)));
    contenders.addAll(TwinContenders.all());
    // The floor under the twin: its reads, writes and outputs at its sizes and settings, without its models.
    contenders.add(new Contender("twin engine's I/O without its models (TwinIoSkeleton)", TwinIoSkeleton::build,
        TwinContenders.deployedSettings()));
    // The same floor with a stored twin half the size: what the bytes a status report rewrites in the store and its
    // changelog cost, apart from the models. Same-run rounds on 2026-12-03 (issue 5), ratio to the baseline at the
    // same commit interval: 647 bytes 0.67-0.69, 480 bytes 0.78-0.89, 320 bytes 1.00, 128 bytes 1.07; the changelog
    // is most of it (647 bytes without a changelog: 0.85), a larger RocksDB write buffer nothing (0.70).
    contenders.add(new Contender("twin engine's I/O without its models, " + TwinIoSkeleton.HALF_TWIN_BYTES
        + "-byte stored twin (TwinIoSkeleton)",
        (input, registry) -> TwinIoSkeleton.build(input, registry, TwinIoSkeleton.HALF_TWIN_BYTES),
        TwinContenders.deployedSettings()));
    if (opts.containsKey("--only")) {
      // profiling some contenders (e.g. --only TwinTopology,TwinIoSkeleton: names containing any of these): the
      // baselines stay, so the ratio is still of one run
      List<String> only = List.of(opts.get("--only").split(","));
      contenders.removeIf(c -> only.stream().noneMatch(c.name()::contains) && !c.name().contains("(baseline)"));
    }

    try (ScratchDir scratch = ScratchDir.create("pumptwin-bench-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      Path dir = scratch.path();
      String input = "bench.telemetry." + System.currentTimeMillis();
      try (Admin admin = Admin.create(Map.of("bootstrap.servers", stack.bootstrapServers()))) {
        admin.createTopics(List.of(new NewTopic(input, Topics.DEFAULT_PARTITIONS, (short) 1))).all().get();
      }
      Topic<TelemetryEnvelope> telemetry = stack.topicRegistry().topic(Topics.TELEMETRY);
      long t = System.nanoTime();
      long records = StatusStreamFixture.produce(stack.bootstrapServers(), telemetry, input, pumps,
          reports, 42L);
      System.err.printf("bench: produced %,d records for %,d pumps in %.1f s%n", records, pumps,
          (System.nanoTime() - t) / 1e9);

      // Contenders alternate over several rounds, so JIT warm-up and page cache favour none of
      // them; each is reported by its best round.
      List<List<StreamsRun.Result>> byContender = new ArrayList<>();
      contenders.forEach(c -> byContender.add(new ArrayList<>()));
      List<StreamsRun.Result> results = new ArrayList<>();
      for (int round = 0; round < rounds; round++) {
      // Each round starts with a different contender: the first one after the fixture (or after the
      // previous round's heaviest run, whose changelogs the broker is still cleaning) runs slowest, and
      // always putting the baseline there flattered every ratio.
      for (int turn = 0; turn < contenders.size(); turn++) {
        int ci = (turn + round) % contenders.size();
        Contender c = contenders.get(ci);
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "bench-" + ci + "-" + round + "-" + System.nanoTime());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers());
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.resolve("streams").toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 1000);
        props.put("consumer.auto.offset.reset", "earliest");
        props.putAll(c.settings());
        StreamsRun.Result r = StreamsRun.run(c.name(), c.topology().apply(input, stack.topicRegistry()),
            props, input, records, Duration.ofMinutes(30),
            Integer.parseInt(props.get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString()));
        byContender.get(ci).add(r);
        System.err.printf("bench: round %d %s: %.0f rec/s%n", round + 1, c.name(), r.recordsPerSecond());
      }
      }
      for (List<StreamsRun.Result> runs : byContender) {
        results.add(runs.stream().max(java.util.Comparator.comparingDouble(StreamsRun.Result::recordsPerSecond)).orElseThrow());
      }
      String table = report(results, pumps, records, rounds);
      System.out.println(table);
      ResultsHistory.prepend(Path.of(out), table);
    }
  }

  static String report(List<StreamsRun.Result> results, int pumps, long records, int rounds) {
    double base = results.get(0).recordsPerSecond();
    StringBuilder sb = new StringBuilder();
    sb.append("Streams throughput, ").append(Instant.now()).append(": ")
        .append(String.format("%,d records, %,d pumps, exactly_once_v2, 6 partitions, 1 stream thread,"
            + " in-process broker on the same %d cores; best of %d alternating rounds%n%n", records, pumps,
            Runtime.getRuntime().availableProcessors(), rounds));
    double baseCpu = results.get(0).cpuMicrosPerRecord();
    sb.append("| application | commit interval (ms) | records/s | ratio to baseline | ratio to the baseline at the same"
        + " commit interval | seconds | process CPU us/record | CPU ratio (baseline/this) | stream thread CPU us/record |"
        + " stream thread's time committing | state dir bytes/pump | heap after run (MB) |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for (StreamsRun.Result r : results) {
      StreamsRun.Result same = sameIntervalBaseline(results, r);
      sb.append(String.format("| %s | %,d | %,.0f | %.2f | %s | %.1f | %.1f | %.2f | %.1f | %.0f%% | %,.0f | %,.0f |%n",
          r.name(), r.commitIntervalMs(), r.recordsPerSecond(), r.recordsPerSecond() / base,
          same == null ? "" : String.format("%.2f", r.recordsPerSecond() / same.recordsPerSecond()), r.seconds(),
          r.cpuMicrosPerRecord(), baseCpu / r.cpuMicrosPerRecord(), r.streamThreadCpuMicrosPerRecord(),
          100 * r.commitShare(), (double) r.stateDirBytes() / pumps,
          r.heapUsedAfterBytes() / 1e6));
    }
    return sb.toString();
  }

  /** The bare aggregate that ran at {@code r}'s commit interval, if one did. */
  private static StreamsRun.Result sameIntervalBaseline(List<StreamsRun.Result> results, StreamsRun.Result r) {
    return results.stream().filter(b -> b.name().contains("(baseline)") && b.commitIntervalMs() == r.commitIntervalMs())
        .findFirst().orElse(null);
  }

  private static Topology decodingAggregate(String input, TopicRegistry registry) {
    Topic<TelemetryEnvelope> telemetry = registry.topic(Topics.TELEMETRY);
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream(input, Consumed.with(Serdes.String(), telemetry.valueSerde()))
        .groupByKey()
        .aggregate(() -> 0L, (key, value, last) -> Math.max(last, value.getSequence()),
            Materialized.<String, Long, KeyValueStore<Bytes, byte[]>>as("decode-store")
                .withKeySerde(Serdes.String()).withValueSerde(Serdes.Long()));
    return builder.build();
  }

  private StreamsThroughputBenchmark() {}
}
