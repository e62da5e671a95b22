package io.pumptwin.alerting.stream;

import static io.pumptwin.alerting.TestEvents.command;
import static io.pumptwin.alerting.TestEvents.twinEvent;
import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.TestEvents;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AlertingTopologyTest {
  static final Instant T0 = Instant.parse("2026-03-01T08:00:00Z");

  @TempDir Path stateDir;
  TopologyTestDriver driver;
  TestInputTopic<String, TwinEvent> twinEvents;
  TestInputTopic<String, AlertCommand> commands;
  TestInputTopic<String, byte[]> rawTwinEvents;
  TestOutputTopic<String, AlertEvent> alerts;
  TestOutputTopic<String, DeadLetter> deadLetters;
  SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void start() {
    TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(),
        SerdeSettings.autoRegistering());
    AlertingConfig config = TestEvents.config("unused:9092", "alerting-test", stateDir,
        ApiAccess.none(), new OnCallRouting(Map.of(), Map.of()), null, RetryPolicy.defaults());
    Properties props = AlertingTopology.streamsConfig(config, topics, meters);
    driver = new TopologyTestDriver(AlertingTopology.build(config, topics, meters), props);
    Topic<TwinEvent> te = topics.topic(Topics.TWIN_EVENTS);
    Topic<AlertCommand> ac = topics.topic(Topics.ALERT_COMMANDS);
    Topic<AlertEvent> ae = topics.topic(Topics.ALERTS);
    Topic<DeadLetter> dl = topics.topic(Topics.TELEMETRY_DLQ);
    twinEvents = driver.createInputTopic(te.name(), te.keySerde().serializer(), te.valueSerde().serializer());
    commands = driver.createInputTopic(ac.name(), ac.keySerde().serializer(), ac.valueSerde().serializer());
    rawTwinEvents = driver.createInputTopic(te.name(), new StringSerializer(), new ByteArraySerializer());
    alerts = driver.createOutputTopic(ae.name(), ae.keySerde().deserializer(), ae.valueSerde().deserializer());
    deadLetters = driver.createOutputTopic(dl.name(), dl.keySerde().deserializer(), dl.valueSerde().deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
  }

  void pipe(TwinEvent e) {
    twinEvents.pipeInput(e.getPumpSerial(), e, e.getEventTime());
  }

  /** Stream time moves only with records: another pump's routine crossing moves it. */
  void advanceStreamTimeTo(Instant t) {
    pipe(twinEvent("SN-CLOCK", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 0, t));
  }

  @Test
  void aStoppedHighDosePumpOpensACriticalAlertCarryingEvidenceAndTwinValues() {
    pipe(twinEvent("SN-1", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0));

    List<AlertEvent> out = alerts.readValuesToList();
    assertThat(out).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.OPENED);
      assertThat(a.getAlertType()).isEqualTo(AlertType.UNDERDOSE_WITHDRAWAL_RISK);
      assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(a.getClinicId()).isEqualTo("clinic-a");
      assertThat(a.getEvidence()).extracting(e -> e.getKind()).containsExactly("MOTOR_STALL");
      assertThat(a.getTwinValues()).containsEntry("hoursSinceDeliveryStopped", 3.0);
      assertThat(a.getHeadline()).contains("UNDERDOSE_RISK");
      assertThat(a.getCausedBy()).isEqualTo("SN-1:UNDERDOSE_RISK:RAISED:" + T0.toEpochMilli());
    });
    KeyValueStore<String, ?> store = driver.getKeyValueStore(AlertingTopology.OPEN_ALERTS_STORE);
    assertThat(store.get("SN-1|UNDERDOSE_WITHDRAWAL_RISK")).isNotNull();
  }

  @Test
  void duplicatesAreDroppedAndTheClearingResolves() {
    TwinEvent raised = twinEvent("SN-1", "clinic-a", TwinEventType.REFILL_URGENT,
        TwinEventTransition.RAISED, RiskLevel.LIKELY, 300, T0);
    pipe(raised);
    pipe(raised);
    pipe(twinEvent("SN-1", "clinic-a", TwinEventType.REFILL_URGENT, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 300, T0.plusSeconds(600)));

    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED, AlertTransition.RESOLVED);
    KeyValueStore<String, ?> store = driver.getKeyValueStore(AlertingTopology.OPEN_ALERTS_STORE);
    assertThat(store.get("SN-1|REFILL_URGENT")).isNull();
  }

  /**
   * The clinic's explant closes every alert of the pump: the twin clears each condition with the explant in its
   * headline (PumpTwin.clearedHeadline), and staff see why on the resolution; nothing chases the alerts afterwards.
   */
  @Test
  void anExplantResolvesEveryAlertOfThePumpSayingWhy() {
    pipe(twinEvent("SN-9", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0));
    pipe(twinEvent("SN-9", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.RAISED,
        RiskLevel.WATCH, 600, T0.plusSeconds(60)));
    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED, AlertTransition.OPENED);

    Instant explantedAt = T0.plus(Duration.ofMinutes(10));
    for (TwinEventType type : List.of(TwinEventType.UNDERDOSE_RISK, TwinEventType.PUMP_SILENT)) {
      pipe(TwinEvent.newBuilder(twinEvent("SN-9", "clinic-a", type, TwinEventTransition.CLEARED, RiskLevel.NONE,
              600, explantedAt))
          .setHeadline(type + " cleared: pump explanted " + explantedAt
              + " (END_OF_SERVICE, replaced by SN-10), no longer monitored")
          .setEvidence(List.of(new io.pumptwin.events.Evidence("PUMP_EXPLANTED", explantedAt,
              "Explant recorded by the clinic: pump explanted " + explantedAt + " (END_OF_SERVICE, replaced by SN-10)",
              0.0, "tel-explant")))
          .build());
    }

    List<AlertEvent> resolved = alerts.readValuesToList();
    assertThat(resolved).extracting(AlertEvent::getAlertType)
        .containsExactly(AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertType.PUMP_SILENT);
    assertThat(resolved).allSatisfy(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.RESOLVED);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.RESOLVED);
      assertThat(a.getReason()).startsWith("twin cleared the condition: ")
          .contains("pump explanted").contains("END_OF_SERVICE").contains("replaced by SN-10");
    });
    KeyValueStore<String, ?> store = driver.getKeyValueStore(AlertingTopology.OPEN_ALERTS_STORE);
    assertThat(store.get("SN-9|UNDERDOSE_WITHDRAWAL_RISK")).isNull();
    assertThat(store.get("SN-9|PUMP_SILENT")).isNull();

    // The URGENT underdose alert was due a re-notification at 15 min and escalation at 30: none comes.
    advanceStreamTimeTo(T0.plus(Duration.ofDays(2)));
    assertThat(alerts.readValuesToList()).filteredOn(a -> a.getPumpSerial().equals("SN-9")).isEmpty();
  }

  /**
   * An explant recorded against the wrong serial, then retracted by the clinic: the twin raises the pump's conditions
   * again (PumpTwin.reinstatedBy), and alerting opens them as new alerts, chased and escalated like any other; the
   * alerts the wrong explant resolved stay resolved, with their reason.
   */
  @Test
  void afterARetractedExplantThePumpsAlertsOpenAgainAndAreChased() {
    pipe(twinEvent("SN-7", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0));
    AlertEvent first = alerts.readValuesToList().get(0);
    Instant explantedAt = T0.plus(Duration.ofMinutes(5));
    pipe(TwinEvent.newBuilder(twinEvent("SN-7", "clinic-a", TwinEventType.UNDERDOSE_RISK,
            TwinEventTransition.CLEARED, RiskLevel.NONE, 600, explantedAt))
        .setHeadline("UNDERDOSE_RISK cleared: pump explanted " + explantedAt
            + " (ELECTIVE_REPLACEMENT, replaced by SN-8), no longer monitored")
        .build());
    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.RESOLVED);

    Instant retractedAt = T0.plus(Duration.ofHours(3));
    pipe(twinEvent("SN-7", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, retractedAt));

    List<AlertEvent> reopened = alerts.readValuesToList();
    assertThat(reopened).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.OPENED);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.OPEN);
      assertThat(a.getAlertType()).isEqualTo(AlertType.UNDERDOSE_WITHDRAWAL_RISK);
      assertThat(a.getSeverity()).isEqualTo(Severity.CRITICAL);
      assertThat(a.getAlertId()).isNotEqualTo(first.getAlertId());
      assertThat(a.getOpenedAt()).isEqualTo(retractedAt);
    });
    KeyValueStore<String, ?> store = driver.getKeyValueStore(AlertingTopology.OPEN_ALERTS_STORE);
    assertThat(store.get("SN-7|UNDERDOSE_WITHDRAWAL_RISK")).isNotNull();

    advanceStreamTimeTo(retractedAt.plus(Duration.ofMinutes(16)));
    advanceStreamTimeTo(retractedAt.plus(Duration.ofMinutes(31)));
    assertThat(alerts.readValuesToList()).filteredOn(a -> a.getPumpSerial().equals("SN-7"))
        .extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.RENOTIFIED, AlertTransition.ESCALATED);
  }

  /**
   * The twin doubts an explant the pump contradicts (it reports delivery a day on): staff get an EXPLANT_DOUBTED
   * alert, MEDIUM (the working day: check the explant record), which resolves when the clinic's retraction clears it.
   */
  @Test
  void aDoubtedExplantOpensAnAlertThatTheRetractionResolves() {
    Instant doubtedAt = T0.plus(Duration.ofHours(30));
    pipe(TwinEvent.newBuilder(twinEvent("SN-5", "clinic-a", TwinEventType.EXPLANT_DOUBTED,
            TwinEventTransition.RAISED, RiskLevel.WATCH, 600, doubtedAt))
        .setHeadline("Pump recorded as explanted " + T0 + " reports delivery since: if the explant was recorded"
            + " against the wrong serial, send a correction (retract the explant)")
        .build());
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.OPENED);
      assertThat(a.getAlertType()).isEqualTo(AlertType.EXPLANT_DOUBTED);
      assertThat(a.getSeverity()).isEqualTo(Severity.MEDIUM);
      assertThat(a.getHeadline()).contains("recorded as explanted").contains("send a correction");
    });

    pipe(twinEvent("SN-5", "clinic-a", TwinEventType.EXPLANT_DOUBTED, TwinEventTransition.CLEARED,
        RiskLevel.NONE, 600, doubtedAt.plus(Duration.ofHours(1))));
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.RESOLVED);
      assertThat(a.getAlertType()).isEqualTo(AlertType.EXPLANT_DOUBTED);
    });
    KeyValueStore<String, ?> store = driver.getKeyValueStore(AlertingTopology.OPEN_ALERTS_STORE);
    assertThat(store.get("SN-5|EXPLANT_DOUBTED")).isNull();
  }

  @Test
  void escalationFollowsStreamTimeAndStopsWhenAcknowledged() {
    pipe(twinEvent("SN-1", "clinic-a", TwinEventType.UNDERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 600, T0));
    advanceStreamTimeTo(T0.plus(Duration.ofMinutes(14)));
    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED);

    advanceStreamTimeTo(T0.plus(Duration.ofMinutes(16)));
    advanceStreamTimeTo(T0.plus(Duration.ofMinutes(31)));
    List<AlertEvent> chased = alerts.readValuesToList();
    assertThat(chased).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.RENOTIFIED, AlertTransition.ESCALATED);
    assertThat(chased.get(0).getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(15)));
    assertThat(chased.get(1).getEventTime()).isEqualTo(T0.plus(Duration.ofMinutes(30)));
    assertThat(chased.get(1).getEscalationLevel()).isEqualTo(1);

    commands.pipeInput("SN-1", command("SN-1", "clinic-a", AlertType.UNDERDOSE_WITHDRAWAL_RISK,
        AlertAction.ACKNOWLEDGE, "nurse-7", StaffRole.ON_CALL, T0.plus(Duration.ofMinutes(32)), null),
        T0.plus(Duration.ofMinutes(32)));
    assertThat(alerts.readValuesToList()).singleElement().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.ACKNOWLEDGED);
      assertThat(a.getStatus()).isEqualTo(AlertStatus.ACKNOWLEDGED);
      assertThat(a.getActor()).isEqualTo("nurse-7");
    });

    advanceStreamTimeTo(T0.plus(Duration.ofHours(12)));
    assertThat(alerts.readValuesToList()).isEmpty();
  }

  @Test
  void aSilenceEndsOnStreamTimeWithARenotification() {
    pipe(twinEvent("SN-2", "clinic-a", TwinEventType.CATHETER_FAULT_SUSPECTED,
        TwinEventTransition.RAISED, RiskLevel.LIKELY, 300, T0));
    Instant until = T0.plus(Duration.ofHours(6));
    commands.pipeInput("SN-2", command("SN-2", "clinic-a", AlertType.CATHETER_FAULT_SUSPECTED,
        AlertAction.SILENCE, "nurse-7", StaffRole.ON_CALL, T0.plusSeconds(60), until), T0.plusSeconds(60));
    advanceStreamTimeTo(T0.plus(Duration.ofHours(5)));
    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED, AlertTransition.SILENCED);

    advanceStreamTimeTo(until.plusSeconds(60));
    assertThat(alerts.readValuesToList()).first().satisfies(a -> {
      assertThat(a.getTransition()).isEqualTo(AlertTransition.RENOTIFIED);
      assertThat(a.getEventTime()).isEqualTo(until);
    });
  }

  @Test
  void aViewersCommandIsRefusedAndDeadLettered() {
    pipe(twinEvent("SN-1", "clinic-a", TwinEventType.OVERDOSE_RISK, TwinEventTransition.RAISED,
        RiskLevel.URGENT, 300, T0));
    commands.pipeInput("SN-1", command("SN-1", "clinic-a", AlertType.OVERDOSE_RISK,
        AlertAction.ACKNOWLEDGE, "viewer-1", StaffRole.VIEWER, T0.plusSeconds(5), null), T0.plusSeconds(5));

    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getTransition)
        .containsExactly(AlertTransition.OPENED);
    assertThat(deadLetters.readValuesToList()).singleElement().satisfies(d -> {
      assertThat(d.getStage()).isEqualTo("alerting");
      assertThat(d.getReasonCode()).isEqualTo("COMMAND_REJECTED");
      assertThat(d.getReason()).contains("VIEWER");
      assertThat(d.getOriginTopic()).isEqualTo(Topics.ALERT_COMMANDS.name());
    });
  }

  @Test
  void poisonRecordsAreDeadLetteredAndProcessingGoesOn() {
    rawTwinEvents.pipeInput("SN-9", "{\"not\":\"avro\"}".getBytes(StandardCharsets.UTF_8), T0);
    twinEvents.pipeInput("SN-OTHER", twinEvent("SN-8", "clinic-a", TwinEventType.PUMP_SILENT,
        TwinEventTransition.RAISED, RiskLevel.WATCH, 100, T0), T0);
    pipe(twinEvent("SN-1", "clinic-a", TwinEventType.PUMP_SILENT, TwinEventTransition.RAISED,
        RiskLevel.WATCH, 100, T0.plusSeconds(1)));

    // The undecodable record's dead letter is produced by Streams' own record collector, which
    // TopologyTestDriver does not capture: AlertingServiceIT reads it from the real broker.
    List<DeadLetter> letters = deadLetters.readValuesToList();
    assertThat(letters).extracting(DeadLetter::getReasonCode).containsExactly("INVALID_FIELD");
    assertThat(letters.get(0).getField()).isEqualTo("pumpSerial");
    assertThat(letters.get(0).getReason()).contains("differs from pumpSerial");
    assertThat(alerts.readValuesToList()).extracting(AlertEvent::getPumpSerial).containsExactly("SN-1");
    assertThat(meters.counter("alerting.dead_letters", "reason", "UNDECODABLE").count()).isEqualTo(1.0);
  }
}
