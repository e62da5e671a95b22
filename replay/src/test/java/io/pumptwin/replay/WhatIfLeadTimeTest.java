package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pumptwin.events.AlertType;
import io.pumptwin.replay.report.AlertComparison;
import io.pumptwin.replay.report.HtmlReport;
import io.pumptwin.replay.run.ReplayRun;
import io.pumptwin.replay.run.RunOutput;
import io.pumptwin.replay.whatif.WhatIf;
import io.pumptwin.simulator.scenario.Scenario;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/**
 * A what-if run through the command line, from an export file and without a broker: a clinic lead
 * time 7 days longer than production's moves every refill-due alert 7 days earlier.
 */
class WhatIfLeadTimeTest {
  private static final Logger log = LoggerFactory.getLogger(WhatIfLeadTimeTest.class);

  @TempDir
  Path dir;

  @Test
  void aLongerRefillLeadTimeMovesRefillDueAlertsEarlierByThatAmount() throws Exception {
    Scenario scenario = SimulatedTelemetry.scenario("nominal-fleet", 20, 120);
    Path file = dir.resolve("telemetry.avro");
    SimulatedTelemetry.Exported exported = SimulatedTelemetry.export(scenario, 4_242, "WI", file);
    Path whatIf = dir.resolve("lead-14d.yaml");
    Files.writeString(whatIf, "name: lead-14d\nmodel:\n  refillLeadTimeDays: 14\n");

    ReplayCommand command = new ReplayCommand();
    new CommandLine(command).parseArgs("--source", "file:" + file, "--what-if", whatIf.toString(),
        "--out", dir.resolve("out").toString());
    ReplayRun.Result result = command.run(new PrintStream(System.err));
    new HtmlReport(result).write();

    assertThat(result.read().delivered()).isEqualTo(exported.records());
    Duration production = result.settings().baseline().model().reservoir().clinicLeadTime();
    Duration longer = result.settings().whatIf().model().reservoir().clinicLeadTime();
    assertThat(longer.minus(production)).isEqualTo(Duration.ofDays(7));
    Duration cadence = Duration.ofMinutes(scenario.statusCadenceMinutes());

    AlertComparison cmp = AlertComparison.of(result.baseline().alerts(), result.whatIf().alerts());
    List<AlertComparison.Shift> refillDue = cmp.matched().stream()
        .filter(s -> s.baseline().type() == AlertType.REFILL_DUE).toList();
    refillDue.forEach(s -> log.info("figure=refill_due_shift pump={} production={} what_if={} shift_h={}",
        s.baseline().pump(), s.baseline().at(), s.whatIf().at(), s.by().toMinutes() / 60.0));
    log.info("figure=what_if_lead_time matched={} gained={} lost={}", refillDue.size(),
        cmp.gained().stream().filter(o -> o.type() == AlertType.REFILL_DUE).count(),
        cmp.lost().stream().filter(o -> o.type() == AlertType.REFILL_DUE).count());
    // The alert comes the lead-time difference earlier, to within one status report (alerts are
    // raised on telemetry), and its refill-due date moved by the same amount; unless that is before
    // the refill cycle began (the refill visit, or the pump's first report): then the twin raises
    // it as soon as the cycle begins. A prescription change in between moves the projection itself
    // (a new daily volume): the what-if alert then comes no later than production's.
    Instant firstHeard = scenario.startInstant();
    int unclamped = 0;
    for (AlertComparison.Shift s : refillDue) {
      Instant cycleStart = exported.cycleStart(s.baseline().pump(), s.baseline().at(), firstHeard);
      Instant earlier = s.baseline().at().minus(Duration.ofDays(7));
      String what = s.baseline().pump() + " refill-due alert at " + s.baseline().at() + ", cycle from " + cycleStart;
      if (exported.doseChangedBetween(s.baseline().pump(), earlier.minus(cadence), s.baseline().at())) {
        assertThat(s.whatIf().at()).as(what + ", dose changed").isBefore(s.baseline().at());
      } else if (earlier.isAfter(cycleStart.plus(cadence))) {
        unclamped++;
        assertThat(s.by()).as(what).isBetween(Duration.ofDays(-7).minus(cadence), Duration.ofDays(-7).plus(cadence));
        assertThat(Duration.between(s.whatIf().dueAt(), s.baseline().dueAt())).as(what + ": refill-due date")
            .isBetween(Duration.ofDays(7).minus(Duration.ofHours(12)), Duration.ofDays(7).plus(Duration.ofHours(12)));
      } else {
        assertThat(s.whatIf().at()).as(what + ": raised as the cycle begins")
            .isBetween(cycleStart, cycleStart.plus(cadence));
      }
    }
    assertThat(unclamped).as("refill-due alerts that could come 7 days earlier").isGreaterThanOrEqualTo(20);
    // Outputs are where the analyst expects them.
    for (String run : List.of("baseline", "what-if")) {
      for (String csv : List.of(RunOutput.TRAJECTORIES, RunOutput.ALERTS, RunOutput.TWIN_EVENTS)) {
        assertThat(dir.resolve("out").resolve(run).resolve(csv)).isNotEmptyFile();
      }
    }
    assertThat(Files.readString(dir.resolve("out").resolve(HtmlReport.FILE))).contains("Alerts gained")
        .contains("lead-14d");
  }

  @Test
  void aWhatIfFileWithAnUnknownSettingIsRefusedWithTheKnownKeys() throws Exception {
    Path whatIf = dir.resolve("typo.yaml");
    Files.writeString(whatIf, "model:\n  refilLeadTimeDays: 14\n");
    assertThatThrownBy(() -> WhatIf.load(whatIf)).isInstanceOf(WhatIf.WhatIfRejected.class)
        .hasMessageContaining("refilLeadTimeDays").hasMessageContaining("refillLeadTimeDays");
    Files.writeString(whatIf, "model:\n  refillLeadTimeDays: -3\n");
    assertThatThrownBy(() -> WhatIf.load(whatIf)).isInstanceOf(WhatIf.WhatIfRejected.class)
        .hasMessageContaining(">= 0");
  }
}
