package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * {@code --model 20} keeps exactly the outputs of the 20 mL pumps: the same alert events, in the same order, as an
 * unfiltered replay of the same file gives for those pumps, and none of the 40 mL pumps'.
 */
class ModelFilterTest {
  private static final long SEED = 4_242;

  @TempDir
  Path dir;

  @Test
  void aModelFilterKeepsExactlyThatModelsPumps() {
    Scenario scenario = SimulatedTelemetry.scenario("missed-refill", 16, 60);
    Path file = dir.resolve("telemetry.avro");
    SimulatedTelemetry.export(scenario, SEED, "MF", file);
    Map<String, Integer> capacity = capacities(scenario);

    List<AlertEvent> all = replay(file, "all").baseline().alerts();
    ReplayRun.Result filtered = replay(file, "20", "--model", "20");
    List<AlertEvent> only20 = filtered.baseline().alerts();

    Set<Integer> modelsAlerted = all.stream().map(a -> capacity.get(a.getPumpSerial())).collect(Collectors.toSet());
    assertThat(modelsAlerted).as("the fleet must alert on both models for the test to mean anything")
        .containsExactlyInAnyOrder(20, 40);
    assertThat(only20).isNotEmpty()
        .isEqualTo(all.stream().filter(a -> capacity.get(a.getPumpSerial()) == 20).toList());
    assertThat(filtered.baseline().dir().resolve("alerts.csv")).content().doesNotContain(
        capacity.entrySet().stream().filter(e -> e.getValue() == 40).map(Map.Entry::getKey).findFirst().orElseThrow());
  }

  @Test
  void aModelThatIsNoPumpModelIsRefused() {
    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs("--source", "file:" + dir.resolve("none.avro"), "--model", "30",
        "--out", dir.resolve("out").toString());
    assertThat(command.call()).isEqualTo(2);
  }

  private ReplayRun.Result replay(Path file, String name, String... args) {
    ReplayCommand command = new ReplayCommand();
    String[] base = {"--source", "file:" + file, "--threads", "1", "--out", dir.resolve(name).toString()};
    String[] all = new String[base.length + args.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(args, 0, all, base.length, args.length);
    new CommandLine(command).parseArgs(all);
    return command.run(new PrintStream(System.err));
  }

  /** Each exported pump's reservoir size, from the same simulation (same seed, same renaming). */
  private static Map<String, Integer> capacities(Scenario scenario) {
    Map<String, Integer> out = new HashMap<>();
    new FleetSimulation(scenario, SEED).runToEnd(new SimulatedTelemetry.RenamingSink("MF", SimulatedTelemetry.telemetryTo(e -> {
      if (e.getPayload() instanceof StatusReport s) {
        out.put(e.getPumpSerial(), s.getReservoirCapacityMl());
      }
    })));
    return out;
  }
}
