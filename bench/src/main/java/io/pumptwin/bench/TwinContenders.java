package io.pumptwin.bench;

import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.TwinMetrics;
import io.pumptwin.twin.topology.TwinTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.Topology;

/** The twin engine's topology as a contender, reading the benchmark's private input topic. */
final class TwinContenders {
  static List<StreamsThroughputBenchmark.Contender> all() {
    TwinEngineConfig engine = configReadingFrom("set-per-run");
    TwinEngineConfig everyEvent = engine.withStateEmitInterval(Duration.ZERO);
    StageProbe probe = new StageProbe();
    return List.of(
        new StreamsThroughputBenchmark.Contender("twin engine (TwinTopology)", probe::build, engineSettings(engine),
            probe::lastRun),
        new StreamsThroughputBenchmark.Contender("twin engine, state written on every event",
            (inputTopic, registry) -> TwinTopology.build(
                configReadingFrom(inputTopic).withStateEmitInterval(Duration.ZERO), registry),
            engineSettings(everyEvent)),
        // The engine commits every 200 ms for its alert latency (TwinEngine.streamsProperties); the baseline runs at
        // the benchmark's 1 s. Each exactly-once commit waits for the producer's flush and the transaction markers,
        // so this row separates what the commit interval costs from what the twin's own work costs.
        new StreamsThroughputBenchmark.Contender("twin engine, baseline's 1 s commit interval",
            (inputTopic, registry) -> TwinTopology.build(configReadingFrom(inputTopic), registry),
            withCommitInterval(engineSettings(engine), 1000)),
        new StreamsThroughputBenchmark.Contender("twin engine, all twins in RocksDB",
            (inputTopic, registry) -> TwinTopology.build(configReadingFrom(inputTopic)
                .withTwinStores(TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED), registry),
            engineSettings(engine)),
        new StreamsThroughputBenchmark.Contender("twin engine, cold parts in RocksDB",
            (inputTopic, registry) -> TwinTopology.build(configReadingFrom(inputTopic)
                .withTwinStores(TwinTopology.StoreKind.HOT_ON_HEAP), registry),
            engineSettings(engine)),
        // The default before the paired table (PairedHeapStores): each part in a heap table of its own.
        new StreamsThroughputBenchmark.Contender("twin engine, the parts in two heap tables (ON_HEAP_TWO_TABLES)",
            (inputTopic, registry) -> TwinTopology.build(configReadingFrom(inputTopic)
                .withTwinStores(TwinTopology.StoreKind.ON_HEAP_TWO_TABLES), registry),
            engineSettings(engine)));
  }

  /** The Streams settings the engine deploys with (commit interval, producer batching, compression). */
  static Map<String, Object> deployedSettings() {
    return engineSettings(configReadingFrom("unused"));
  }

  /** The commit interval the engine deploys with. */
  static int engineCommitIntervalMs() {
    return Integer.parseInt(deployedSettings().get(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG).toString());
  }

  private static Map<String, Object> withCommitInterval(Map<String, Object> settings, int millis) {
    Map<String, Object> copy = new HashMap<>(settings);
    copy.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, millis);
    return copy;
  }

  /**
   * The Streams settings TwinEngine deploys with (commit interval, cache, guarantee, threads), without the
   * ones that name this deployment (application id, servers, state directory), which the benchmark sets.
   */
  static Map<String, Object> engineSettings(TwinEngineConfig config) {
    Map<String, Object> settings = new HashMap<>();
    TwinEngine.streamsProperties(config).forEach((k, v) -> settings.put((String) k, v));
    settings.keySet().removeAll(List.of(StreamsConfig.APPLICATION_ID_CONFIG, StreamsConfig.BOOTSTRAP_SERVERS_CONFIG,
        StreamsConfig.STATE_DIR_CONFIG, StreamsConfig.APPLICATION_SERVER_CONFIG));
    // one instance: a standby could never be placed, and the baseline runs without one
    settings.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, 0);
    return settings;
  }

  /**
   * The engine's defaults (model, reorder window, routine state at most hourly per pump), reading the
   * benchmark's input; connection settings are the benchmark's own Streams properties, so these are unused.
   */
  static TwinEngineConfig configReadingFrom(String inputTopic) {
    TwinEngineConfig defaults = TwinEngineConfig.defaults("set-by-the-benchmark", "set-by-the-benchmark",
        Path.of("set-by-the-benchmark"));
    return defaults.withTopics(defaults.topics().readingFrom(inputTopic));
  }

  /** Builds the engine with meters of its own for each run, and gives that run's time per record by stage. */
  private static final class StageProbe {
    private TwinMetrics metrics;

    Topology build(String inputTopic, TopicRegistry registry) {
      metrics = TwinMetrics.none(); // the stage times are kept whether or not a registry exports them
      return TwinTopology.build(configReadingFrom(inputTopic), registry, metrics);
    }

    Map<TwinMetrics.Stage, Double> lastRun() {
      return metrics == null ? Map.of() : metrics.stageMicrosPerRecord();
    }
  }

  private TwinContenders() {}
}
