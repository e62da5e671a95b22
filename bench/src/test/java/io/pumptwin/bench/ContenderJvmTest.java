package io.pumptwin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.twin.topology.TwinMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ContenderJvmTest {

  @Test
  void aMeasuredRunCrossesTheLineToTheBenchmarksProcessWhole() {
    StreamsRun.Result r = new StreamsRun.Result("twin engine (TwinTopology)", 1_000_000, 9.7, 300_000, 198_000_000,
        8.1, 200, 7.9, 0.2, 492_000_000, 1.0, 0.2, 0.8);
    Map<TwinMetrics.Stage, Double> stages = new EnumMap<>(TwinMetrics.Stage.class);
    stages.put(TwinMetrics.Stage.APPLY, 2.17);
    stages.put(TwinMetrics.Stage.DECODE, 0.98);

    String line = ContenderJvm.encode(new StreamsThroughputBenchmark.Measured(r, stages));
    StreamsThroughputBenchmark.Measured back = ContenderJvm.decode(line);

    assertThat(line).doesNotContain("\n").doesNotContain(" ");
    assertThat(back.result()).isEqualTo(r);
    assertThat(back.stages()).isEqualTo(stages);
  }

  @Test
  void theBrokersCpuIsAddedToTheApplicationsAndNothingElseChanges() {
    StreamsRun.Result r = new StreamsRun.Result("baseline", 1_000_000, 6.8, 0, 0, 5.0, 200, 5.6, 0.1, 21_000_000,
        0.8, 0.1, 0.7);

    StreamsRun.Result withBroker = r.withCpuOf(3.0);

    assertThat(withBroker.cpuSeconds()).isEqualTo(8.0);
    assertThat(withBroker).usingRecursiveComparison().ignoringFields("cpuSeconds").isEqualTo(r);
  }

  @Test
  void theTableSaysWhereTheApplicationsRan() {
    StreamsRun.Result r = new StreamsRun.Result("bare (baseline)", 1_000_000, 5, 0, 0, 5, 200, 2.5, 0, 0);

    assertThat(StreamsThroughputBenchmark.report(List.of(r), 1000, 1_000_000, 1, 1, true))
        .contains("each application in a JVM of its own").doesNotContain("in-process broker");
    assertThat(StreamsThroughputBenchmark.report(List.of(r), 1000, 1_000_000, 1, 1, false))
        .contains("in-process broker").doesNotContain("a JVM of its own");
  }
}
