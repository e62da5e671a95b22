package io.pumptwin.twin.risk;

import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class UnderdoseRiskTest {

    private static final Instant STOP = Instant.parse("2026-03-01T00:00:00Z");
    private final RiskModelParameters p = RiskModelParameters.defaults();

    private RiskAssessment stoppedFor(double hours, double dose, double certainty, List<SymptomObservation> symptoms) {
        Interruption stall = new Interruption(InterruptionCause.MOTOR_STALL, STOP, certainty, "Motor stall", "e1");
        return UnderdoseRisk.assess(STOP.plus(Duration.ofMinutes(Math.round(hours * 60))), dose, List.of(stall),
                symptoms, p);
    }

    private int hoursToUrgent(double dose) {
        for (int h = 0; h <= 240; h++) {
            if (stoppedFor(h, dose, 1, List.of()).level() == RiskLevel.URGENT) {
                return h;
            }
        }
        return Integer.MAX_VALUE;
    }

    @Test
    void a_stopped_high_dose_pump_reaches_urgent_sooner_than_a_low_dose_one() {
        int highDose = hoursToUrgent(800);
        int lowDose = hoursToUrgent(100);
        assertThat(highDose).isLessThan(lowDose);
        // DOMAIN.md: severe withdrawal progresses over 24-72 h; a high-dose stop is urgent well inside a day
        assertThat(highDose).isLessThanOrEqualTo(24);
        assertThat(lowDose).isBetween(24, 96);
    }

    @Test
    void a_stop_is_never_ignored_and_grows_with_time() {
        assertThat(stoppedFor(0, 50, 1, List.of()).level()).isEqualTo(RiskLevel.WATCH);
        assertThat(stoppedFor(12, 300, 1, List.of()).score()).isLessThan(stoppedFor(36, 300, 1, List.of()).score());
    }

    @Test
    void severe_withdrawal_signs_during_a_known_stop_are_urgent_at_any_dose() {
        var fever = List.of(new SymptomObservation(STOP.plus(Duration.ofHours(2)),
                Set.of(Symptom.FEVER, Symptom.REBOUND_RIGIDITY), "e2"));
        RiskAssessment risk = stoppedFor(3, 50, 1, fever);
        assertThat(risk.level()).isEqualTo(RiskLevel.URGENT);
        assertThat(risk.evidence()).extracting(e -> e.kind())
                .contains(EvidenceKind.MOTOR_STALL, EvidenceKind.WITHDRAWAL_SYMPTOMS);
    }

    @Test
    void an_uncertain_cause_counts_by_its_probability() {
        assertThat(stoppedFor(24, 600, 0.3, List.of()).score())
                .isLessThan(stoppedFor(24, 600, 1, List.of()).score());
        assertThat(stoppedFor(24, 600, 0.01, List.of()).level()).isEqualTo(RiskLevel.NONE);
    }

    /**
     * A reservoir projected empty at less than even odds, while the twin's "refill now" alert stands for it: evidence on
     * the twin, not a second, quieter alert. Beside withdrawal signs that are a WATCH by themselves, at even odds or
     * without the refill alert, it counts as before.
     */
    @Test
    void an_uncertain_empty_reservoir_under_a_standing_refill_alert_needs_withdrawal_signs() {
        Instant asOf = STOP.plus(Duration.ofHours(10));
        var likelyDry = List.of(new Interruption(InterruptionCause.RESERVOIR_EMPTY, asOf, 0.3, "Reservoir projected empty",
                "fill-1"));
        RiskAssessment alone = UnderdoseRisk.assess(asOf, 1000, likelyDry, List.of(), null, null, true, p);
        assertThat(alone.level()).isEqualTo(RiskLevel.NONE);
        assertThat(alone.evidence()).singleElement().satisfies(e -> {
            assertThat(e.kind()).isEqualTo(EvidenceKind.RESERVOIR_EMPTY);
            assertThat(e.weight()).isZero();
            assertThat(e.detail()).contains("refill alert");
        });
        assertThat(UnderdoseRisk.assess(asOf, 1000, likelyDry, List.of(), null, null, false, p).level())
                .isEqualTo(RiskLevel.WATCH);
        // a lone early sign (below WATCH by itself, common in a stable fleet) does not corroborate it; signs that are
        // a WATCH by themselves do, and the reservoir then adds its weight
        var sign = List.of(new SymptomObservation(asOf, Set.of(Symptom.SPASTICITY_RETURN), "e10"));
        assertThat(UnderdoseRisk.assess(asOf, 1000, likelyDry, sign, null, null, true, p).level())
                .isEqualTo(RiskLevel.NONE);
        var signs = List.of(new SymptomObservation(asOf, Set.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS), "e11"));
        RiskAssessment corroborated = UnderdoseRisk.assess(asOf, 1000, likelyDry, signs, null, null, true, p);
        assertThat(corroborated.level()).isEqualTo(RiskLevel.LIKELY);
        assertThat(corroborated.score()).isGreaterThan(
                UnderdoseRisk.assess(asOf, 1000, List.of(), signs, null, null, true, p).score());
        assertThat(corroborated.evidence()).extracting(e -> e.kind()).contains(EvidenceKind.RESERVOIR_EMPTY);
        var evenOdds = List.of(new Interruption(InterruptionCause.RESERVOIR_EMPTY, asOf, 0.5, "Reservoir projected empty",
                "fill-1"));
        assertThat(UnderdoseRisk.assess(asOf, 1000, evenOdds, List.of(), null, null, true, p).level())
                .isNotEqualTo(RiskLevel.NONE);
        // a catheter fault at the same odds is not a refill's business: it counts as before
        var catheter = List.of(new Interruption(InterruptionCause.CATHETER_FAULT, asOf, 0.3, "Catheter", null));
        assertThat(UnderdoseRisk.assess(asOf, 1000, catheter, List.of(), null, null, true, p).level())
                .isEqualTo(RiskLevel.WATCH);
    }

    @Test
    void nothing_wrong_means_no_risk_and_no_evidence() {
        RiskAssessment none = UnderdoseRisk.assess(STOP, 600, List.of(), List.of(), p);
        assertThat(none.level()).isEqualTo(RiskLevel.NONE);
        assertThat(none.evidence()).isEmpty();
    }

    /** One early sign alone is common in a stable fleet: evidence on the twin, not an alert; a second sign is. */
    @Test
    void a_lone_early_sign_stays_below_watch_and_a_second_distinct_sign_raises_the_risk() {
        var one = List.of(new SymptomObservation(STOP.minus(Duration.ofHours(5)), Set.of(Symptom.PRURITUS), "e4"));
        RiskAssessment lone = UnderdoseRisk.assess(STOP, 600, List.of(), one, p);
        assertThat(lone.level()).isEqualTo(RiskLevel.NONE);
        assertThat(lone.evidence()).extracting(e -> e.kind()).containsExactly(EvidenceKind.WITHDRAWAL_SYMPTOMS);
        var two = List.of(one.get(0), new SymptomObservation(STOP.minus(Duration.ofHours(2)),
                Set.of(Symptom.SPASTICITY_RETURN), "e5"));
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), two, p).level()).isEqualTo(RiskLevel.LIKELY);
        // in the days after a fill a lone sign counts in full: a weaker drug than programmed shows this way
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), one, STOP.minus(Duration.ofDays(2)), null, p).level())
                .isEqualTo(RiskLevel.WATCH);
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), one, STOP.minus(Duration.ofDays(20)), null, p).level())
                .isEqualTo(RiskLevel.NONE);
        // a weaker drug shows within days of the fill (the 24-72 h course, the report a day late): a lone sign first
        // reported five days after the fill counts half again (lone spasticity reports 4-7 d after routine refills
        // opened 5 underdose alerts in the bench scorecard)
        var late = List.of(new SymptomObservation(STOP.plus(Duration.ofDays(5)), Set.of(Symptom.PRURITUS), "e4b"));
        assertThat(UnderdoseRisk.assess(STOP.plus(Duration.ofDays(5)), 600, List.of(), late, STOP, null, p).level())
                .isEqualTo(RiskLevel.NONE);
        var early = List.of(new SymptomObservation(STOP.plus(Duration.ofHours(90)), Set.of(Symptom.PRURITUS), "e4c"));
        assertThat(UnderdoseRisk.assess(STOP.plus(Duration.ofHours(90)), 600, List.of(), early, STOP, null, p).level())
                .isEqualTo(RiskLevel.WATCH);
        // with a known interruption the lone sign still adds to its score
        assertThat(stoppedFor(1, 300, 1, one).score()).isGreaterThan(stoppedFor(1, 300, 1, List.of()).score());
    }

    /**
     * The fill doubt is about the drug put in at the fill: a lone sign reported before it belongs to the interval the
     * fill ended and stays at half weight when the refill comes (it opened an underdose alert at routine refills).
     */
    @Test
    void a_lone_sign_reported_before_a_fill_does_not_count_in_full_from_the_fill() {
        var before = List.of(new SymptomObservation(STOP.minus(Duration.ofHours(30)), Set.of(Symptom.SPASTICITY_RETURN),
                "e6"));
        assertThat(UnderdoseRisk.assess(STOP.minus(Duration.ofHours(1)), 600, List.of(), before, null, null, p).level())
                .isEqualTo(RiskLevel.NONE);
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), before, STOP, null, p).level())
                .isEqualTo(RiskLevel.NONE);
        var after = List.of(new SymptomObservation(STOP.plus(Duration.ofHours(30)), Set.of(Symptom.SPASTICITY_RETURN),
                "e7"));
        assertThat(UnderdoseRisk.assess(STOP.plus(Duration.ofHours(31)), 600, List.of(), after, STOP, null, p).level())
                .isEqualTo(RiskLevel.WATCH);
    }

    /**
     * In the aftermath of a known interruption (here a reservoir found dry and refilled) a lone sign after the refill
     * is far more likely the patient settling back on therapy than a concentration error at that refill: half weight.
     * Past the aftermath the fill doubt would apply again, and two distinct signs still count in full.
     */
    @Test
    void a_lone_sign_in_the_aftermath_of_a_known_interruption_counts_half_even_after_the_fill() {
        Instant fill = STOP;
        var lone = List.of(new SymptomObservation(fill.plus(Duration.ofDays(3)), Set.of(Symptom.SPASTICITY_RETURN),
                "e8"));
        Instant asOf = fill.plus(Duration.ofDays(3)).plusSeconds(60);
        assertThat(UnderdoseRisk.assess(asOf, 600, List.of(), lone, fill, null, p).level()).isEqualTo(RiskLevel.WATCH);
        assertThat(UnderdoseRisk.assess(asOf, 600, List.of(), lone, fill, fill, p).level()).isEqualTo(RiskLevel.NONE);
        var two = List.of(new SymptomObservation(fill.plus(Duration.ofDays(3)), Set.of(Symptom.SPASTICITY_RETURN,
                Symptom.TACHYCARDIA), "e9"));
        assertThat(UnderdoseRisk.assess(asOf, 600, List.of(), two, fill, fill, p).level()).isEqualTo(RiskLevel.LIKELY);
    }

    @Test
    void old_symptoms_leave_the_window() {
        var old = List.of(new SymptomObservation(STOP.minus(Duration.ofDays(5)), Set.of(Symptom.PRURITUS,
                Symptom.SPASTICITY_RETURN), "e3"));
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), old, p).level()).isEqualTo(RiskLevel.NONE);
        var fresh = List.of(new SymptomObservation(STOP.minus(Duration.ofHours(5)), Set.of(Symptom.PRURITUS,
                Symptom.SPASTICITY_RETURN), "e3"));
        assertThat(UnderdoseRisk.assess(STOP, 600, List.of(), fresh, p).level()).isEqualTo(RiskLevel.LIKELY);
    }

    /** The evidence says what the interruption is and the figures behind the score, rounded half up as before. */
    @Test
    void the_evidence_of_an_interruption_reads_with_its_certainty_age_and_dose() {
        RiskAssessment stopped = stoppedFor(30.5, 612.5, 0.875, List.of());
        assertThat(stopped.evidence()).extracting(e -> e.detail())
                .containsExactly("Motor stall (certainty 88%, 31 h ago, 613 mcg/day)");
    }
}
