package io.pumptwin.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.twin.topology.TwinMetrics;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StreamsThroughputReportTest {

  /** A run of 1,000,000 records in {@code seconds}, at {@code commitMs}. */
  private static StreamsRun.Result run(String name, double seconds, int commitMs) {
    return new StreamsRun.Result(name, 1_000_000, seconds, 0, 0, seconds, commitMs, seconds / 2, 0, 0);
  }

  private static StreamsThroughputBenchmark.Measured measured(StreamsRun.Result r) {
    return new StreamsThroughputBenchmark.Measured(r, Map.of());
  }

  @Test
  void eachRoundIsComparedWithTheSameRoundsBaselineAtItsCommitInterval() {
    // rounds: baseline 5 s then 10 s (the machine slowed down), engine 10 s then 25 s
    StreamsRun.Result base1 = run("bare (baseline)", 5, 200);
    StreamsRun.Result base2 = run("bare (baseline)", 10, 200);
    StreamsRun.Result eng1 = run("engine", 10, 200);
    StreamsRun.Result eng2 = run("engine", 25, 200);
    StreamsRun.Result other = run("engine at 1 s", 10, 1000); // no baseline at 1 s: no row
    List<List<StreamsThroughputBenchmark.Measured>> byContender = List.of(
        List.of(measured(base1), measured(base2)), List.of(measured(eng1), measured(eng2)),
        List.of(measured(other), measured(other)));
    List<StreamsRun.Result> best = List.of(base1, eng1, other);

    String table = StreamsThroughputBenchmark.roundRatios(byContender, best);

    // 0.50 in round 1, 0.40 in round 2: median 0.45, while the best rounds' ratio would be 0.50
    // stream-thread CPU (seconds / 2 in run()): baseline 2.5 then 5 us per record, engine 5 then 12.5
    assertThat(table).contains("| engine | 0.45 | 0.40 | 0.50 | 0.50, 0.40 | 0.50, 0.40 (0.45) |")
        .doesNotContain("engine at 1 s")
        .doesNotContain("| bare (baseline) |");
  }

  @Test
  void theWarmUpRoundsAreShownApartAndNotCounted() {
    StreamsRun.Result base = run("bare (baseline)", 5, 200);
    StreamsRun.Result eng = run("engine", 10, 200);
    StreamsRun.Result coldEngine = run("engine", 20, 200); // the JIT still compiling it
    List<List<StreamsThroughputBenchmark.Measured>> byContender = List.of(
        List.of(measured(base), measured(base)), List.of(measured(eng), measured(eng)));
    List<List<StreamsThroughputBenchmark.Measured>> warmUps = List.of(
        List.of(measured(base)), List.of(measured(coldEngine)));

    String table = StreamsThroughputBenchmark.roundRatios(byContender, warmUps, List.of(base, eng));

    assertThat(table).contains("| rounds | warm-up rounds (not counted) |")
        .contains("| engine | 0.50 | 0.50 | 0.50 | 0.50, 0.50 | 0.25 | 0.50, 0.50 (0.50) |");
  }

  @Test
  void theTableShowsTheCollectorsAndTheJitsCpuPerRecord() {
    StreamsRun.Result base = new StreamsRun.Result("bare (baseline)", 1_000_000, 5, 0, 0, 5, 200, 2.5, 0, 0, 0.5, 0.2,
        0.7);
    String table = StreamsThroughputBenchmark.report(List.of(base), 1000, 1_000_000, 1, 1);
    assertThat(table).contains("GC threads CPU us/record | JIT compiler CPU us/record")
        .contains("| 0.5 | 0.2 |").contains("best of 1 alternating rounds after 1 warm-up round")
        .contains("| 5.0 | 0.70 |"); // the run's seconds, then its start-up
  }

  @Test
  void theStageReportSaysWhatRemainsOutsideTheTimedStagesAndTheBudgetOfTheGoal() {
    StreamsRun.Result base = run("bare (baseline)", 5, 200); // 5 us per record
    StreamsRun.Result eng = run("engine", 20, 200); // 20 us per record
    Map<TwinMetrics.Stage, Double> stages = new EnumMap<>(TwinMetrics.Stage.class);
    for (TwinMetrics.Stage stage : TwinMetrics.Stage.values()) {
      stages.put(stage, 1.0);
    }
    String report = StreamsThroughputBenchmark.stageReport(
        List.of(measured(base), new StreamsThroughputBenchmark.Measured(eng, stages)), List.of(base, eng));

    int n = TwinMetrics.Stage.values().length;
    assertThat(report).contains(String.format(java.util.Locale.ROOT, "| outside the processor (poll, Avro decoding, commits, waiting) | %.2f |",
        20.0 - n)).contains("takes 5.0 us of wall clock per record; a ratio of 0.7 means 7.1 us per record");
    assertThat(StreamsThroughputBenchmark.stagePlot(new StreamsThroughputBenchmark.Measured(eng, stages), base))
        .contains("ratio 0.7").contains("<title>baseline: 5.00 us</title>");
  }
}
