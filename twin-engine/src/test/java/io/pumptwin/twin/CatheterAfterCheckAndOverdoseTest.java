package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.CatheterCheckMethod;
import io.pumptwin.twin.telemetry.CatheterCheckResult;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Two pictures that are not a catheter fault (bench detection scorecard, battery-advisory; issue 6): a patient
 * re-titrated for weeks after normal dye studies (each normal check divides the weight of the same picture after it),
 * and withdrawal in the fortnight after overdose signs (the dose lowered for them).
 */
class CatheterAfterCheckAndOverdoseTest {

    private static final TwinModelParameters PARAMETERS = TwinModelParameters.defaults()
            .withSilentAfter(Duration.ofDays(365));

    private static long catheterRaised(PumpTwinScenarios.Story story) {
        return story.raised().stream().filter(e -> e.type() == TwinEventType.CATHETER_FAULT_SUSPECTED
                && e.transition() == TwinEventTransition.RAISED).count();
    }

    /** Withdrawal reports and two increases for uncontrolled spasticity over three weeks from {@code day}. */
    private static void titratedWithoutEffect(PumpTwinScenarios.Story story, double day, double dose) {
        story.symptoms(day, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA, Symptom.PILOERECTION);
        story.doseChange(day + 2, dose, dose * 1.15, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.symptoms(day + 8, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA, Symptom.PARESTHESIA);
        story.doseChange(day + 10, dose * 1.15, dose * 1.3, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.symptoms(day + 18, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.PILOERECTION, Symptom.FEVER);
    }

    @Test
    void the_same_picture_after_two_normal_dye_studies_does_not_raise_a_catheter_fault() {
        var story = PumpTwinScenarios.filledPump("CHK-1", 300, PARAMETERS);
        story.weeklyStatusUntil(14);
        story.check(15, CatheterCheckMethod.DYE_STUDY, CatheterCheckResult.NORMAL, null);
        story.check(30, CatheterCheckMethod.DYE_STUDY, CatheterCheckResult.NORMAL, null);
        titratedWithoutEffect(story, 32, 300);
        titratedWithoutEffect(story, 52, 390);
        assertThat(catheterRaised(story)).isZero();
        assertThat(story.twin().catheter().evidence().items())
                .anyMatch(e -> e.detail().contains("2 normal catheter check(s)"));

        var control = PumpTwinScenarios.filledPump("CHK-2", 300, PARAMETERS);
        control.weeklyStatusUntil(31);
        titratedWithoutEffect(control, 32, 300);
        assertThat(catheterRaised(control)).isOne();
    }

    @Test
    void withdrawal_days_after_overdose_signs_is_not_a_catheter_fault() {
        var story = PumpTwinScenarios.filledPump("ODX-1", 500, PARAMETERS);
        story.weeklyStatusUntil(28);
        story.symptoms(30, Symptom.DROWSINESS, Symptom.DIZZINESS);
        story.symptoms(30.5, Symptom.DROWSINESS, Symptom.DIZZINESS);
        story.doseChange(31, 500, 400, DoseChangeReason.SIDE_EFFECTS);
        story.symptoms(35, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA, Symptom.PILOERECTION,
                Symptom.PARESTHESIA);
        story.symptoms(36, Symptom.SPASTICITY_RETURN, Symptom.TACHYCARDIA, Symptom.HYPOTENSION, Symptom.FEVER,
                Symptom.REBOUND_RIGIDITY);
        story.symptoms(37, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA, Symptom.FEVER,
                Symptom.REBOUND_RIGIDITY);
        assertThat(catheterRaised(story)).isZero();

        var control = PumpTwinScenarios.filledPump("ODX-2", 500, PARAMETERS);
        control.weeklyStatusUntil(28);
        control.symptoms(35, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA, Symptom.PILOERECTION,
                Symptom.PARESTHESIA);
        control.symptoms(36, Symptom.SPASTICITY_RETURN, Symptom.TACHYCARDIA, Symptom.HYPOTENSION, Symptom.FEVER,
                Symptom.REBOUND_RIGIDITY);
        assertThat(catheterRaised(control)).isOne();
    }
}
