package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A lone withdrawal sign in the days after a fill counts in full (a weaker drug than programmed shows that way), but
 * not while the patient is settling after a disturbance of therapy the twin knows of: then it is the echo of that
 * disturbance (bench detection scorecard, issue 6).
 */
class UnderdoseAftermathTest {

    private static final TwinModelParameters PARAMETERS = TwinModelParameters.defaults()
            .withSilentAfter(Duration.ofDays(365));

    private static long underdoseRaised(PumpTwinScenarios.Story story) {
        return story.raised().stream().filter(e -> e.type() == TwinEventType.UNDERDOSE_RISK
                && e.transition() == TwinEventTransition.RAISED).count();
    }

    /** The control: a routine refill, then one sign of returning spasticity three days later. */
    @Test
    void a_lone_sign_days_after_a_routine_refill_is_watched() {
        var story = PumpTwinScenarios.filledPump("AFT-0", 500, PARAMETERS);
        story.weeklyStatusUntil(56);
        story.refill(60, 5.0, 5.0);
        story.symptoms(63, Symptom.SPASTICITY_RETURN);
        assertThat(underdoseRaised(story)).isEqualTo(1);
    }

    /**
     * Overdose signs, the corrective refill and a dose lowered for side effects: the spasticity that returns days later
     * is the lower dose taking hold, not a weak drug put in at the corrective refill.
     */
    @Test
    void a_lone_sign_after_overdose_signs_and_a_lowered_dose_is_titration() {
        var story = PumpTwinScenarios.filledPump("AFT-1", 500, PARAMETERS);
        story.weeklyStatusUntil(56);
        story.symptoms(59, Symptom.DROWSINESS, Symptom.DIZZINESS);
        story.refill(60, 5.0, 5.0);
        story.doseChange(60.1, 500, 375, DoseChangeReason.SIDE_EFFECTS);
        long afterOverdose = underdoseRaised(story);
        story.symptoms(63, Symptom.SPASTICITY_RETURN);
        assertThat(underdoseRaised(story)).isEqualTo(afterOverdose).isZero();
    }

    /**
     * A report, days after a reset was reprogrammed, of signs that began during the reset: one withdrawal sign and one
     * overdose sign. The withdrawal sign belongs to the reset; the pump, delivering next to nothing, cannot have
     * overdosed the patient, so the coma named beside it does not open an overdose alert. The same report from a
     * patient whose pump was delivering still counts for both.
     */
    @Test
    void a_tied_report_of_signs_from_a_reset_is_not_an_overdose() {
        var report = new io.pumptwin.twin.telemetry.SymptomReport(java.util.Set.of(Symptom.COMA, Symptom.TACHYCARDIA),
                null, io.pumptwin.twin.telemetry.SymptomReporter.CAREGIVER, PumpTwinScenarios.day(20.5));
        var story = PumpTwinScenarios.filledPump("AFT-3", 500, PARAMETERS);
        story.weeklyStatusUntil(14);
        story.alarm(20, PumpAlarmKind.LOW_BATTERY_RESET);
        story.doseChange(21, 500, 500, DoseChangeReason.OTHER);
        story.scenario().at(23, report);
        assertThat(story.raised()).noneMatch(e -> e.type() == TwinEventType.OVERDOSE_RISK);

        var control = PumpTwinScenarios.filledPump("AFT-4", 500, PARAMETERS);
        control.weeklyStatusUntil(21);
        control.scenario().at(23, report);
        assertThat(control.raised()).anyMatch(e -> e.type() == TwinEventType.OVERDOSE_RISK
                && e.transition() == TwinEventTransition.RAISED);
    }

    /** A motor stall that recovered within the day: the spasticity reported after it is its echo. */
    @Test
    void a_lone_sign_after_a_recovered_stall_is_its_echo() {
        var story = PumpTwinScenarios.filledPump("AFT-2", 500, PARAMETERS);
        story.weeklyStatusUntil(56);
        story.refill(57, 5.0, 5.0);
        story.alarm(58, PumpAlarmKind.MOTOR_STALL);
        story.alarm(58.2, PumpAlarmKind.MOTOR_STALL_RECOVERED);
        long afterStall = underdoseRaised(story);
        story.symptoms(61, Symptom.SPASTICITY_RETURN);
        assertThat(underdoseRaised(story)).isEqualTo(afterStall);
    }
}
