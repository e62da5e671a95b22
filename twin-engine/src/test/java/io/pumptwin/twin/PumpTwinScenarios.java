package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.CatheterCheck;
import io.pumptwin.twin.telemetry.CatheterCheckMethod;
import io.pumptwin.twin.telemetry.CatheterCheckResult;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.InfusionMode;
import io.pumptwin.twin.telemetry.PrescriptionChange;
import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;

import java.time.Instant;

/** Pump stories for the specification tests of other packages. */
public final class PumpTwinScenarios {

    private PumpTwinScenarios() {
    }

    public static Instant day(double d) {
        return PumpScenario.day(d);
    }

    /** A 20 mL pump filled on day 0 with 2000 mcg/mL at 500 mcg/day (0.25 mL/day). */
    public static Story filledPump(String serial) {
        return filledPump(serial, 500, TwinModelParameters.defaults());
    }

    public static Story filledPump(String serial, double dose, TwinModelParameters parameters) {
        Story story = new Story(new PumpScenario(serial, parameters), dose);
        story.scenario.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, dose));
        story.status(0);
        return story;
    }

    /** A story told in days: each call is one telemetry event. */
    public static final class Story {
        private final PumpScenario scenario;
        private double dose;
        private double lastStatusDay;
        private double battery = 80;

        Story(PumpScenario scenario, double dose) {
            this.scenario = scenario;
            this.dose = dose;
        }

        public PumpTwin twin() {
            return scenario.twin();
        }

        PumpScenario scenario() {
            return scenario;
        }

        public java.util.List<TwinEvent> raised() {
            return scenario.raised();
        }

        public TwinTransition status(double day, PumpAlarmKind... alarms) {
            lastStatusDay = day;
            double pumpComputed = 20 - day * dose / 2000;
            return scenario.at(day, StatusReport.of(pumpComputed, 20, 2.0, 2000, dose, battery, alarms));
        }

        public void weeklyStatusUntil(double day) {
            for (double d = lastStatusDay + 7; d <= day; d += 7) {
                status(d);
            }
        }

        public TwinTransition refill(double day, double expectedResidual, double measuredResidual) {
            return scenario.at(day, RefillVisit.routine(expectedResidual, measuredResidual, 20, 20, 2000, dose));
        }

        public TwinTransition refill(double day, RefillVisit visit) {
            return scenario.at(day, visit);
        }

        public TwinTransition alarm(double day, PumpAlarmKind kind) {
            return scenario.at(day, PumpAlarm.of(kind));
        }

        public TwinTransition symptoms(double day, Symptom... symptoms) {
            return scenario.at(day, SymptomReport.of(symptoms));
        }

        public TwinTransition doseChange(double day, double from, double to, DoseChangeReason reason) {
            dose = to;
            return scenario.at(day, new PrescriptionChange(from, to, 2000, InfusionMode.SIMPLE_CONTINUOUS, reason));
        }

        public TwinTransition check(double day, CatheterCheckMethod method, CatheterCheckResult result,
                                    CatheterFaultKind kind) {
            return scenario.at(day, new CatheterCheck(method, result, kind));
        }

        public TwinTransition advance(double day) {
            return scenario.advance(day);
        }

        /** The clinic's explant of this pump, recorded by its programmer. */
        public TwinTransition explant(double day, String replacementSerial) {
            return scenario.at(day, new io.pumptwin.twin.telemetry.PumpExplant(
                    io.pumptwin.twin.telemetry.ExplantReason.ELECTIVE_REPLACEMENT, replacementSerial),
                    io.pumptwin.twin.telemetry.TelemetrySource.CLINICIAN_PROGRAMMER);
        }
    }
}
