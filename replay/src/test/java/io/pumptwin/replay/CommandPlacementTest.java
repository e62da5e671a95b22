package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.replay.pipeline.CollectedOutput;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.replay.source.RecordedCommand;
import io.pumptwin.simulator.fleet.FleetSimulation;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Where the pipeline puts a staff command among the twin events, without a broker: at the time
 * production applied it (an acknowledgement after the first reminder keeps that reminder and stops
 * the later ones); a repeat that left no trace changes nothing; ordering by the command's record
 * timestamp alone (the alert's last event time, as the alert API stamps it) would acknowledge
 * before the reminder production sent.
 */
class CommandPlacementTest {
  private static final int PARTITIONS = 6;

  @Test
  void aCommandGoesWhereProductionAppliedItNotWhereItsRecordTimestampSays() {
    List<TelemetryEnvelope> telemetry = simulated();
    List<AlertEvent> without = run(telemetry, List.of());
    AlertEvent reminder = without.stream().filter(a -> a.getTransition() == AlertTransition.RENOTIFIED)
        .findFirst().orElseThrow(() -> new AssertionError("no alert was chased in the fleet"));
    String alertId = reminder.getAlertId();
    AlertEvent opened = without.stream().filter(a -> a.getAlertId().equals(alertId)).findFirst().orElseThrow();
    assertThat(without).as("reminders and escalations after the first, without the command")
        .anyMatch(a -> a.getAlertId().equals(alertId) && a.getEventTime().isAfter(reminder.getEventTime())
            && (a.getTransition() == AlertTransition.RENOTIFIED || a.getTransition() == AlertTransition.ESCALATED));

    // Production applied the acknowledgement a minute after the first reminder (its alert clock then);
    // the record is stamped with the alert's event time when staff saw it, as the alert API stamps it.
    Instant appliedAt = reminder.getEventTime().plus(Duration.ofMinutes(1));
    int partition = InProcessPipeline.partitionOf(reminder.getPumpSerial(), PARTITIONS);
    long recordTime = opened.getEventTime().toEpochMilli();
    RecordedCommand ack = new RecordedCommand(partition, 0, recordTime, appliedAt, acknowledge("c-1", reminder));
    RecordedCommand repeat = new RecordedCommand(partition, 1, recordTime, null, acknowledge("c-2", reminder));
    List<AlertEvent> with = run(telemetry, List.of(ack, repeat));

    List<AlertEvent> mine = with.stream().filter(a -> a.getAlertId().equals(alertId)).toList();
    List<AlertEvent> before = without.stream().filter(a -> a.getAlertId().equals(alertId)
        && !a.getEventTime().isAfter(appliedAt)).toList();
    assertThat(mine.subList(0, before.size())).as("everything up to the acknowledgement, the reminder included")
        .isEqualTo(before);
    AlertEvent acknowledged = mine.get(before.size());
    assertThat(acknowledged.getTransition()).isEqualTo(AlertTransition.ACKNOWLEDGED);
    assertThat(acknowledged.getEventTime()).as("stamped with production's clock").isEqualTo(appliedAt);
    assertThat(acknowledged.getActor()).isEqualTo("nurse-p1");
    assertThat(mine).as("one acknowledgement (the repeat changed nothing), and no reminder after it")
        .filteredOn(a -> a.getTransition() == AlertTransition.ACKNOWLEDGED
            || a.getTransition() == AlertTransition.RENOTIFIED && a.getEventTime().isAfter(appliedAt)
            || a.getTransition() == AlertTransition.ESCALATED && a.getEventTime().isAfter(appliedAt))
        .containsExactly(acknowledged);
    assertThat(with.stream().filter(a -> !a.getAlertId().equals(alertId)).toList()).as("every other alert")
        .isEqualTo(without.stream().filter(a -> !a.getAlertId().equals(alertId)).toList());

    // Ordered by its record timestamp alone, the acknowledgement would come before the reminder.
    RecordedCommand byRecordTime = new RecordedCommand(partition, 0, recordTime, null, acknowledge("c-3", reminder));
    List<AlertEvent> naive = run(telemetry, List.of(byRecordTime)).stream()
        .filter(a -> a.getAlertId().equals(alertId)).toList();
    assertThat(naive).as("by record timestamp: acknowledged before production's reminder")
        .noneMatch(a -> a.getTransition() == AlertTransition.RENOTIFIED);
  }

  private static AlertCommand acknowledge(String id, AlertEvent alert) {
    return AlertCommand.newBuilder().setCommandId(id).setPumpSerial(alert.getPumpSerial())
        .setAlertType(alert.getAlertType()).setAction(AlertAction.ACKNOWLEDGE).setUserId("nurse-p1")
        .setRole(StaffRole.ON_CALL).setClinicId(alert.getClinicId()).setIssuedAt(Instant.parse("2026-12-01T08:00:00Z"))
        .build();
  }

  private static List<AlertEvent> run(List<TelemetryEnvelope> telemetry, List<RecordedCommand> commands) {
    CollectedOutput out = new CollectedOutput(false);
    try (InProcessPipeline pipeline = new InProcessPipeline(PipelineParameters.production(), PARTITIONS, out)) {
      pipeline.schedule(commands);
      telemetry.forEach(pipeline::send);
      pipeline.finishInput();
      assertThat(pipeline.commandsRejected()).isZero();
    }
    return out.alerts();
  }

  private static List<TelemetryEnvelope> simulated() {
    List<TelemetryEnvelope> out = new ArrayList<>();
    new FleetSimulation(SimulatedTelemetry.scenario("missed-refill", 12, 40), 8_808).runToEnd(SimulatedTelemetry.telemetryTo(out::add));
    return out;
  }
}
