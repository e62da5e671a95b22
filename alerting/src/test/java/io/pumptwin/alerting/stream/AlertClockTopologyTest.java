package io.pumptwin.alerting.stream;

import static io.pumptwin.alerting.TestEvents.command;
import static io.pumptwin.alerting.TestEvents.twinEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.TestEvents;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.lifecycle.RecentResolution;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
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
import java.util.function.Consumer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The alert clock (issue 6): on a quiet partition, deadlines run on in real time in LIVE mode and
 * stand still in STREAM_TIME mode; replays in STREAM_TIME mode are exact whatever the wall clock
 * does; commands are stamped on the alert clock, not with their wall-clock issue time.
 */
class AlertClockTopologyTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");
  /** The wall clock of the host, months after the event time the twin runs on (a simulation). */
  static final Instant WALL = Instant.parse("2026-11-24T12:00:00Z");
  static final Duration TICK = AlertingConfig.DEFAULT_LIVE_CLOCK_TICK;

  @TempDir Path stateRoot;
  final List<TopologyTestDriver> drivers = new ArrayList<>();

  /** One running topology: its driver and topics. */
  final class Run {
    final TopologyTestDriver driver;
    final TestInputTopic<String, TwinEvent> twinEvents;
    final TestInputTopic<String, AlertCommand> commands;
    final TestOutputTopic<String, AlertEvent> alerts;

    Run(AlertClock clock, Instant wallStart) throws Exception {
      TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(),
          SerdeSettings.autoRegistering());
      AlertingConfig config = TestEvents.config("unused:9092", "alert-clock-test",
          Files.createTempDirectory(stateRoot, "state"), ApiAccess.none(),
          new OnCallRouting(Map.of(), Map.of()), null, RetryPolicy.defaults()).withAlertClock(clock);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      driver = new TopologyTestDriver(AlertingTopology.build(config, topics, meters),
          AlertingTopology.streamsConfig(config, topics, meters), wallStart);
      drivers.add(driver);
      Topic<TwinEvent> te = topics.topic(Topics.TWIN_EVENTS);
      Topic<AlertCommand> ac = topics.topic(Topics.ALERT_COMMANDS);
      Topic<AlertEvent> ae = topics.topic(Topics.ALERTS);
      twinEvents = driver.createInputTopic(te.name(), te.keySerde().serializer(), te.valueSerde().serializer());
      commands = driver.createInputTopic(ac.name(), ac.keySerde().serializer(), ac.valueSerde().serializer());
      alerts = driver.createOutputTopic(ae.name(), ae.keySerde().deserializer(), ae.valueSerde().deserializer());
    }

    void pipe(TwinEvent e) {
      twinEvents.pipeInput(e.getPumpSerial(), e, e.getEventTime());
    }

    /** As the API writes a command: record timestamp = the alert's event time (never the wall clock). */
    void pipe(AlertCommand c, Instant alertEventTime) {
      commands.pipeInput(c.getPumpSerial(), c, alertEventTime);
    }

    /** Real time passes in steps, as the wall-clock tick of a running service sees it. */
    void wallClockPasses(Duration d, Duration step) {
      for (Duration passed = Duration.ZERO; passed.compareTo(d) < 0; passed = passed.plus(step)) {
        driver.advanceWallClockTime(step);
      }
    }

    List<AlertEvent> read() {
      return alerts.readValuesToList();
    }
  }

  @AfterEach
  void close() {
    drivers.forEach(TopologyTestDriver::close);
  }

  static TwinEvent criticalStop(Instant at) {
    return twinEvent("SN-1", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, at);
  }

  @Test
  void onAQuietPartitionALiveClockEscalatesAnUnacknowledgedCriticalAlertOnSchedule() throws Exception {
    Run live = new Run(AlertClock.LIVE, WALL);
    live.pipe(criticalStop(T0));

    live.wallClockPasses(Duration.ofMinutes(14), TICK);
    assertThat(live.read()).extracting(AlertEvent::getTransition).containsExactly(AlertTransition.OPENED);

    // No further twin event: only real time passes.
    live.wallClockPasses(Duration.ofMinutes(17), TICK);
    List<AlertEvent> chased = live.read();
    assertThat(chased).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.RENOTIFIED, AlertTransition.ESCALATED);
    // Stamped on the alert clock (the deadline met), not with the host's wall clock.
    assertThat(chased.get(0).getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(chased.get(1).getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(chased.get(1).getEscalationLevel()).isEqualTo(1);
    assertThat(chased.get(1).getStatus()).isEqualTo(AlertStatus.ESCALATED);

    // The clock is kept in the task's store, with its anchor, for a restart.
    AlertClockState kept = (AlertClockState) live.driver
        .getKeyValueStore(AlertingTopology.ALERT_CLOCK_STORE).get(AlertLifecycleProcessor.CLOCK_KEY);
    assertThat(kept.anchorStreamMs()).isEqualTo(T0.toEpochMilli());
    assertThat(kept.anchorWallMs()).isEqualTo(WALL.toEpochMilli());
    assertThat(kept.clockMs()).isEqualTo(T0.plus(Duration.ofMinutes(31)).toEpochMilli());
  }

  @Test
  void onAQuietPartitionTheStreamTimeClockStandsStill() throws Exception {
    Run replay = new Run(AlertClock.STREAM_TIME, WALL);
    replay.pipe(criticalStop(T0));

    replay.wallClockPasses(Duration.ofHours(6), TICK);

    assertThat(replay.read()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED);
  }

  @Test
  void whenStreamTimeMovesTheLiveClockFollowsItAndNeverGoesBack() throws Exception {
    Run live = new Run(AlertClock.LIVE, WALL);
    live.pipe(criticalStop(T0));
    live.wallClockPasses(Duration.ofMinutes(20), TICK);
    assertThat(live.read()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED, AlertTransition.RENOTIFIED);

    // A late twin event of another pump (stream time T0+5 min) does not take the clock back ...
    live.pipe(twinEvent("SN-2", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, T0.plus(Duration.ofMinutes(5))));
    live.wallClockPasses(Duration.ofMinutes(5), TICK);
    assertThat(live.read()).isEmpty();
    // ... and a jump of stream time carries it forward at once: the escalation at +30 min is due.
    live.pipe(twinEvent("SN-2", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, T0.plus(Duration.ofMinutes(40))));
    assertThat(live.read()).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.ESCALATED);
      assertThat(a.getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    });
  }

  @Test
  void anAcknowledgementIsStampedOnTheAlertClockNotWithItsWallClockIssueTime() throws Exception {
    Run live = new Run(AlertClock.LIVE, WALL);
    live.pipe(criticalStop(T0));
    live.wallClockPasses(Duration.ofMinutes(10), TICK);
    Instant issuedAt = WALL.plus(Duration.ofMinutes(10));
    AlertCommand ack = command("SN-1", "clinic-a", AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        AlertAction.ACKNOWLEDGE, "nurse-7", StaffRole.ON_CALL, issuedAt, null);
    live.pipe(ack, T0);

    List<TestRecord<String, AlertEvent>> out = live.alerts.readRecordsToList();
    assertThat(out).extracting(r -> r.value().getTransition())
        .containsExactly(AlertTransition.OPENED, AlertTransition.ACKNOWLEDGED);
    TestRecord<String, AlertEvent> acked = out.get(1);
    assertThat(acked.value().getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    assertThat(acked.getRecordTime()).isEqualTo(T0.plus(Duration.ofMinutes(10)));
    // The issue time stays on the record for audit.
    assertThat(acked.value().getCausedBy())
        .isEqualTo(ack.getCommandId() + " issuedAt=" + issuedAt);
    assertThat(acked.value().getReason()).isEqualTo("test");

    live.wallClockPasses(Duration.ofHours(3), Duration.ofMinutes(5));
    assertThat(live.read()).isEmpty();
  }

  @Test
  void onStreamTimeCommandsAreStampedWithStreamTime() throws Exception {
    Run replay = new Run(AlertClock.STREAM_TIME, WALL);
    replay.pipe(criticalStop(T0));
    replay.pipe(twinEvent("SN-2", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, T0.plus(Duration.ofMinutes(7))));
    replay.wallClockPasses(Duration.ofMinutes(30), TICK);
    for (AlertAction action : List.of(AlertAction.SILENCE, AlertAction.RESOLVE)) {
      replay.pipe(command("SN-1", "clinic-a", AlertType.UNDERDOSE_WITHDRAWAL_RISK, action,
          "nurse-7", StaffRole.ON_CALL, WALL.plus(Duration.ofMinutes(30)),
          action == AlertAction.SILENCE ? T0.plus(Duration.ofHours(2)) : null), T0);
    }
    List<AlertEvent> out = replay.read();
    assertThat(out).extracting(AlertEvent::getTransition).containsExactly(
        AlertTransition.OPENED, AlertTransition.SILENCED, AlertTransition.RESOLVED);
    assertThat(out.subList(1, 3)).allSatisfy(a -> {
      assertThat(a.getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(7)));
      assertThat(a.getCausedBy()).endsWith("issuedAt=" + WALL.plus(Duration.ofMinutes(30)));
    });
  }

  /** One input history, as a replay would feed it; the wall clock moves as {@code wallClock} says. */
  static List<TestRecord<String, AlertEvent>> replay(Run run, List<AlertCommand> commands,
      Consumer<Run> wallClock) {
    run.pipe(criticalStop(T0));
    wallClock.accept(run);
    run.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0.plus(Duration.ofMinutes(20))));
    run.pipe(twinEvent("SN-2", "clinic-a", TwinEventType.CATHETER_FAULT_SUSPECTED,
        TwinEventTransition.RAISED, RiskLevel.LIKELY, 300, T0.plus(Duration.ofMinutes(40))));
    wallClock.accept(run);
    run.pipe(commands.get(0), T0.plus(Duration.ofMinutes(40)));
    run.pipe(twinEvent("SN-3", "clinic-b", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, T0.plus(Duration.ofHours(3))));
    wallClock.accept(run);
    run.pipe(commands.get(1), T0.plus(Duration.ofHours(1)));
    run.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 600, T0.plus(Duration.ofHours(4))));
    run.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0.plus(Duration.ofHours(5))));
    run.pipe(twinEvent("SN-3", "clinic-b", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, T0.plus(Duration.ofHours(30))));
    wallClock.accept(run);
    return run.alerts.readRecordsToList();
  }

  @Test
  void replayingTheSameInputOnStreamTimeGivesIdenticalAlertsWhateverTheWallClockDoes() throws Exception {
    List<AlertCommand> commands = List.of(
        command("SN-2", "clinic-a", AlertType.CATHETER_FAULT_SUSPECTED, AlertAction.ACKNOWLEDGE,
            "nurse-7", StaffRole.ON_CALL, WALL.plus(Duration.ofMinutes(3)), null),
        command("SN-1", "clinic-a", AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertAction.ACKNOWLEDGE,
            "nurse-8", StaffRole.ON_CALL, WALL.plus(Duration.ofMinutes(9)), null));

    List<TestRecord<String, AlertEvent>> first = replay(new Run(AlertClock.STREAM_TIME, WALL),
        commands, run -> { });
    List<TestRecord<String, AlertEvent>> second = replay(
        new Run(AlertClock.STREAM_TIME, WALL.plus(Duration.ofDays(40))), commands,
        run -> run.wallClockPasses(Duration.ofHours(5), TICK));

    assertThat(first).hasSizeGreaterThan(6);
    // Deadlines ran on stream time (the CRITICAL alert escalated before it was acknowledged) ...
    assertThat(first).extracting(r -> r.value().getTransition()).contains(AlertTransition.ESCALATED);
    // TestRecord equality: key, value (every AlertEvent field) and record timestamp.
    assertThat(second).isEqualTo(first);

    // ... while a LIVE clock, given the same input and real time passing, does not replay it.
    List<TestRecord<String, AlertEvent>> live = replay(new Run(AlertClock.LIVE, WALL), commands,
        run -> run.wallClockPasses(Duration.ofHours(5), TICK));
    assertThat(live).extracting(r -> r.value().getEventTime())
        .isNotEqualTo(first.stream().map(r -> r.value().getEventTime()).toList());
  }

  @Test
  void aFlappingAlertReRaisedWithinTheWindowIsPublishedWithItsPageHeldBack() throws Exception {
    Run live = new Run(AlertClock.LIVE, WALL);
    TwinEvent raised = twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI,
        TwinEventTransition.RAISED, RiskLevel.URGENT, 300, T0);
    live.pipe(raised);
    live.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 300, T0.plus(Duration.ofHours(1))));
    live.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0.plus(Duration.ofMinutes(100))));
    var resolved = live.driver.getKeyValueStore(AlertingTopology.RECENTLY_RESOLVED_STORE);
    assertThat(resolved.get("SN-1|BATTERY_ERI")).isEqualTo(new RecentResolution(
        "SN-1:BATTERY_ERI:" + T0.toEpochMilli(), io.pumptwin.events.Severity.MEDIUM,
        T0.plus(Duration.ofHours(1))));
    live.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 300, T0.plus(Duration.ofHours(2))));
    // Raised again more than the 6 h window after the last resolution: a new condition, paged.
    live.pipe(twinEvent("SN-1", "clinic-a", TwinEventType.BATTERY_ERI, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0.plus(Duration.ofHours(9))));

    List<AlertEvent> opened = live.read().stream()
        .filter(a -> a.getTransition() == AlertTransition.OPENED).toList();
    assertThat(opened).hasSize(3);
    assertThat(opened.get(0).getReason()).isNull();
    assertThat(opened.get(1).getReason()).startsWith(FlappingPolicy.NOT_PAGED)
        .contains("40 min after alert SN-1:BATTERY_ERI:" + T0.toEpochMilli());
    assertThat(opened.get(2).getReason()).isNull();
    assertThat(opened).extracting(AlertEvent::getAlertId).doesNotHaveDuplicates();
    // Resolutions older than the window are forgotten by the sweep.
    assertThat(resolved.get("SN-1|BATTERY_ERI")).isNull();
  }
}
