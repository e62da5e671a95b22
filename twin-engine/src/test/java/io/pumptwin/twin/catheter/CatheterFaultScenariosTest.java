package io.pumptwin.twin.catheter;

import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.TwinEvent;
import io.pumptwin.twin.TwinEventTransition;
import io.pumptwin.twin.TwinEventType;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** DOMAIN.md "Catheter faults": what each fault does to the evidence, told as pump stories. */
class CatheterFaultScenariosTest {

    private final CatheterModelParameters p = CatheterModelParameters.defaults();

    @Test
    void an_occlusion_raises_the_catheter_likelihood_after_the_next_refill() {
        var story = PumpTwinScenarios.filledPump("OCC-1");
        story.weeklyStatusUntil(56);
        double before = story.twin().assess().catheterProbability();
        // Drug stayed in the pump: 15 mL aspirated where about 5 mL were expected.
        story.refill(60, 5.0, 15.0);

        double after = story.twin().assess().catheterProbability();
        assertThat(before).isLessThan(0.01);
        assertThat(after).isGreaterThanOrEqualTo(p.suspicionThreshold());
        assertThat(story.twin().assess().catheterKind()).isEqualTo(CatheterFaultKind.OCCLUSION);
        assertThat(story.twin().catheter().evidence().items()).extracting(Evidence::kind)
                .contains(EvidenceKind.RESIDUAL_EXCESS);
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).hasSize(1);
    }

    @Test
    void a_residual_as_expected_lowers_the_belief_in_an_occlusion() {
        var story = PumpTwinScenarios.filledPump("OK-1");
        story.weeklyStatusUntil(56);
        double before = story.twin().catheter().relaxedTo(PumpTwinScenarios.day(60), p).obstructionProbability();
        story.refill(60, 5.0, 4.9);
        assertThat(story.twin().catheter().obstructionProbability()).isLessThan(before);
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).isEmpty();
    }

    @Test
    void a_silent_disconnection_raises_it_through_symptoms_and_futile_dose_increases() {
        var story = PumpTwinScenarios.filledPump("DISC-1");
        story.weeklyStatusUntil(14);
        // The reservoir empties as expected: nothing at the pump shows the disconnection.
        story.symptoms(15, io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN);
        story.doseChange(16, 500, 550, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        double afterFirstIncrease = story.twin().assess().catheterProbability();
        story.symptoms(23, io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN,
                io.pumptwin.twin.telemetry.Symptom.PRURITUS);
        story.doseChange(24, 550, 600, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.doseChange(31, 600, 700, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);

        assertThat(afterFirstIncrease).isLessThan(p.suspicionThreshold());
        assertThat(story.twin().assess().catheterProbability()).isGreaterThanOrEqualTo(p.suspicionThreshold());
        assertThat(story.twin().assess().catheterKind()).isEqualTo(CatheterFaultKind.DISCONNECTION);
        assertThat(story.twin().catheter().evidence().items()).extracting(Evidence::kind)
                .contains(EvidenceKind.SYMPTOM_REPORT, EvidenceKind.DOSE_ESCALATION_WITHOUT_EFFECT);
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).hasSize(1);
    }

    @Test
    void routine_titration_is_not_a_clue() {
        var story = PumpTwinScenarios.filledPump("TIT-1");
        story.doseChange(10, 500, 550, DoseChangeReason.TITRATION);
        story.doseChange(17, 550, 600, DoseChangeReason.TITRATION);
        story.doseChange(24, 600, 700, DoseChangeReason.TITRATION);
        assertThat(story.twin().assess().catheterProbability()).isLessThan(0.01);
    }

    @Test
    void a_motor_stall_explains_a_large_residual_away() {
        var story = PumpTwinScenarios.filledPump("STALL-1");
        story.weeklyStatusUntil(14);
        story.alarm(20, io.pumptwin.twin.telemetry.PumpAlarmKind.MOTOR_STALL);
        story.alarm(21, io.pumptwin.twin.telemetry.PumpAlarmKind.MOTOR_STALL_RECOVERED);
        story.weeklyStatusUntil(56);
        // The stall lasted longer than the pump logged: the same large residual as in the occlusion story.
        story.refill(60, 5.0, 15.0);

        assertThat(story.twin().assess().catheterProbability()).isLessThan(p.suspicionThreshold());
        List<Evidence> evidence = story.twin().catheter().evidence().items();
        assertThat(evidence).extracting(Evidence::kind).contains(EvidenceKind.RESIDUAL_EXCESS, EvidenceKind.MOTOR_STALL);
        assertThat(evidence.stream().filter(e -> e.kind() == EvidenceKind.MOTOR_STALL).findFirst().orElseThrow()
                .weight()).isNegative();
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).isEmpty();
    }

    @Test
    void a_normal_dye_study_lowers_it_strongly_and_a_found_fault_sets_it_high() {
        var story = PumpTwinScenarios.filledPump("CHK-1");
        story.weeklyStatusUntil(56);
        story.refill(60, 5.0, 15.0);
        double suspected = story.twin().assess().catheterProbability();
        story.check(61, io.pumptwin.twin.telemetry.CatheterCheckMethod.DYE_STUDY,
                io.pumptwin.twin.telemetry.CatheterCheckResult.NORMAL, null);
        assertThat(story.twin().assess().catheterProbability()).isLessThan(suspected / 10);
        assertThat(story.raised()).anyMatch(e -> e.type() == TwinEventType.CATHETER_FAULT_SUSPECTED
                && e.transition() == TwinEventTransition.CLEARED);

        story.check(62, io.pumptwin.twin.telemetry.CatheterCheckMethod.ACCESS_PORT_ASPIRATION,
                io.pumptwin.twin.telemetry.CatheterCheckResult.FAULT_FOUND, CatheterFaultKind.KINK);
        assertThat(story.twin().assess().catheterProbability()).isGreaterThanOrEqualTo(0.99);
        assertThat(story.twin().assess().catheterKind()).isEqualTo(CatheterFaultKind.KINK);
    }

    /**
     * A patient showing overdose signs is getting the drug into the spinal fluid: neither a blocked nor a disconnected
     * catheter. Withdrawal signs as the dose is then cut back are titration; they used to add up, with the escalations
     * before, to a catheter alert on pumps without a catheter fault (bench detection scorecard, issue 6).
     */
    @Test
    void overdose_signs_argue_against_a_catheter_fault_without_burying_a_later_one() {
        var withdrawal = java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN,
                io.pumptwin.twin.telemetry.Symptom.PRURITUS);
        var overdose = java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.DROWSINESS,
                io.pumptwin.twin.telemetry.Symptom.DIZZINESS);
        CatheterFaultLikelihood c = CatheterFaultLikelihood.prior(PumpTwinScenarios.day(0), p)
                .afterSymptoms(withdrawal, CompetingExplanations.NONE, PumpTwinScenarios.day(1), "w1", p);
        double afterWithdrawal = c.probability();
        c = c.afterSymptoms(overdose, CompetingExplanations.NONE, PumpTwinScenarios.day(2), "o1", p);
        assertThat(c.probability()).isLessThan(afterWithdrawal);
        assertThat(c.evidence().items()).anyMatch(e -> e.weight() < 0 && e.detail().contains("DROWSINESS"));

        // Many overdose reports take the belief at most one log-odds below the prior.
        for (int i = 0; i < 20; i++) {
            c = c.afterSymptoms(overdose, CompetingExplanations.NONE, PumpTwinScenarios.day(3), "o" + i, p);
        }
        assertThat(c.obstructionLogOdds()).isCloseTo(p.obstructionPriorLogOdds() - 1,
                org.assertj.core.api.Assertions.within(1e-9));
        assertThat(c.lossLogOdds()).isCloseTo(p.lossPriorLogOdds() - 1, org.assertj.core.api.Assertions.within(1e-9));
        // A residual far above the band still raises the suspicion at once.
        var occlusion = new io.pumptwin.twin.reservoir.ResidualCheck(5, 1, 15, 8, null);
        assertThat(c.afterResidual(occlusion, CompetingExplanations.NONE, PumpTwinScenarios.day(60), "r", p)
                .probability()).isGreaterThanOrEqualTo(p.suspicionThreshold());
    }

    /**
     * A low-battery reset stopped therapy for two days; once the pump is reprogrammed, the withdrawal reports that
     * arrive late and the dose raised twice while the patient settles are the reset's aftermath, not a silent
     * disconnection (they added up to catheter alerts on pumps with no catheter fault: bench detection scorecard,
     * issue 6). The same increases with no interruption before them do raise the suspicion (the disconnection story
     * above), and so does the same evidence once the aftermath is over.
     */
    @Test
    void withdrawal_reports_and_dose_increases_after_a_known_interruption_ended_are_its_aftermath() {
        var withdrawal = new io.pumptwin.twin.telemetry.Symptom[] {io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN,
                io.pumptwin.twin.telemetry.Symptom.PRURITUS, io.pumptwin.twin.telemetry.Symptom.TACHYCARDIA};
        var story = PumpTwinScenarios.filledPump("RESET-1");
        story.weeklyStatusUntil(14);
        story.alarm(20, io.pumptwin.twin.telemetry.PumpAlarmKind.LOW_BATTERY_RESET);
        story.doseChange(22, 500, 500, DoseChangeReason.OTHER);
        story.symptoms(23, withdrawal);
        story.symptoms(25, io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN);
        story.doseChange(27, 500, 575, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.doseChange(30, 575, 660, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);

        assertThat(story.twin().assess().catheterProbability()).isLessThan(p.clearThreshold());
        assertThat(story.twin().catheter().evidence().items()).anyMatch(e -> e.kind() == EvidenceKind.RESET_TO_MINIMUM_RATE
                && e.weight() < 0 && e.detail().contains("aftermath"));
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).isEmpty();

        // Weeks later the same clues are news again.
        story.symptoms(45, withdrawal);
        story.doseChange(46, 660, 760, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.doseChange(50, 760, 870, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.doseChange(54, 870, 1000, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        assertThat(story.twin().assess().catheterProbability()).isGreaterThanOrEqualTo(p.suspicionThreshold());
    }

    /**
     * The pump computes its volume from what it believes it delivered, so a reservoir that runs dry early (the pump
     * over-delivering, a missed visit) is seen only at the refill, as a residual of nothing. The withdrawal reports
     * that came in before it then had their cause: they keep only the explained share of their weight, the increases
     * that follow are re-titration, and the same residual with no reports before it changes nothing.
     */
    @Test
    void a_refill_that_finds_the_reservoir_dry_explains_the_withdrawal_reports_before_it() {
        var story = PumpTwinScenarios.filledPump("DRY-1");
        story.weeklyStatusUntil(63);
        story.symptoms(64, io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN,
                io.pumptwin.twin.telemetry.Symptom.PRURITUS, io.pumptwin.twin.telemetry.Symptom.TACHYCARDIA,
                io.pumptwin.twin.telemetry.Symptom.PILOERECTION);
        double beforeRefill = story.twin().assess().catheterProbability();
        story.refill(65, 2.0, 0.0);
        double afterRefill = story.twin().assess().catheterProbability();
        story.symptoms(67, io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN);
        story.doseChange(68, 500, 575, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.doseChange(70, 575, 660, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);

        assertThat(afterRefill).isLessThan(beforeRefill);
        assertThat(story.twin().catheter().evidence().items()).anyMatch(e -> e.kind() == EvidenceKind.RESERVOIR_EMPTY
                && e.weight() < 0 && e.detail().contains("found at this visit"));
        assertThat(story.twin().assess().catheterProbability()).isLessThan(p.suspicionThreshold());
        assertThat(raised(story.raised(), TwinEventType.CATHETER_FAULT_SUSPECTED)).isEmpty();
        assertThat(story.twin().catheter().recentEscalations()).isEmpty();

        var control = PumpTwinScenarios.filledPump("DRY-2");
        control.weeklyStatusUntil(63);
        double untouched = control.twin().catheter().relaxedTo(PumpTwinScenarios.day(65), p).lossLogOdds();
        control.refill(65, 2.0, 0.0);
        assertThat(control.twin().catheter().lossLogOdds()).isCloseTo(untouched,
                org.assertj.core.api.Assertions.within(1e-9));
    }

    /** One overdose sign named among withdrawal signs does not turn a withdrawal report into evidence against a fault. */
    @Test
    void a_withdrawal_report_with_one_overdose_sign_is_still_a_withdrawal_report() {
        var report = java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.SPASTICITY_RETURN,
                io.pumptwin.twin.telemetry.Symptom.PRURITUS, io.pumptwin.twin.telemetry.Symptom.TACHYCARDIA,
                io.pumptwin.twin.telemetry.Symptom.DIZZINESS);
        CatheterFaultLikelihood prior = CatheterFaultLikelihood.prior(PumpTwinScenarios.day(0), p);
        CatheterFaultLikelihood c = prior.afterSymptoms(report, CompetingExplanations.NONE, PumpTwinScenarios.day(1),
                "w1", p);
        assertThat(c.lossLogOdds()).isGreaterThan(prior.lossLogOdds());
        var overdose = java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.DROWSINESS,
                io.pumptwin.twin.telemetry.Symptom.DIZZINESS, io.pumptwin.twin.telemetry.Symptom.PRURITUS);
        assertThat(prior.afterSymptoms(overdose, CompetingExplanations.NONE, PumpTwinScenarios.day(1), "o1", p)
                .lossLogOdds()).isLessThan(prior.lossLogOdds());
    }

    @Test
    void the_evidence_trail_is_bounded_newest_last() {
        CatheterFaultLikelihood c = CatheterFaultLikelihood.prior(PumpTwinScenarios.day(0), p);
        for (int i = 0; i < 40; i++) {
            c = c.afterSymptoms(java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.PRURITUS), CompetingExplanations.NONE,
                    PumpTwinScenarios.day(i), "e" + i, p);
        }
        assertThat(c.evidence().items()).hasSize(p.evidenceLimit());
        assertThat(c.evidence().items().get(p.evidenceLimit() - 1).sourceEventId()).isEqualTo("e39");
    }

    @Test
    void the_prior_follows_the_reported_lifetime_complication_rate() {
        // 25-30% over the life of therapy (DOMAIN.md): about 0.4% per month over 7 years
        assertThat(p.priorPerMonth()).isBetween(0.003, 0.005);
        assertThat(CatheterFaultLikelihood.prior(PumpTwinScenarios.day(0), p).probability()).isBetween(0.003, 0.005);
    }

    private static List<TwinEvent> raised(List<TwinEvent> events, TwinEventType type) {
        return events.stream().filter(e -> e.type() == type && e.transition() == TwinEventTransition.RAISED).toList();
    }
}
