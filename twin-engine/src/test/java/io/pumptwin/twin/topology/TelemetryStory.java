package io.pumptwin.twin.topology;

import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReport;
import io.pumptwin.events.SymptomReporter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * One pump's telemetry as wire envelopes, told in days since day zero: a 20 mL pump filled with
 * 2000 mcg/mL at 500 mcg/day (0.25 mL/day), as in the domain's PumpTwinScenarios.
 */
final class TelemetryStory {
    static final Instant DAY_ZERO = Instant.parse("2026-01-05T08:00:00Z");

    private final String serial;
    private double dose = 500;
    private long sequence;

    TelemetryStory(String serial) {
        this.serial = serial;
    }

    String serial() {
        return serial;
    }

    static Instant day(double d) {
        return DAY_ZERO.plus(Duration.ofMillis(Math.round(d * 86_400_000)));
    }

    TelemetryEnvelope refill(double day, double expectedResidual, double measuredResidual) {
        return envelope(day, RefillRecord.newBuilder().setExpectedResidualMl(expectedResidual)
                .setMeasuredResidualMl(measuredResidual).setFilledVolumeMl(20).setReservoirCapacityMl(20)
                .setConcentrationMcgPerMl(2000).setDoseMcgPerDay(dose).setLowReservoirAlarmMl(2.0)
                .setProgrammedConcentrationMcgPerMl(null).setPocketFillSuspected(false).build());
    }

    TelemetryEnvelope status(double day, PumpAlarmKind... alarms) {
        return envelope(day, statusReport(day, dose, alarms));
    }

    static StatusReport statusReport(double day, double dose, PumpAlarmKind... alarms) {
        return StatusReport.newBuilder().setPumpComputedReservoirMl(Math.max(0, 20 - day * dose / 2000))
                .setReservoirCapacityMl(20).setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000)
                .setDoseMcgPerDay(dose).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
                .setBatteryRemainingPercent(80).setBatteryVoltageV(null).setActiveAlarms(List.of(alarms))
                .setManufacturedOn(null).build();
    }

    TelemetryEnvelope alarm(double day, PumpAlarmKind kind, boolean critical) {
        return envelope(day, PumpAlarm.newBuilder().setKind(kind).setCritical(critical).setDetail(null).build());
    }

    TelemetryEnvelope symptoms(double day, Symptom... symptoms) {
        return envelope(day, SymptomReport.newBuilder().setSymptoms(List.of(symptoms)).setSpasticityAshworth(null)
                .setReporter(SymptomReporter.CAREGIVER).setOnsetTime(null).build());
    }

    TelemetryEnvelope doseChange(double day, double to, DoseChangeReason reason) {
        double from = dose;
        dose = to;
        return envelope(day, PrescriptionChange.newBuilder().setPreviousDoseMcgPerDay(from).setNewDoseMcgPerDay(to)
                .setConcentrationMcgPerMl(2000).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS).setReason(reason)
                .build());
    }

    TelemetryEnvelope check(double day, CatheterCheck check) {
        return envelope(day, check);
    }

    TelemetryEnvelope envelope(double day, Object payload) {
        return envelope(day(day), payload);
    }

    TelemetryEnvelope envelope(Instant at, Object payload) {
        sequence++;
        return TelemetryEnvelope.newBuilder().setEventId(serial + "-e" + sequence).setPumpSerial(serial)
                .setPatientPseudonym("pt-" + serial).setClinicId("clinic-1").setEventTime(at).setSequence(sequence)
                .setSource(TelemetrySource.SIMULATOR).setReceivedTime(null).setPayload(payload).build();
    }
}
