package io.pumptwin.gateway.validation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.groups.Tuple.tuple;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.gateway.validation.Rejection.Code;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class TelemetryValidatorTest {
  private static final Instant NOW = Instant.parse("2026-03-01T08:15:00Z");
  private final TelemetryJson mapper = new TelemetryJson();
  private final TelemetryValidator validator = new TelemetryValidator(ValidationRules.defaults());

  @Test
  void acceptsAWellFormedEventOfEveryPayloadType() {
    for (ObjectNode payload : List.of(TelemetryFixtures.statusPayload(), TelemetryFixtures.alarmPayload(),
        TelemetryFixtures.refillPayload(), TelemetryFixtures.prescriptionPayload(),
        TelemetryFixtures.symptomPayload(NOW.minusSeconds(7200)), TelemetryFixtures.catheterPayload())) {
      assertThat(validator.validate(event(payload), NOW)).as(payload.get("type").asText()).isEmpty();
    }
    assertThat(validator.validate(explant(TelemetryFixtures.explantPayload(), "CLINICIAN_PROGRAMMER"), NOW))
        .as("PUMP_EXPLANT").isEmpty();
    assertThat(validator.validate(explant(TelemetryFixtures.explantRetractionPayload(EXPLANT_ID),
        "CLINICIAN_PROGRAMMER"), NOW)).as("PUMP_EXPLANT_RETRACTION").isEmpty();
  }

  @Test
  void anExplantIsTakenOnlyFromTheClinic() {
    for (String clinic : List.of("CLINICIAN_PROGRAMMER", "OTHER", "SIMULATOR")) {
      assertThat(validator.validate(explant(TelemetryFixtures.explantPayload(), clinic), NOW)).as(clinic).isEmpty();
    }
    for (String home : List.of("HOME_COMMUNICATOR", "PATIENT_THERAPY_MANAGER")) {
      assertThat(validator.validate(explant(TelemetryFixtures.explantPayload(), home), NOW)).as(home)
          .singleElement().satisfies(r -> {
            assertThat(r.field()).isEqualTo("source");
            assertThat(r.code()).isEqualTo(Code.INCONSISTENT);
            assertThat(r.reason()).contains("recorded by the clinic").contains(home);
          });
    }
  }

  private static final String EXPLANT_ID = "3f1c9a2e-5b7d-4e8f-9a01-2b3c4d5e6f70";

  @Test
  void anExplantsRetractionIsTakenOnlyFromTheClinic() {
    for (String clinic : List.of("CLINICIAN_PROGRAMMER", "OTHER", "SIMULATOR")) {
      assertThat(validator.validate(explant(TelemetryFixtures.explantRetractionPayload(EXPLANT_ID), clinic), NOW))
          .as(clinic).isEmpty();
    }
    for (String home : List.of("HOME_COMMUNICATOR", "PATIENT_THERAPY_MANAGER")) {
      assertThat(validator.validate(explant(TelemetryFixtures.explantRetractionPayload(EXPLANT_ID), home), NOW))
          .as(home).singleElement().satisfies(r -> {
            assertThat(r.field()).isEqualTo("source");
            assertThat(r.code()).isEqualTo(Code.INCONSISTENT);
            assertThat(r.reason()).contains("retraction is recorded by the clinic").contains(home);
          });
    }
  }

  @Test
  void anExplantsRetractionNamesTheExplantItWithdraws() {
    for (String blank : List.of("", "   ")) {
      assertThat(validator.validate(explant(TelemetryFixtures.explantRetractionPayload(blank),
          "CLINICIAN_PROGRAMMER"), NOW)).as("'%s'", blank)
          .extracting(Rejection::field, Rejection::code)
          .containsExactly(tuple("payload.retractedEventId", Code.MISSING_FIELD));
    }
    assertThat(validator.validate(explant(TelemetryFixtures.explantRetractionPayload("explant of last week"),
        "CLINICIAN_PROGRAMMER"), NOW))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.retractedEventId", Code.WRONG_TYPE));
    ObjectNode itself = TelemetryFixtures.envelope("NGP1", 1, NOW.minusSeconds(60),
        TelemetryFixtures.explantRetractionPayload(EXPLANT_ID)).put("source", "CLINICIAN_PROGRAMMER");
    ((ObjectNode) itself.get("payload")).put("retractedEventId", itself.get("eventId").asText());
    assertThat(validator.validate(map(itself), NOW))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.retractedEventId", Code.INCONSISTENT));
  }

  @Test
  void anExplantNamesAnotherPumpAsItsReplacementOrNone() {
    ObjectNode none = TelemetryFixtures.explantPayload();
    none.remove("replacementPumpSerial");
    assertThat(validator.validate(explant(none, "CLINICIAN_PROGRAMMER"), NOW)).isEmpty();
    assertThat(validator.validate(explant(none.deepCopy().put("reason", "THERAPY_DISCONTINUED"),
        "CLINICIAN_PROGRAMMER"), NOW)).isEmpty();

    ObjectNode itself = TelemetryFixtures.explantPayload().put("replacementPumpSerial", "NGP1");
    assertThat(validator.validate(explant(itself, "CLINICIAN_PROGRAMMER"), NOW))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.replacementPumpSerial", Code.INCONSISTENT));
    ObjectNode named = TelemetryFixtures.explantPayload().put("replacementPumpSerial", "Jane Doe");
    assertThat(validator.validate(explant(named, "CLINICIAN_PROGRAMMER"), NOW))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.replacementPumpSerial", Code.WRONG_TYPE));
    ObjectNode discontinued = TelemetryFixtures.explantPayload().put("reason", "THERAPY_DISCONTINUED");
    assertThat(validator.validate(explant(discontinued, "CLINICIAN_PROGRAMMER"), NOW))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.replacementPumpSerial", Code.INCONSISTENT));
  }

  @Test
  void reservoirMustLieBetweenEmptyAndTheModelsCapacity() {
    assertThat(status(p -> p.put("pumpComputedReservoirMl", 40.5)))
        .extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.pumpComputedReservoirMl", Code.OUT_OF_RANGE));
    assertThat(status(p -> p.put("pumpComputedReservoirMl", -0.1))).hasSize(1);
    assertThat(status(p -> p.put("pumpComputedReservoirMl", 40.0))).isEmpty();
    assertThat(status(p -> p.put("pumpComputedReservoirMl", 0.0))).isEmpty();
    // A 20 mL pump cannot hold 25 mL.
    assertThat(status(p -> p.put("reservoirCapacityMl", 20).put("pumpComputedReservoirMl", 25.0)))
        .extracting(Rejection::field).containsExactly("payload.pumpComputedReservoirMl");
  }

  @Test
  void capacityMustBeA20Or40MlModel() {
    assertThat(status(p -> p.put("reservoirCapacityMl", 30)))
        .singleElement().satisfies(r -> {
          assertThat(r.field()).isEqualTo("payload.reservoirCapacityMl");
          assertThat(r.reason()).contains("[20, 40]").contains("30");
        });
  }

  @Test
  void concentrationMustBeOneInUse() {
    assertThat(status(p -> p.put("concentrationMcgPerMl", 750)))
        .extracting(Rejection::field).containsExactly("payload.concentrationMcgPerMl");
    for (int c : new int[] {50, 500, 1000, 2000}) {
      assertThat(status(p -> p.put("concentrationMcgPerMl", c))).as(c + " mcg/mL").isEmpty();
    }
  }

  @Test
  void doseMustBeWithinTheConfiguredRange() {
    assertThat(status(p -> p.put("doseMcgPerDay", 2500)))
        .extracting(Rejection::field).containsExactly("payload.doseMcgPerDay");
    assertThat(status(p -> p.put("doseMcgPerDay", 10))).hasSize(1);
    TelemetryValidator cerebral = new TelemetryValidator(ValidationRules.defaults().withDoseRange(5, 1000));
    ObjectNode low = TelemetryFixtures.statusPayload().put("doseMcgPerDay", 10);
    assertThat(cerebral.validate(event(low), NOW)).isEmpty();
  }

  @Test
  void aPumpFallenBackToMinimumRateMayReportAlmostNoDose() {
    assertThat(status(p -> p.put("infusionMode", "MINIMUM_RATE").put("doseMcgPerDay", 0.5))).isEmpty();
  }

  @Test
  void eventTimeMayNotBeFarInTheFutureOrThePast() {
    assertThat(validator.validate(statusAt(NOW.plus(Duration.ofMinutes(6))), NOW))
        .extracting(Rejection::field, Rejection::code).containsExactly(tuple("eventTime", Code.OUT_OF_RANGE));
    assertThat(validator.validate(statusAt(NOW.plus(Duration.ofMinutes(4))), NOW)).isEmpty();
    assertThat(validator.validate(statusAt(NOW.minus(Duration.ofDays(401))), NOW)).hasSize(1);
    assertThat(validator.validate(statusAt(NOW.minus(Duration.ofDays(180))), NOW)).isEmpty();
    TelemetryValidator strict = new TelemetryValidator(
        ValidationRules.defaults().withTimeWindow(Duration.ofMinutes(1), Duration.ofDays(30)));
    assertThat(strict.validate(statusAt(NOW.minus(Duration.ofDays(31))), NOW)).hasSize(1);
    assertThat(strict.validate(statusAt(NOW.plus(Duration.ofMinutes(2))), NOW)).hasSize(1);
  }

  @Test
  void identifiersArePseudonymousCodesNotNames() {
    ObjectNode json = TelemetryFixtures.status("NGP1", 1, NOW);
    json.put("patientPseudonym", "Jane Doe");
    json.put("eventId", "not-a-uuid");
    json.put("sequence", -1);
    assertThat(validator.validate(map(json), NOW)).extracting(Rejection::field)
        .containsExactlyInAnyOrder("patientPseudonym", "eventId", "sequence");
  }

  @Test
  void refillVolumesAreBoundedByTheReservoir() {
    ObjectNode p = TelemetryFixtures.refillPayload().put("filledVolumeMl", 45.0).put("measuredResidualMl", -1.0);
    assertThat(validator.validate(event(p), NOW)).extracting(Rejection::field)
        .containsExactlyInAnyOrder("payload.filledVolumeMl", "payload.measuredResidualMl");
  }

  @Test
  void aProgrammedConcentrationDifferentFromTheDrugIsKeptForTheTwinToSee() {
    ObjectNode p = TelemetryFixtures.refillPayload().put("programmedConcentrationMcgPerMl", 2000);
    assertThat(validator.validate(event(p), NOW)).isEmpty();
    p.put("programmedConcentrationMcgPerMl", 1500);
    assertThat(validator.validate(event(p), NOW)).extracting(Rejection::field)
        .containsExactly("payload.programmedConcentrationMcgPerMl");
  }

  @Test
  void symptomsNeedAtLeastOneAndAnOnsetBeforeTheEvent() {
    ObjectNode p = TelemetryFixtures.symptomPayload(NOW.plusSeconds(60));
    p.putArray("symptoms");
    p.put("spasticityAshworth", 5.0);
    assertThat(validator.validate(event(p), NOW)).extracting(Rejection::field, Rejection::code)
        .containsExactlyInAnyOrder(
            tuple("payload.symptoms", Code.MISSING_FIELD),
            tuple("payload.spasticityAshworth", Code.OUT_OF_RANGE),
            tuple("payload.onsetTime", Code.INCONSISTENT));
  }

  @Test
  void aCatheterFaultFoundNamesItsKindAndANormalResultNamesNone() {
    ObjectNode found = TelemetryFixtures.catheterPayload();
    found.putNull("faultKind");
    assertThat(validator.validate(event(found), NOW)).extracting(Rejection::field, Rejection::code)
        .containsExactly(tuple("payload.faultKind", Code.MISSING_FIELD));
    ObjectNode normal = TelemetryFixtures.catheterPayload().put("result", "NORMAL");
    assertThat(validator.validate(event(normal), NOW)).extracting(Rejection::code)
        .containsExactly(Code.INCONSISTENT);
  }

  @Test
  void aCriticalAlarmIsNeverRefusedOverItsRedundantFlag() {
    ObjectNode p = TelemetryFixtures.alarmPayload().put("critical", false);
    assertThat(validator.validate(event(p), NOW)).isEmpty();
  }

  private List<Rejection> status(Consumer<ObjectNode> change) {
    ObjectNode p = TelemetryFixtures.statusPayload();
    change.accept(p);
    return validator.validate(event(p), NOW);
  }

  private TelemetryEnvelope statusAt(Instant eventTime) {
    return map(TelemetryFixtures.status("NGP1", 1, eventTime));
  }

  private TelemetryEnvelope event(ObjectNode payload) {
    return map(TelemetryFixtures.envelope("NGP1", 1, NOW.minusSeconds(60), payload));
  }

  private TelemetryEnvelope explant(ObjectNode payload, String source) {
    return map(TelemetryFixtures.envelope("NGP1", 1, NOW.minusSeconds(60), payload).put("source", source));
  }

  private TelemetryEnvelope map(ObjectNode json) {
    return ((TelemetryJson.Mapped.Ok) mapper.map(json)).event();
  }
}
