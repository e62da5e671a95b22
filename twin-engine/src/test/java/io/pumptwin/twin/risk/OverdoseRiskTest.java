package io.pumptwin.twin.risk;

import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

class OverdoseRiskTest {

    private static final Instant REFILL = Instant.parse("2026-03-01T10:00:00Z");
    private final RiskModelParameters p = RiskModelParameters.defaults();

    @Test
    void a_suspected_pocket_fill_is_likely_overdose_while_its_window_lasts() {
        RiskAssessment soon = OverdoseRisk.assess(REFILL.plus(Duration.ofHours(6)), 500, REFILL, "r1", 1, REFILL, "r1",
                List.of(), p);
        assertThat(soon.level()).isEqualTo(RiskLevel.LIKELY);
        assertThat(soon.evidence()).extracting(e -> e.kind()).containsExactly(EvidenceKind.POCKET_FILL);
        RiskAssessment later = OverdoseRisk.assess(REFILL.plus(Duration.ofDays(5)), 500, REFILL, "r1", 1, REFILL, "r1",
                List.of(), p);
        assertThat(later.level()).isEqualTo(RiskLevel.NONE);
    }

    @Test
    void a_drug_four_times_stronger_than_programmed_is_urgent() {
        RiskAssessment risk = OverdoseRisk.assess(REFILL, 500, null, null, 2000.0 / 500, REFILL, "r1", List.of(), p);
        assertThat(risk.level()).isEqualTo(RiskLevel.URGENT);
        assertThat(risk.evidence().get(0).kind()).isEqualTo(EvidenceKind.CONCENTRATION_MISMATCH);
        assertThat(risk.evidence().get(0).detail()).contains("2000 mcg/day");
    }

    @Test
    void a_weaker_drug_than_programmed_is_not_an_overdose() {
        assertThat(OverdoseRisk.assess(REFILL, 500, null, null, 0.5, REFILL, "r1", List.of(), p).level())
                .isEqualTo(RiskLevel.NONE);
    }

    /** Unlike a lone withdrawal sign, a lone overdose sign is how a wrong concentration often shows first. */
    @Test
    void a_lone_overdose_sign_counts_in_full() {
        var drowsy = List.of(new SymptomObservation(REFILL.plus(Duration.ofHours(3)),
                java.util.Set.of(io.pumptwin.twin.telemetry.Symptom.DROWSINESS), "s1"));
        RiskAssessment risk = OverdoseRisk.assess(REFILL.plus(Duration.ofHours(4)), 500, null, null, 1, null, null,
                drowsy, p);
        assertThat(risk.level()).isEqualTo(RiskLevel.WATCH);
        assertThat(risk.score()).isEqualTo(p.earlySymptomScore());
    }

    /**
     * A report is the picture most of its signs show. One coma named among four withdrawal signs (a patient whose pump
     * was reset two days before) is not an overdose; one piloerection among drowsiness and dizziness is not withdrawal.
     * A tie counts for both.
     */
    @Test
    void a_lone_sign_of_the_other_picture_in_a_report_is_not_a_second_condition() {
        Instant at = REFILL.plus(Duration.ofHours(3));
        Instant asOf = REFILL.plus(Duration.ofHours(4));
        var withdrawalWithComa = List.of(new SymptomObservation(at, Set.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS,
                Symptom.TACHYCARDIA, Symptom.PILOERECTION, Symptom.COMA), "s1"));
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, withdrawalWithComa, p).level())
                .isEqualTo(RiskLevel.NONE);
        assertThat(UnderdoseRisk.assess(asOf, 500, List.of(), withdrawalWithComa, p).level())
                .isEqualTo(RiskLevel.LIKELY);
        assertThat(OverdoseRisk.showsOverdose(withdrawalWithComa.get(0).symptoms())).isFalse();

        var overdoseWithPiloerection = List.of(new SymptomObservation(at, Set.of(Symptom.DROWSINESS, Symptom.DIZZINESS,
                Symptom.PILOERECTION), "s2"));
        assertThat(UnderdoseRisk.assess(asOf, 500, List.of(), overdoseWithPiloerection, REFILL, null, p).level())
                .isEqualTo(RiskLevel.NONE);
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, overdoseWithPiloerection, p).level())
                .isEqualTo(RiskLevel.LIKELY);

        var tie = List.of(new SymptomObservation(at, Set.of(Symptom.DIZZINESS, Symptom.TACHYCARDIA), "s3"));
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, tie, p).level()).isEqualTo(RiskLevel.WATCH);
        assertThat(OverdoseRisk.showsOverdose(tie.get(0).symptoms())).isTrue();
    }

    /**
     * While the pump is known not to deliver (here just after a reset), a report as much withdrawal as overdose is
     * withdrawal: the pump cannot have overdosed the patient. A suspected pocket fill's drug acts from the tissue, so
     * with one the tie still counts.
     */
    @Test
    void a_tied_report_is_withdrawal_while_the_pump_is_known_not_to_deliver() {
        Instant at = REFILL.plus(Duration.ofHours(3));
        Instant asOf = REFILL.plus(Duration.ofHours(4));
        var tie = List.of(new SymptomObservation(at, Set.of(Symptom.COMA, Symptom.TACHYCARDIA), "s4"));
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, tie, true, p).level())
                .isEqualTo(RiskLevel.NONE);
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, tie, false, p).level())
                .isEqualTo(RiskLevel.LIKELY);
        assertThat(OverdoseRisk.assess(asOf, 500, REFILL, "r1", 1, REFILL, "r1", tie, true, p).level())
                .isEqualTo(RiskLevel.URGENT);
        var overdose = List.of(new SymptomObservation(at, Set.of(Symptom.COMA), "s5"));
        assertThat(OverdoseRisk.assess(asOf, 500, null, null, 1, null, null, overdose, true, p).level())
                .isEqualTo(RiskLevel.LIKELY);
    }

    @Test
    void severe_overdose_signs_with_a_pocket_fill_are_urgent() {
        var signs = List.of(new SymptomObservation(REFILL.plus(Duration.ofHours(3)),
                Set.of(Symptom.DROWSINESS, Symptom.RESPIRATORY_DEPRESSION), "s1"));
        RiskAssessment risk = OverdoseRisk.assess(REFILL.plus(Duration.ofHours(4)), 500, REFILL, "r1", 1, REFILL, "r1",
                signs, p);
        assertThat(risk.level()).isEqualTo(RiskLevel.URGENT);
        assertThat(risk.evidence()).extracting(e -> e.kind())
                .containsExactly(EvidenceKind.POCKET_FILL, EvidenceKind.OVERDOSE_SYMPTOMS);
    }
}
