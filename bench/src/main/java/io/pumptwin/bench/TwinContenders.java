package io.pumptwin.bench;

import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.TwinTopology;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/** The twin engine's topology as a contender, reading the benchmark's private input topic. */
final class TwinContenders {
  static List<StreamsThroughputBenchmark.Contender> all() {
    return List.of(
        new StreamsThroughputBenchmark.Contender("twin engine (TwinTopology)",
            (inputTopic, registry) -> TwinTopology.build(configReadingFrom(inputTopic), registry)),
        new StreamsThroughputBenchmark.Contender("twin engine, state written on every event",
            (inputTopic, registry) -> TwinTopology.build(
                configReadingFrom(inputTopic).withStateEmitInterval(Duration.ZERO), registry)));
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

  private TwinContenders() {}
}
