package io.pumptwin.bench;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.stream.AlertingTopology;
import io.pumptwin.bench.detection.Scorecard;
import io.pumptwin.embedded.LocalStack;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.service.streams.StreamsStartup;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.TwinTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BiFunction;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/**
 * How long the project's Kafka Streams services take from {@code start()} to RUNNING: on a first start (internal
 * topics created, empty changelogs) and on a restart of the same application over its existing topics and state (as a
 * restarted instance takes its tasks over). Each service as shipped (StreamsStartup: shorter waits, and a clean stop
 * leaves the consumer group) against the same service with Kafka's defaults (the restore consumer's empty-fetch wait,
 * Kafka Streams' check of its new internal topics, and a close that stays in the group), alternating, on one broker.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.StreamsStartupBenchmark -Dbench.args="--rounds 3"
 * </pre>
 */
public final class StreamsStartupBenchmark {
  /** Kafka's own values of the settings the services change for start-up. */
  static final Map<String, Object> KAFKA_DEFAULTS = Map.of(
      StreamsConfig.restoreConsumerPrefix(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG), 500,
      StreamsConfig.RETRY_BACKOFF_MS_CONFIG, 100L);

  private StreamsStartupBenchmark() {}

  /** A service's topology and settings for an application id and state directory. */
  private record Contender(String name, BiFunction<String, Path, Topology> topology,
      BiFunction<String, Path, Properties> settings, boolean shipped) {}

  /** Seconds to RUNNING, first start and restart, per round. */
  record Times(List<Double> first, List<Double> restart) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    int rounds = Integer.parseInt(opts.getOrDefault("--rounds", "5"));
    Path out = Path.of(opts.getOrDefault("--out", "bench/results/streams-startup.md"));
    try (ScratchDir scratch = ScratchDir.create("pumptwin-startup-");
        LocalStack stack = BenchStack.onFreePorts(scratch.path())) {
      TopicRegistry topics = stack.topicRegistry();
      List<Contender> contenders = new ArrayList<>();
      for (boolean shipped : new boolean[] {true, false}) {
        Map<String, Object> on = shipped ? Map.of() : KAFKA_DEFAULTS;
        String how = shipped ? " as shipped" : " with Kafka's defaults (both waits, close)";
        contenders.add(new Contender("alerting" + how,
            (app, dir) -> AlertingTopology.build(alerting(stack, app, dir, on), topics, new SimpleMeterRegistry()),
            (app, dir) -> AlertingTopology.streamsConfig(alerting(stack, app, dir, on), topics,
                new SimpleMeterRegistry()), shipped));
        contenders.add(new Contender("twin engine" + how,
            (app, dir) -> TwinTopology.build(engine(stack, app, dir, on), topics),
            (app, dir) -> TwinEngine.streamsProperties(engine(stack, app, dir, on)), shipped));
      }
      Map<String, Times> times = new LinkedHashMap<>();
      contenders.forEach(c -> times.put(c.name(), new Times(new ArrayList<>(), new ArrayList<>())));
      for (int round = 1; round <= rounds; round++) {
        for (int k = 0; k < contenders.size(); k++) {
          Contender c = contenders.get((k + round) % contenders.size()); // a rotating start
          String app = "startup-" + round + "-" + Math.abs(c.name().hashCode());
          Path dir = scratch.resolve(app);
          double first = toRunning(c, app, dir);
          double again = toRunning(c, app, dir);
          times.get(c.name()).first().add(first);
          times.get(c.name()).restart().add(again);
          System.err.printf("bench startup: round %d/%d %s: first start %.2f s, restart %.2f s%n", round, rounds,
              c.name(), first, again);
        }
      }
      String report = report(times, rounds);
      System.out.println(report);
      ResultsHistory.prepend(out, report);
    }
  }

  private static AlertingConfig alerting(LocalStack stack, String app, Path dir, Map<String, Object> on) {
    Map<String, Object> overrides = new LinkedHashMap<>(on);
    overrides.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    return AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null).withStreamsOverrides(overrides);
  }

  private static TwinEngineConfig engine(LocalStack stack, String app, Path dir, Map<String, Object> on) {
    Map<String, Object> overrides = new LinkedHashMap<>(on);
    overrides.put(StreamsConfig.APPLICATION_ID_CONFIG, app);
    return TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), dir.resolve("twin-engine-state"))
        .withStreamsOverrides(overrides);
  }

  /**
   * Starts the application, waits for RUNNING, closes it cleanly (as the service does, or as Kafka Streams does by
   * default); the seconds from start() to RUNNING.
   */
  private static double toRunning(Contender c, String app, Path dir) throws InterruptedException {
    KafkaStreams streams = new KafkaStreams(c.topology().apply(app, dir), c.settings().apply(app, dir));
    CountDownLatch running = new CountDownLatch(1);
    streams.setStateListener((now, old) -> {
      if (now == KafkaStreams.State.RUNNING) {
        running.countDown();
      }
    });
    try {
      long start = System.nanoTime();
      streams.start();
      if (!running.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(c.name() + " not RUNNING after 60 s, state " + streams.state());
      }
      return (System.nanoTime() - start) / 1e9;
    } finally {
      if (c.shipped()) {
        StreamsStartup.close(streams, Duration.ofSeconds(30));
      } else {
        streams.close(Duration.ofSeconds(30));
      }
    }
  }

  static String report(Map<String, Times> times, int rounds) {
    StringBuilder s = new StringBuilder();
    s.append(String.format("Streams start-up, %s: seconds from KafkaStreams.start() to RUNNING, %d alternating rounds;"
        + " each round a first start (new application id: internal topics created, empty changelogs) and a restart"
        + " of the same application after a clean close (its topics, state and committed offsets in place), on one"
        + " in-process broker on the same 2 cores%n%n", Instant.now(), rounds));
    s.append("| application | first start, median (s) | first starts (s) | restart, median (s) | restarts (s) |\n");
    s.append("|---|---:|---|---:|---|\n");
    times.forEach((name, t) -> s.append(String.format("| %s | %.2f | %s | %.2f | %s |%n", name, median(t.first()),
        list(t.first()), median(t.restart()), list(t.restart()))));
    s.append(String.format("%nKafka's defaults: %s, and KafkaStreams.close(timeout), which stays in the consumer group"
        + " (the shipped services wait 50 ms and 20 ms and leave the group on close: StreamsStartup).%n",
        KAFKA_DEFAULTS));
    return s.toString();
  }

  private static double median(List<Double> xs) {
    return Scorecard.median(xs.stream().mapToDouble(Double::doubleValue).sorted().toArray());
  }

  private static String list(List<Double> xs) {
    return String.join(", ", xs.stream().map(x -> String.format("%.2f", x)).toList());
  }
}
