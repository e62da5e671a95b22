package io.pumptwin.twin.wire;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.twin.telemetry.CatheterCheck;
import io.pumptwin.twin.telemetry.CatheterCheckMethod;
import io.pumptwin.twin.telemetry.CatheterCheckResult;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.InfusionMode;
import io.pumptwin.twin.telemetry.PrescriptionChange;
import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.PumpExplantRetraction;
import io.pumptwin.twin.telemetry.ExplantRetractionReason;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;
import io.pumptwin.twin.telemetry.SymptomReporter;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetryFact;
import io.pumptwin.twin.telemetry.TelemetrySource;

import java.util.EnumSet;
import java.util.Set;

/**
 * Turns a wire TelemetryEnvelope into the twin's own telemetry vocabulary, refusing values no pump
 * can report (the gateway validates too, but the topic may carry records from elsewhere or from
 * before a rule existed). Enum constants map by name: both sides mirror the same .avsc symbols.
 */
public final class TelemetryMapping {

    private TelemetryMapping() {
    }

    public static TelemetryEvent toDomain(TelemetryEnvelope envelope) throws TelemetryRejected {
        require(envelope.getEventId() != null && !envelope.getEventId().isBlank(), "eventId", "must not be blank");
        require(envelope.getPumpSerial() != null && !envelope.getPumpSerial().isBlank(), "pumpSerial",
                "must not be blank");
        require(envelope.getEventTime() != null, "eventTime", "must be set");
        TelemetryFact fact = fact(envelope.getPayload());
        return new TelemetryEvent(envelope.getEventId(), envelope.getPumpSerial(), envelope.getPatientPseudonym(),
                envelope.getClinicId(), envelope.getEventTime(), envelope.getSequence(),
                TelemetrySource.valueOf(envelope.getSource().name()), fact);
    }

    private static TelemetryFact fact(Object payload) throws TelemetryRejected {
        if (payload instanceof io.pumptwin.events.StatusReport s) {
            volume(s.getPumpComputedReservoirMl(), "payload.pumpComputedReservoirMl");
            capacity(s.getReservoirCapacityMl(), "payload.reservoirCapacityMl");
            volume(s.getLowReservoirAlarmMl(), "payload.lowReservoirAlarmMl");
            concentration(s.getConcentrationMcgPerMl(), "payload.concentrationMcgPerMl");
            dose(s.getDoseMcgPerDay(), "payload.doseMcgPerDay");
            if (!(s.getBatteryRemainingPercent() >= 0 && s.getBatteryRemainingPercent() <= 100)) {
                throw invalid("payload.batteryRemainingPercent", "must be 0-100, was " + s.getBatteryRemainingPercent());
            }
            Set<PumpAlarmKind> alarms = EnumSet.noneOf(PumpAlarmKind.class);
            for (io.pumptwin.events.PumpAlarmKind k : s.getActiveAlarms()) {
                alarms.add(PumpAlarmKind.valueOf(k.name()));
            }
            return new StatusReport(s.getPumpComputedReservoirMl(), s.getReservoirCapacityMl(),
                    s.getLowReservoirAlarmMl(), s.getConcentrationMcgPerMl(), s.getDoseMcgPerDay(),
                    InfusionMode.valueOf(s.getInfusionMode().name()), s.getBatteryRemainingPercent(),
                    s.getBatteryVoltageV(), alarms);
        }
        if (payload instanceof io.pumptwin.events.PumpAlarm a) {
            return new PumpAlarm(PumpAlarmKind.valueOf(a.getKind().name()), a.getCritical(), a.getDetail());
        }
        if (payload instanceof io.pumptwin.events.RefillRecord r) {
            volume(r.getExpectedResidualMl(), "payload.expectedResidualMl");
            volume(r.getMeasuredResidualMl(), "payload.measuredResidualMl");
            volume(r.getFilledVolumeMl(), "payload.filledVolumeMl");
            capacity(r.getReservoirCapacityMl(), "payload.reservoirCapacityMl");
            if (!(r.getFilledVolumeMl() <= r.getReservoirCapacityMl() + 1)) {
                throw invalid("payload.filledVolumeMl", "exceeds the reservoir capacity of " + r.getReservoirCapacityMl() + " mL");
            }
            concentration(r.getConcentrationMcgPerMl(), "payload.concentrationMcgPerMl");
            dose(r.getDoseMcgPerDay(), "payload.doseMcgPerDay");
            volume(r.getLowReservoirAlarmMl(), "payload.lowReservoirAlarmMl");
            if (r.getProgrammedConcentrationMcgPerMl() != null) {
                concentration(r.getProgrammedConcentrationMcgPerMl(), "payload.programmedConcentrationMcgPerMl");
            }
            return new RefillVisit(r.getExpectedResidualMl(), r.getMeasuredResidualMl(), r.getFilledVolumeMl(),
                    r.getReservoirCapacityMl(), r.getConcentrationMcgPerMl(), r.getDoseMcgPerDay(),
                    r.getLowReservoirAlarmMl(), r.getProgrammedConcentrationMcgPerMl(), r.getPocketFillSuspected());
        }
        if (payload instanceof io.pumptwin.events.PrescriptionChange c) {
            dose(c.getPreviousDoseMcgPerDay(), "payload.previousDoseMcgPerDay");
            dose(c.getNewDoseMcgPerDay(), "payload.newDoseMcgPerDay");
            concentration(c.getConcentrationMcgPerMl(), "payload.concentrationMcgPerMl");
            return new PrescriptionChange(c.getPreviousDoseMcgPerDay(), c.getNewDoseMcgPerDay(),
                    c.getConcentrationMcgPerMl(), InfusionMode.valueOf(c.getInfusionMode().name()),
                    DoseChangeReason.valueOf(c.getReason().name()));
        }
        if (payload instanceof io.pumptwin.events.SymptomReport s) {
            Set<Symptom> symptoms = EnumSet.noneOf(Symptom.class);
            for (io.pumptwin.events.Symptom x : s.getSymptoms()) {
                symptoms.add(Symptom.valueOf(x.name()));
            }
            if (s.getSpasticityAshworth() != null) {
                if (!(s.getSpasticityAshworth() >= 0 && s.getSpasticityAshworth() <= 4)) {
                    throw invalid("payload.spasticityAshworth", "must be 0-4, was " + s.getSpasticityAshworth());
                }
            }
            return new SymptomReport(symptoms, s.getSpasticityAshworth(),
                    SymptomReporter.valueOf(s.getReporter().name()), s.getOnsetTime());
        }
        if (payload instanceof io.pumptwin.events.CatheterCheck c) {
            return new CatheterCheck(CatheterCheckMethod.valueOf(c.getMethod().name()),
                    CatheterCheckResult.valueOf(c.getResult().name()),
                    c.getFaultKind() == null ? null : CatheterFaultKind.valueOf(c.getFaultKind().name()));
        }
        if (payload instanceof io.pumptwin.events.PumpExplant x) {
            return new PumpExplant(ExplantReason.valueOf(x.getReason().name()), x.getReplacementPumpSerial());
        }
        if (payload instanceof io.pumptwin.events.PumpExplantRetraction r) {
            return new PumpExplantRetraction(r.getRetractedEventId(),
                    ExplantRetractionReason.valueOf(r.getReason().name()));
        }
        throw new TelemetryRejected("UNSUPPORTED_PAYLOAD", "payload",
                "payload type " + (payload == null ? "null" : payload.getClass().getSimpleName()) + " is not telemetry");
    }

    // The rule's message is built only when a value breaks it: formatting doubles for every field of every record
    // was 3-4% of the engine's stream thread (JFR, issue 5).

    private static void volume(double ml, String field) throws TelemetryRejected {
        if (!(Double.isFinite(ml) && ml >= 0 && ml <= 100)) {
            throw invalid(field, "must be a volume of 0-100 mL, was " + ml);
        }
    }

    private static void capacity(int ml, String field) throws TelemetryRejected {
        if (!(ml > 0 && ml <= 100)) {
            throw invalid(field, "must be a reservoir size in mL (20 or 40), was " + ml);
        }
    }

    private static void concentration(double mcgPerMl, String field) throws TelemetryRejected {
        if (!(Double.isFinite(mcgPerMl) && mcgPerMl > 0 && mcgPerMl <= 10_000)) {
            throw invalid(field, "must be a concentration of 0-10000 mcg/mL, was " + mcgPerMl);
        }
    }

    private static void dose(double mcgPerDay, String field) throws TelemetryRejected {
        if (!(Double.isFinite(mcgPerDay) && mcgPerDay >= 0 && mcgPerDay <= 10_000)) {
            throw invalid(field, "must be a dose of 0-10000 mcg/day, was " + mcgPerDay);
        }
    }

    private static void require(boolean ok, String field, String rule) throws TelemetryRejected {
        if (!ok) {
            throw invalid(field, rule);
        }
    }

    private static TelemetryRejected invalid(String field, String rule) {
        return new TelemetryRejected("INVALID_FIELD", field, field + " " + rule);
    }
}
