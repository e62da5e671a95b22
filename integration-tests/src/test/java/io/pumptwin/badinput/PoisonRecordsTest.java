package io.pumptwin.badinput;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.events.TwinState;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Poison records written straight to the topics (bypassing the gateway, as a misconfigured
 * producer or a corrupted replay would): the real twin engine and the real alerting service, on the
 * real broker and registry, dead-letter each one with a reason and the record's origin, and the
 * valid record written after the poison is processed. The TopologyTestDriver tests of each module
 * prove the same per topology; this proves it for the running services and their real consumers,
 * deserialization handlers and producers.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
// After the classes that read the shared telemetry topic's first records (see junit-platform.properties).
@Order(Integer.MAX_VALUE - 1)
class PoisonRecordsTest {
  private static final Duration WAIT = Duration.ofMinutes(3);
  private static final ObjectMapper JSON = new ObjectMapper();

  private RealStack stack;
  private Path dir;
  private TwinEngine twin;
  private AlertingService alerting;
  private KafkaProducer<String, byte[]> raw;

  @BeforeAll
  void start(RealStack stack) throws Exception {
    this.stack = stack;
    dir = Files.createTempDirectory("poison-");
    twin = new TwinEngine(TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("poison-twin"))
        .withStateEmitInterval(Duration.ZERO)
        .withQueryServer(0, null)).start();
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null);
    alerting = new AlertingService(new AlertingConfig(local.bootstrapServers(),
        stack.uniqueId("poison-alerting"), local.stateDir(), local.severityPolicy(),
        local.escalationPolicy(), local.sweepInterval(), local.standbyReplicas(), local.apiHost(), 0,
        local.access(), local.routing(), local.smtp(), local.deliveryRetry(), local.webhookTimeout(),
        Map.of("commit.interval.ms", 100)), stack.topicRegistry());
    alerting.start();
    raw = new KafkaProducer<>(stack.producerConfig(), new StringSerializer(), new ByteArraySerializer());
    await().atMost(WAIT).until(() -> twin.state() == KafkaStreams.State.RUNNING
        && alerting.streamsState() == KafkaStreams.State.RUNNING);
  }

  @AfterAll
  void stop() {
    if (raw != null) {
      raw.close();
    }
    if (alerting != null) {
      alerting.close();
    }
    if (twin != null) {
      twin.close();
    }
  }

  @Test
  void poisonTelemetryIsDeadLetteredByTheTwinEngineAndTheNextRecordIsApplied() throws Exception {
    String pump = stack.uniqueId("POISON");
    Topic<TelemetryEnvelope> telemetry = stack.topicRegistry().topic(Topics.TELEMETRY);
    Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minusSeconds(3600);
    byte[] valid = telemetry.valueSerde().serializer().serialize(telemetry.name(), status(pump, 1, t, 71.0));
    int ourId = ByteBuffer.wrap(valid, 1, 4).getInt();
    byte[] unknownId = valid.clone();
    ByteBuffer.wrap(unknownId).putInt(1, 987_654_321);
    // A schema the registry knows, but another topic's: a dead letter's bytes read as telemetry.
    Topic<DeadLetter> dlqTopic = stack.topicRegistry().topic(Topics.TELEMETRY_DLQ);
    byte[] otherSchema = dlqTopic.valueSerde().serializer().serialize(dlqTopic.name(), DeadLetter.newBuilder()
        .setDeadLetterId(UUID.randomUUID().toString()).setStage("test").setReasonCode("X").setReason("x")
        .setRawValue(ByteBuffer.wrap(new byte[] {1, 2, 3})).setOccurredAt(t).build());
    assertThat(ByteBuffer.wrap(otherSchema, 1, 4).getInt()).as("another schema id").isNotEqualTo(ourId);

    List<Poison> poisons = new ArrayList<>();
    poisons.add(send(Topics.TELEMETRY.name(), pump, "not avro at all".getBytes(StandardCharsets.UTF_8),
        "UNDECODABLE"));
    poisons.add(send(Topics.TELEMETRY.name(), pump, java.util.Arrays.copyOf(valid, valid.length / 2),
        "UNDECODABLE"));
    poisons.add(send(Topics.TELEMETRY.name(), pump, unknownId, "UNKNOWN_SCHEMA_ID"));
    // The first string (eventId) declared longer than Avro's limit: Avro throws an exception of its
    // own for it, which once escaped the typed decoding errors (found by fuzzing the gateway).
    poisons.add(send(Topics.TELEMETRY.name(), pump, hugeDeclaredLength(valid), "UNDECODABLE"));
    poisons.add(send(Topics.TELEMETRY.name(), pump, otherSchema, "UNDECODABLE"));
    poisons.add(send(Topics.TELEMETRY.name(), pump, null, "UNDECODABLE"));
    // Valid Avro the engine refuses: a battery at 150 %, and a record keyed by another pump.
    poisons.add(send(Topics.TELEMETRY.name(), pump, telemetry.valueSerde().serializer()
        .serialize(telemetry.name(), status(pump, 2, t.plusSeconds(60), 150.0)), "INVALID_FIELD"));
    poisons.add(send(Topics.TELEMETRY.name(), pump, telemetry.valueSerde().serializer()
        .serialize(telemetry.name(), status(pump + "-OTHER", 3, t.plusSeconds(120), 70.0)), "KEY_MISMATCH"));
    send(Topics.TELEMETRY.name(), pump, telemetry.valueSerde().serializer()
        .serialize(telemetry.name(), status(pump, 4, t.plusSeconds(180), 70.0)), null);

    try (KafkaConsumer<String, TwinState> states = stack.consumer(Topics.TWIN_STATE);
        KafkaConsumer<String, DeadLetter> dlq = stack.consumer(Topics.TELEMETRY_DLQ)) {
      List<TwinState> twins = collect(states, s -> pump.equals(s.getPumpSerial()) && s.getLastSequence() == 4);
      assertThat(twins).as("the valid record after the poison is applied").isNotEmpty();
      assertDeadLettered(dlq, "twin-engine", poisons);
    }
    assertThat(twin.state()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  @Test
  void poisonCommandsAreDeadLetteredByAlertingAndTheNextCommandIsApplied() throws Exception {
    String pump = stack.uniqueId("POISONCMD");
    Instant t = Instant.now().truncatedTo(ChronoUnit.MILLIS);
    Topic<TwinEvent> twinEvents = stack.topicRegistry().topic(Topics.TWIN_EVENTS);
    Topic<AlertCommand> commands = stack.topicRegistry().topic(Topics.ALERT_COMMANDS);
    try (KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS);
        KafkaConsumer<String, DeadLetter> dlq = stack.consumer(Topics.TELEMETRY_DLQ)) {
      send(Topics.TWIN_EVENTS.name(), pump, twinEvents.valueSerde().serializer().serialize(
          twinEvents.name(), batteryEri(pump, t)), null);
      assertThat(collect(alerts, a -> pump.equals(a.getPumpSerial())
          && a.getTransition() == AlertTransition.OPENED)).as("the alert to acknowledge").isNotEmpty();

      byte[] validAck = commands.valueSerde().serializer().serialize(commands.name(),
          ack(pump, "clinic-001", t.plusSeconds(1)));
      byte[] unknownId = validAck.clone();
      ByteBuffer.wrap(unknownId).putInt(1, 987_654_322);
      List<Poison> poisons = new ArrayList<>();
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, "{\"action\":\"ACKNOWLEDGE\"}"
          .getBytes(StandardCharsets.UTF_8), "UNDECODABLE"));
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, java.util.Arrays.copyOf(validAck, 9),
          "UNDECODABLE"));
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, unknownId, "UNKNOWN_SCHEMA_ID"));
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, hugeDeclaredLength(validAck), "UNDECODABLE"));
      // Valid Avro the lifecycle refuses: a viewer may not acknowledge; no alert of that type is open.
      AlertCommand byViewer = AlertCommand.newBuilder(ack(pump, "clinic-001", t.plusSeconds(2)))
          .setRole(StaffRole.VIEWER).build();
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, commands.valueSerde().serializer()
          .serialize(commands.name(), byViewer), null));
      AlertCommand noSuchAlert = AlertCommand.newBuilder(ack(pump, "clinic-001", t.plusSeconds(3)))
          .setAlertType(AlertType.CATHETER_FAULT_SUSPECTED).build();
      poisons.add(send(Topics.ALERT_COMMANDS.name(), pump, commands.valueSerde().serializer()
          .serialize(commands.name(), noSuchAlert), "COMMAND_REJECTED"));
      send(Topics.ALERT_COMMANDS.name(), pump, commands.valueSerde().serializer().serialize(
          commands.name(), ack(pump, "clinic-001", t.plusSeconds(4))), null);

      assertThat(collect(alerts, a -> pump.equals(a.getPumpSerial())
          && a.getTransition() == AlertTransition.ACKNOWLEDGED))
          .as("the valid command after the poison is applied").isNotEmpty();
      assertDeadLettered(dlq, "alerting", poisons);
    }
    assertThat(alerting.streamsState()).isEqualTo(KafkaStreams.State.RUNNING);
  }

  /** A record written straight to a topic; {@code reasonCode} null: any code, but a dead letter. */
  private record Poison(String topic, int partition, long offset, String reasonCode) {}

  private Poison send(String topic, String key, byte[] value, String reasonCode) throws Exception {
    RecordMetadata m = raw.send(new ProducerRecord<>(topic, key, value)).get();
    return new Poison(topic, m.partition(), m.offset(), reasonCode);
  }

  /** Each poison has exactly one dead letter of the stage, naming its origin and a reason. */
  private void assertDeadLettered(KafkaConsumer<String, DeadLetter> dlq, String stage, List<Poison> poisons) {
    List<DeadLetter> letters = new ArrayList<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      dlq.poll(Duration.ofMillis(300)).forEach(r -> letters.add(r.value()));
      return poisons.stream().allMatch(p -> letters.stream().anyMatch(d -> isOf(d, stage, p)));
    });
    for (Poison p : poisons) {
      assertThat(letters).filteredOn(d -> isOf(d, stage, p)).as("dead letter of " + p).singleElement()
          .satisfies(d -> {
            assertThat(d.getReason()).isNotBlank();
            if (p.reasonCode() != null) {
              assertThat(d.getReasonCode()).isEqualTo(p.reasonCode());
            } else {
              assertThat(d.getReasonCode()).isNotBlank();
            }
          });
    }
  }

  private static boolean isOf(DeadLetter d, String stage, Poison p) {
    return stage.equals(d.getStage()) && p.topic().equals(d.getOriginTopic())
        && d.getOriginPartition() != null && d.getOriginPartition() == p.partition()
        && d.getOriginOffset() != null && d.getOriginOffset() == p.offset();
  }

  private static <V> List<V> collect(KafkaConsumer<String, V> consumer, Predicate<V> wanted) {
    List<V> found = new ArrayList<>();
    await().atMost(WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
      for (ConsumerRecord<String, V> r : consumer.poll(Duration.ofMillis(300))) {
        if (r.value() != null && wanted.test(r.value())) {
          found.add(r.value());
        }
      }
      return !found.isEmpty();
    });
    return found;
  }

  /** The record with its first string's length overwritten by 2^31 - 1 (zig-zag varint). */
  private static byte[] hugeDeclaredLength(byte[] valid) {
    byte[] out = valid.clone();
    byte[] length = {(byte) 0xfe, (byte) 0xff, (byte) 0xff, (byte) 0xff, 0x0f};
    System.arraycopy(length, 0, out, 5, length.length);
    return out;
  }

  private static TelemetryEnvelope status(String pump, long sequence, Instant at, double battery) {
    ObjectNode e = JSON.createObjectNode();
    e.put("eventId", UUID.randomUUID().toString());
    e.put("pumpSerial", pump);
    e.put("patientPseudonym", "psn-" + sequence);
    e.put("clinicId", "clinic-001");
    e.put("eventTime", TelemetryJson.formatTime(at));
    e.put("sequence", sequence);
    e.put("source", "HOME_COMMUNICATOR");
    ObjectNode p = e.putObject("payload");
    p.put("type", "STATUS_REPORT");
    p.put("pumpComputedReservoirMl", 12.5);
    p.put("reservoirCapacityMl", 40);
    p.put("lowReservoirAlarmMl", 2.0);
    p.put("concentrationMcgPerMl", 2000);
    p.put("doseMcgPerDay", 500);
    p.put("infusionMode", "SIMPLE_CONTINUOUS");
    p.put("batteryRemainingPercent", battery);
    p.putArray("activeAlarms");
    TelemetryJson.Mapped mapped = new TelemetryJson().map(e);
    assertThat(mapped).isInstanceOf(TelemetryJson.Mapped.Ok.class);
    return ((TelemetryJson.Mapped.Ok) mapped).event();
  }

  private static TwinEvent batteryEri(String pump, Instant at) {
    return TwinEvent.newBuilder()
        .setEventId(pump + ":eri:" + at.toEpochMilli())
        .setPumpSerial(pump)
        .setPatientPseudonym("psn-" + pump.toLowerCase())
        .setClinicId("clinic-001")
        .setEventTime(at)
        .setType(TwinEventType.BATTERY_ERI)
        .setTransition(TwinEventTransition.RAISED)
        .setRiskLevel(RiskLevel.WATCH)
        .setHeadline("battery at its elective replacement indicator")
        .setDueAt(null)
        .setDoseMcgPerDay(500.0)
        .setEvidence(List.of(new Evidence("BATTERY", at, "battery reported at ERI", 2.0, "tel-1")))
        .setTwinValues(Map.of("doseMcgPerDay", 500.0))
        .setSourceEventId("tel-1")
        .build();
  }

  private static AlertCommand ack(String pump, String clinic, Instant at) {
    return AlertCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setPumpSerial(pump)
        .setAlertType(AlertType.BATTERY_ERI)
        .setAction(AlertAction.ACKNOWLEDGE)
        .setUserId("staff-0902")
        .setRole(StaffRole.ON_CALL)
        .setClinicId(clinic)
        .setReason(null)
        .setSilenceUntil(null)
        .setIssuedAt(at)
        .build();
  }
}
