package io.pumptwin.gateway.json;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.*;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * What devices and the simulator write with the contract's {@link TelemetryJsonWriter} is what the
 * gateway reads back, field for field, for every payload kind: the two halves of the device JSON
 * format cannot drift apart unnoticed.
 */
class DeviceJsonAgreementTest {
  private static final Instant T = Instant.parse("2026-03-01T08:15:00Z");
  private final TelemetryJson reader = new TelemetryJson();
  private final TelemetryJsonWriter writer = new TelemetryJsonWriter();

  static Stream<Object> payloads() {
    return Stream.of(
        StatusReport.newBuilder().setPumpComputedReservoirMl(12.5).setReservoirCapacityMl(20)
            .setLowReservoirAlarmMl(2).setConcentrationMcgPerMl(2000).setDoseMcgPerDay(500)
            .setInfusionMode(InfusionMode.FLEXIBLE).setBatteryRemainingPercent(64.2)
            .setBatteryVoltageV(2.9).setActiveAlarms(List.of(PumpAlarmKind.LOW_RESERVOIR))
            .setManufacturedOn(LocalDate.parse("2010-05-01")).build(),
        PumpAlarm.newBuilder().setKind(PumpAlarmKind.MOTOR_STALL).setCritical(true).setDetail(null).build(),
        RefillRecord.newBuilder().setExpectedResidualMl(2.1).setMeasuredResidualMl(6.4)
            .setFilledVolumeMl(20).setReservoirCapacityMl(20).setConcentrationMcgPerMl(1000)
            .setDoseMcgPerDay(450).setProgrammedConcentrationMcgPerMl(2000.0)
            .setPocketFillSuspected(true).build(),
        PrescriptionChange.newBuilder().setPreviousDoseMcgPerDay(400).setNewDoseMcgPerDay(480)
            .setConcentrationMcgPerMl(2000).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
            .setReason(DoseChangeReason.SPASTICITY_NOT_CONTROLLED).build(),
        SymptomReport.newBuilder().setSymptoms(List.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS))
            .setSpasticityAshworth(3.0).setReporter(SymptomReporter.CAREGIVER)
            .setOnsetTime(T.minusSeconds(7200)).build(),
        CatheterCheck.newBuilder().setMethod(CatheterCheckMethod.DYE_STUDY)
            .setResult(CatheterCheckResult.FAULT_FOUND).setFaultKind(CatheterFaultKind.DISCONNECTION).build(),
        PumpExplant.newBuilder().setReason(ExplantReason.END_OF_SERVICE)
            .setReplacementPumpSerial("NGP1000002").build(),
        PumpExplantRetraction.newBuilder().setRetractedEventId("3f1c9a2e-5b7d-4e8f-9a01-2b3c4d5e6f70")
            .setReason(ExplantRetractionReason.WRONG_SERIAL).build());
  }

  /** A payload kind added to the contract joins the list above, or this fails. */
  @Test
  void everyPayloadKindOfTheContractIsCovered() {
    List<String> kinds = TelemetryEnvelope.getClassSchema().getField("payload").schema().getTypes().stream()
        .map(org.apache.avro.Schema::getName).toList();
    assertThat(payloads().map(p -> p.getClass().getSimpleName()).toList())
        .containsExactlyInAnyOrderElementsOf(kinds);
    assertThat(TelemetryJson.PAYLOAD_TYPES.values()).hasSameSizeAs(kinds);
    assertThat(TelemetryJsonWriter.PAYLOAD_TYPE_BY_RECORD.keySet()).containsExactlyInAnyOrderElementsOf(kinds);
  }

  @ParameterizedTest
  @MethodSource("payloads")
  void gatewayReadsWhatTheWriterWrites(Object payload) {
    TelemetryEnvelope event = TelemetryEnvelope.newBuilder().setEventId("e-1").setPumpSerial("NGP1000001")
        .setPatientPseudonym("pat-9c").setClinicId("clinic-7").setEventTime(T).setSequence(9)
        .setSource(TelemetrySource.SIMULATOR).setReceivedTime(null).setPayload(payload).build();

    var mapped = reader.map(writer.toJson(event));

    assertThat(mapped).isInstanceOfSatisfying(TelemetryJson.Mapped.Ok.class,
        ok -> assertThat(ok.event()).isEqualTo(event));
  }
}
