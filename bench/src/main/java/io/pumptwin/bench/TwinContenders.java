package io.pumptwin.bench;

import java.util.List;

/** The twin engine's topology as a contender; filled in once the topology exists. */
final class TwinContenders {
  static List<StreamsThroughputBenchmark.Contender> all() {
    return List.of();
  }

  private TwinContenders() {}
}
