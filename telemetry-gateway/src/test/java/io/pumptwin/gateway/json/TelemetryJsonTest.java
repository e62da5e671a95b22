package io.pumptwin.gateway.json;

import static io.pumptwin.gateway.TelemetryFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.validation.Rejection;
import io.pumptwin.gateway.validation.Rejection.Code;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.junit.jupiter.api.Test;

class TelemetryJsonTest {
  private static final Instant T = Instant.parse("2026-03-01T08:15:00Z");
  private final TelemetryJson mapper = new TelemetryJson();

  @Test
  void mapsAStatusReportFieldForField() {
    ObjectNode json = TelemetryFixtures.status("NGP100", 42, T);
    json.with("payload").put("batteryVoltageV", 2.9);
    json.with("payload").putArray("activeAlarms").add("LOW_RESERVOIR");

    TelemetryEnvelope e = ok(json);

    assertThat(e.getEventId()).isEqualTo(json.get("eventId").asText());
    assertThat(e.getPumpSerial()).isEqualTo("NGP100");
    assertThat(e.getClinicId()).isEqualTo("clinic-7");
    assertThat(e.getEventTime()).isEqualTo(T);
    assertThat(e.getSequence()).isEqualTo(42);
    assertThat(e.getSource()).isEqualTo(TelemetrySource.HOME_COMMUNICATOR);
    assertThat(e.getReceivedTime()).isNull();
    StatusReport s = (StatusReport) e.getPayload();
    assertThat(s.getPumpComputedReservoirMl()).isEqualTo(12.5);
    assertThat(s.getReservoirCapacityMl()).isEqualTo(40);
    assertThat(s.getConcentrationMcgPerMl()).isEqualTo(2000.0);
    assertThat(s.getDoseMcgPerDay()).isEqualTo(500.0);
    assertThat(s.getInfusionMode()).isEqualTo(InfusionMode.SIMPLE_CONTINUOUS);
    assertThat(s.getBatteryVoltageV()).isEqualTo(2.9);
    assertThat(s.getActiveAlarms()).containsExactly(PumpAlarmKind.LOW_RESERVOIR);
  }

  @Test
  void mapsEveryPayloadTypeByItsDiscriminator() {
    Instant onset = T.minusSeconds(86_400);
    assertThat(payloadOf(TelemetryFixtures.alarmPayload())).isInstanceOfSatisfying(PumpAlarm.class,
        a -> assertThat(a.getKind()).isEqualTo(PumpAlarmKind.MOTOR_STALL));
    assertThat(payloadOf(TelemetryFixtures.refillPayload())).isInstanceOfSatisfying(RefillRecord.class, r -> {
      assertThat(r.getMeasuredResidualMl()).isEqualTo(2.8);
      assertThat(r.getLowReservoirAlarmMl()).as("Avro default").isEqualTo(2.0);
      assertThat(r.getPocketFillSuspected()).as("Avro default").isFalse();
      assertThat(r.getProgrammedConcentrationMcgPerMl()).isNull();
    });
    assertThat(payloadOf(TelemetryFixtures.prescriptionPayload()))
        .isInstanceOfSatisfying(PrescriptionChange.class, p -> assertThat(p.getNewDoseMcgPerDay()).isEqualTo(500.0));
    assertThat(payloadOf(TelemetryFixtures.symptomPayload(onset))).isInstanceOfSatisfying(SymptomReport.class, s -> {
      assertThat(s.getSymptoms()).containsExactly(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS);
      assertThat(s.getOnsetTime()).isEqualTo(onset);
    });
    assertThat(payloadOf(TelemetryFixtures.catheterPayload())).isInstanceOfSatisfying(CatheterCheck.class,
        c -> assertThat(c.getFaultKind()).isEqualTo(CatheterFaultKind.KINK));
    ObjectNode explant = TelemetryFixtures.explantPayload();
    explant.remove("replacementPumpSerial");
    assertThat(payloadOf(explant)).isInstanceOfSatisfying(io.pumptwin.events.PumpExplant.class, x -> {
      assertThat(x.getReason()).isEqualTo(io.pumptwin.events.ExplantReason.ELECTIVE_REPLACEMENT);
      assertThat(x.getReplacementPumpSerial()).as("Avro default").isNull();
    });
    assertThat(payloadOf(TelemetryFixtures.explantRetractionPayload("3f1c9a2e-5b7d-4e8f-9a01-2b3c4d5e6f70")))
        .isInstanceOfSatisfying(io.pumptwin.events.PumpExplantRetraction.class, r -> {
          assertThat(r.getRetractedEventId()).isEqualTo("3f1c9a2e-5b7d-4e8f-9a01-2b3c4d5e6f70");
          assertThat(r.getReason()).isEqualTo(io.pumptwin.events.ExplantRetractionReason.WRONG_SERIAL);
        });
  }

  @Test
  void everyPayloadBranchOfTheSchemaHasADiscriminator() {
    Set<String> branches = TelemetryEnvelope.getClassSchema().getField("payload").schema().getTypes()
        .stream().map(Schema::getFullName).collect(Collectors.toSet());
    assertThat(Set.copyOf(TelemetryJson.PAYLOAD_TYPES.values())).isEqualTo(branches);
  }

  @Test
  void acceptsTimesWithAnOffset() {
    ObjectNode json = TelemetryFixtures.status("NGP100", 1, T);
    json.put("eventTime", "2026-03-01T09:15:00+01:00");
    assertThat(ok(json).getEventTime()).isEqualTo(T);
  }

  @Test
  void namesAMissingField() {
    ObjectNode json = TelemetryFixtures.status("NGP100", 1, T);
    json.with("payload").remove("reservoirCapacityMl");
    json.remove("clinicId");
    assertThat(invalid(json)).extracting(Rejection::field, Rejection::code).containsExactlyInAnyOrder(
        org.assertj.core.groups.Tuple.tuple("clinicId", Code.MISSING_FIELD),
        org.assertj.core.groups.Tuple.tuple("payload.reservoirCapacityMl", Code.MISSING_FIELD));
  }

  @Test
  void refusesAnUnknownFieldSoATypoDoesNotSilentlyBecomeADefault() {
    ObjectNode json = TelemetryFixtures.envelope("NGP100", 1, T, TelemetryFixtures.refillPayload());
    json.with("payload").put("pocketfillSuspected", true);
    assertThat(invalid(json)).singleElement().satisfies(r -> {
      assertThat(r.field()).isEqualTo("payload.pocketfillSuspected");
      assertThat(r.code()).isEqualTo(Code.UNKNOWN_FIELD);
    });
  }

  @Test
  void refusesReceivedTimeBecauseTheGatewaySetsIt() {
    ObjectNode json = TelemetryFixtures.status("NGP100", 1, T);
    json.put("receivedTime", "2026-03-01T08:15:00Z");
    assertThat(invalid(json)).extracting(Rejection::field).containsExactly("receivedTime");
  }

  @Test
  void namesWrongTypesUnknownSymbolsAndBadTimes() {
    ObjectNode json = TelemetryFixtures.status("NGP100", 1, T);
    json.put("sequence", "42");
    json.put("eventTime", "01/03/2026 08:15");
    json.put("source", "FAX");
    json.with("payload").put("reservoirCapacityMl", 40.5);
    json.with("payload").put("doseMcgPerDay", "five hundred");
    assertThat(invalid(json)).extracting(Rejection::field).containsExactlyInAnyOrder(
        "sequence", "eventTime", "source", "payload.reservoirCapacityMl", "payload.doseMcgPerDay");
    assertThat(invalid(json)).allSatisfy(r -> assertThat(r.code()).isEqualTo(Code.WRONG_TYPE));
  }

  /** An explant's retraction that names no explant is refused by the mapper already (the field has no default). */
  @Test
  void namesAMissingRetractedExplant() {
    ObjectNode payload = TelemetryFixtures.explantRetractionPayload("3f1c9a2e-5b7d-4e8f-9a01-2b3c4d5e6f70");
    payload.remove("retractedEventId");
    assertThat(invalid(TelemetryFixtures.envelope("NGP1", 1, T, payload)))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("payload.retractedEventId", Code.MISSING_FIELD));
  }

  @Test
  void refusesAnUnknownOrMissingPayloadType() {
    ObjectNode payload = TelemetryFixtures.statusPayload();
    payload.put("type", "HEARTBEAT");
    assertThat(invalid(TelemetryFixtures.envelope("NGP1", 1, T, payload)))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("payload.type", Code.WRONG_TYPE));
    payload.remove("type");
    assertThat(invalid(TelemetryFixtures.envelope("NGP1", 1, T, payload)))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("payload.type", Code.MISSING_FIELD));
  }

  @Test
  void readsABatchAndKeepsEachEventsOwnBytes() {
    ObjectNode batch = JSON.createObjectNode();
    batch.putArray("events").add(TelemetryFixtures.status("NGP1", 1, T)).add(TelemetryFixtures.status("NGP1", 2, T));
    TelemetryJson.Body body = mapper.parseBody(batch.toString().getBytes(StandardCharsets.UTF_8));

    assertThat(body).isInstanceOfSatisfying(TelemetryJson.Body.Events.class, events -> {
      assertThat(events.batch()).isTrue();
      assertThat(events.events()).hasSize(2);
      assertThat(new String(events.events().get(1).raw(), StandardCharsets.UTF_8))
          .contains("\"sequence\":2").doesNotContain("\"sequence\":1");
    });
  }

  @Test
  void refusesBodiesThatAreNotEventsAtAll() {
    for (String body : List.of("{not json", "[1,2]", "\"x\"", "{\"events\":[]}", "{\"events\":{}}",
        "{\"events\":[{}],\"extra\":1}", "")) {
      assertThat(mapper.parseBody(body.getBytes(StandardCharsets.UTF_8))).as(body)
          .isInstanceOfSatisfying(TelemetryJson.Body.Malformed.class,
              m -> assertThat(m.rejection().code()).isEqualTo(Code.MALFORMED_BODY));
    }
  }

  @Test
  void refusesPathologicallyDeepDocuments() {
    String deep = "{\"a\":".repeat(100) + "1" + "}".repeat(100);
    assertThat(mapper.parseBody(deep.getBytes(StandardCharsets.UTF_8)))
        .isInstanceOf(TelemetryJson.Body.Malformed.class);
  }

  private Object payloadOf(ObjectNode payload) {
    return ok(TelemetryFixtures.envelope("NGP100", 1, T, payload)).getPayload();
  }

  private TelemetryEnvelope ok(ObjectNode json) {
    TelemetryJson.Mapped mapped = mapper.map(json);
    assertThat(mapped).isInstanceOf(TelemetryJson.Mapped.Ok.class);
    return ((TelemetryJson.Mapped.Ok) mapped).event();
  }

  private List<Rejection> invalid(ObjectNode json) {
    TelemetryJson.Mapped mapped = mapper.map(json);
    assertThat(mapped).isInstanceOf(TelemetryJson.Mapped.Invalid.class);
    return ((TelemetryJson.Mapped.Invalid) mapped).rejections();
  }
}
