package io.pumptwin.alerting.stream;

import static io.pumptwin.alerting.TestEvents.command;
import static io.pumptwin.alerting.TestEvents.twinEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deadlines are met in event time (issue 8): the same twin events and commands give the same alert
 * events, re-notifications and escalations included, whenever the punctuations that meet deadlines
 * fire: every minute or every six hours of stream time, on the stream-time clock or on the LIVE
 * clock with real time passing between records in small or large steps, with the pumps in one task
 * or spread over three. This is what lets a replay (one record at a time, on stream time) reproduce
 * what production (poll batches, a wall-clock tick, its own partition count) published.
 */
class DeadlineDeterminismTopologyTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  static final Instant WALL = Instant.parse("2026-11-24T12:00:00Z");
  /** One command for every run (its id is random). */
  static final AlertCommand ACK = command("SN-2", "clinic-a", AlertType.UNDERDOSE_WITHDRAWAL_RISK,
      AlertAction.ACKNOWLEDGE, "nurse-7", StaffRole.ON_CALL, WALL, null);

  @TempDir Path stateRoot;
  final List<TopologyTestDriver> drivers = new ArrayList<>();

  /** One input as a task receives it: a twin event, or a staff command with its record time. */
  record Input(TwinEvent event, AlertCommand command, Instant recordTime) {
    static Input of(TwinEvent e) {
      return new Input(e, null, e.getEventTime());
    }

    String pump() {
      return event != null ? event.getPumpSerial() : command.getPumpSerial();
    }
  }

  static Instant at(long minutes) {
    return T0.plus(Duration.ofMinutes(minutes));
  }

  static Input event(String pump, TwinEventType type, TwinEventTransition transition, RiskLevel level,
      double dose, long minute) {
    return Input.of(twinEvent(pump, "clinic-a", type, transition, level, dose, at(minute)));
  }

  /**
   * Two days of one clinic, in arrival (time) order: alerts whose deadlines fall between the pump's
   * own twin events (severity lowered, raised, repeated, cleared), two alert types of one pump, an
   * acknowledgement, a pump that only moves stream time, and a last report of every pump.
   */
  static List<Input> history() {
    TwinEventType under = TwinEventType.UNDERDOSE_RISK;
    TwinEventType silent = TwinEventType.PUMP_SILENT;
    TwinEventTransition raised = TwinEventTransition.RAISED;
    TwinEventTransition updated = TwinEventTransition.UPDATED;
    TwinEventTransition cleared = TwinEventTransition.CLEARED;
    return List.of(
        event("SN-1", under, raised, RiskLevel.URGENT, 600, 0),                 // CRITICAL
        event("SN-2", under, raised, RiskLevel.LIKELY, 600, 3),                 // HIGH
        event("SN-1", TwinEventType.BATTERY_ERI, raised, RiskLevel.URGENT, 600, 7), // MEDIUM
        event("SN-3", silent, cleared, RiskLevel.NONE, 0, 10),
        event("SN-1", under, updated, RiskLevel.LIKELY, 600, 37),               // lowered to HIGH
        event("SN-2", under, updated, RiskLevel.URGENT, 600, 41),               // raised to CRITICAL
        event("SN-1", under, updated, RiskLevel.URGENT, 600, 52),               // raised again
        event("SN-2", under, updated, RiskLevel.URGENT, 600, 70),               // a repeat
        new Input(null, ACK, at(70)),
        event("SN-3", silent, cleared, RiskLevel.NONE, 0, 120),
        event("SN-1", under, cleared, RiskLevel.NONE, 600, 200),
        event("SN-4", TwinEventType.OVERDOSE_RISK, raised, RiskLevel.URGENT, 300, 300), // CRITICAL
        event("SN-3", silent, cleared, RiskLevel.NONE, 0, 305),
        event("SN-4", TwinEventType.OVERDOSE_RISK, cleared, RiskLevel.NONE, 300, 540),
        event("SN-1", silent, cleared, RiskLevel.NONE, 0, 30 * 60),
        event("SN-2", silent, cleared, RiskLevel.NONE, 0, 30 * 60),
        event("SN-3", silent, cleared, RiskLevel.NONE, 0, 30 * 60),
        event("SN-4", silent, cleared, RiskLevel.NONE, 0, 30 * 60));
  }

  /** One task of the alerting topology. */
  final class Task {
    final TopologyTestDriver driver;
    final TestInputTopic<String, TwinEvent> twinEvents;
    final TestInputTopic<String, AlertCommand> commands;
    final TestOutputTopic<String, AlertEvent> alerts;

    Task(AlertClock clock, Duration sweepInterval) throws Exception {
      TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(),
          SerdeSettings.autoRegistering());
      AlertingConfig config = new AlertingConfig("unused:9092", "deadline-determinism",
          Files.createTempDirectory(stateRoot, "state"), SeverityPolicy.defaults(),
          EscalationPolicy.defaults(), sweepInterval, 0, "127.0.0.1", 0, ApiAccess.none(),
          new OnCallRouting(Map.of(), Map.of()), null, RetryPolicy.defaults(), Duration.ofSeconds(5),
          Map.of()).withAlertClock(clock);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      driver = new TopologyTestDriver(AlertingTopology.build(config, topics, meters),
          AlertingTopology.streamsConfig(config, topics, meters), WALL);
      drivers.add(driver);
      Topic<TwinEvent> te = topics.topic(Topics.TWIN_EVENTS);
      Topic<AlertCommand> ac = topics.topic(Topics.ALERT_COMMANDS);
      Topic<AlertEvent> ae = topics.topic(Topics.ALERTS);
      twinEvents = driver.createInputTopic(te.name(), te.keySerde().serializer(), te.valueSerde().serializer());
      commands = driver.createInputTopic(ac.name(), ac.keySerde().serializer(), ac.valueSerde().serializer());
      alerts = driver.createOutputTopic(ae.name(), ae.keySerde().deserializer(), ae.valueSerde().deserializer());
    }

    void pipe(Input in) {
      if (in.event() != null) {
        twinEvents.pipeInput(in.pump(), in.event(), in.recordTime());
      } else {
        commands.pipeInput(in.pump(), in.command(), in.recordTime());
      }
    }
  }

  /**
   * Runs the history through {@code tasks} tasks (pump SN-n in task n mod tasks). With
   * {@code wallStep} set, real time passes between two inputs as much as event time does (as it
   * would for a live fleet), the wall clock of every task moving in steps of at most
   * {@code wallStep}. Returns every task's alert records by pump, in the order published.
   */
  Map<String, List<TestRecord<String, AlertEvent>>> run(int tasks, AlertClock clock,
      Duration sweepInterval, Duration wallStep) throws Exception {
    List<Task> running = new ArrayList<>();
    for (int i = 0; i < tasks; i++) {
      running.add(new Task(clock, sweepInterval));
    }
    Instant last = null;
    for (Input in : history()) {
      if (wallStep != null && last != null) {
        Duration gap = Duration.between(last, in.recordTime());
        while (!gap.isZero()) {
          Duration step = gap.compareTo(wallStep) < 0 ? gap : wallStep;
          running.forEach(t -> t.driver.advanceWallClockTime(step));
          gap = gap.minus(step);
        }
      }
      last = in.recordTime();
      int pumpNumber = Integer.parseInt(in.pump().substring(3));
      running.get(pumpNumber % tasks).pipe(in);
    }
    Map<String, List<TestRecord<String, AlertEvent>>> byPump = new TreeMap<>();
    for (Task t : running) {
      for (TestRecord<String, AlertEvent> r : t.alerts.readRecordsToList()) {
        byPump.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(r);
      }
    }
    return byPump;
  }

  @AfterEach
  void close() {
    drivers.forEach(TopologyTestDriver::close);
  }

  @Test
  void theSameInputGivesTheSameAlertsWheneverDeadlinesArePunctuated() throws Exception {
    Map<String, List<TestRecord<String, AlertEvent>>> reference =
        run(1, AlertClock.STREAM_TIME, Duration.ofMinutes(1), null);

    // The reference chased the unacknowledged alerts, and met each deadline where it fell among
    // the pump's own events.
    List<AlertEvent> sn1 = reference.get("SN-1").stream().map(TestRecord::value).toList();
    assertThat(sn1).extracting(AlertEvent::getTransition)
        .contains(AlertTransition.RENOTIFIED, AlertTransition.ESCALATED, AlertTransition.UPDATED,
            AlertTransition.RESOLVED);
    assertThat(sn1).extracting(a -> a.getTransition() + "@" + Duration.between(T0, a.getEventTime()).toMinutes()
            + " " + a.getAlertType())
        .startsWith("OPENED@0 UNDERDOSE_WITHDRAWAL_RISK", "OPENED@7 BATTERY_ERI",
            "RENOTIFIED@15 UNDERDOSE_WITHDRAWAL_RISK", "ESCALATED@30 UNDERDOSE_WITHDRAWAL_RISK",
            "UPDATED@37 UNDERDOSE_WITHDRAWAL_RISK", "RENOTIFIED@45 UNDERDOSE_WITHDRAWAL_RISK",
            "UPDATED@52 UNDERDOSE_WITHDRAWAL_RISK", "RENOTIFIED@67 UNDERDOSE_WITHDRAWAL_RISK",
            "ESCALATED@82 UNDERDOSE_WITHDRAWAL_RISK");
    List<AlertEvent> sn2 = reference.get("SN-2").stream().map(TestRecord::value).toList();
    // Deadlines due before the acknowledgement are met before it, not dropped by it.
    assertThat(sn2).extracting(a -> a.getTransition() + "@" + Duration.between(T0, a.getEventTime()).toMinutes())
        .containsExactly("OPENED@3", "RENOTIFIED@33", "UPDATED@41", "RENOTIFIED@56", "ACKNOWLEDGED@70");
    assertThat(reference.get("SN-4")).extracting(r -> r.value().getTransition())
        .contains(AlertTransition.ESCALATED, AlertTransition.RESOLVED);
    // The medium battery alert escalated on its own schedule, long after the pump's last event
    // but one, and before its last report.
    assertThat(sn1).filteredOn(a -> a.getAlertType() == AlertType.BATTERY_ERI)
        .extracting(AlertEvent::getTransition).contains(AlertTransition.ESCALATED);
    reference.values().forEach(records -> assertThat(records)
        .extracting(r -> r.value().getEventTime()).isSorted());

    // The same input, punctuated differently: every alert event identical (key, every field,
    // record timestamp), in the same order per pump.
    assertThat(run(1, AlertClock.STREAM_TIME, Duration.ofHours(6), null))
        .as("stream time, a sweep every 6 h").isEqualTo(reference);
    assertThat(run(1, AlertClock.STREAM_TIME, Duration.ofMinutes(7), Duration.ofSeconds(30)))
        .as("stream time, a sweep every 7 min, real time passing").isEqualTo(reference);
    assertThat(run(1, AlertClock.LIVE, Duration.ofMinutes(1), Duration.ofSeconds(30)))
        .as("live clock, real time passing in 30 s steps").isEqualTo(reference);
    assertThat(run(1, AlertClock.LIVE, Duration.ofHours(6), Duration.ofMinutes(7)))
        .as("live clock, a stream-time sweep every 6 h, real time passing in 7 min steps")
        .isEqualTo(reference);
    assertThat(run(3, AlertClock.STREAM_TIME, Duration.ofMinutes(1), null))
        .as("three tasks, stream time").isEqualTo(reference);
    assertThat(run(3, AlertClock.LIVE, Duration.ofMinutes(17), Duration.ofMinutes(2)))
        .as("three tasks, live clock, real time passing in 2 min steps").isEqualTo(reference);
  }
}
