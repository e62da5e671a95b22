package io.pumptwin.twin.risk;

import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.Symptom;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Overdose risk (DOMAIN.md): a pocket fill, a concentration filled higher than the pump was
 * programmed for, and overdose signs (drowsiness and dizziness early; respiratory depression,
 * hypothermia, seizures, coma severe).
 */
public final class OverdoseRisk {

    private OverdoseRisk() {
    }

    /** Whether a report shows the overdose picture: an overdose sign, not outnumbered by withdrawal signs. */
    public static boolean showsOverdose(Set<Symptom> report) {
        return report.stream().anyMatch(Symptom::pointsToOverdose)
                && !SymptomScore.ofTheOtherPicture(report, Symptom::pointsToOverdose);
    }

    /**
     * @param pocketFillAt         event time of a refill with a suspected pocket fill, null if none
     * @param filledToProgrammed   concentration filled / concentration programmed (1 when they agree)
     * @param mismatchSince        when the current concentrations were set
     */
    public static RiskAssessment assess(Instant asOf, double doseMcgPerDay, Instant pocketFillAt,
                                        String pocketFillEventId, double filledToProgrammed, Instant mismatchSince,
                                        String mismatchEventId, List<SymptomObservation> symptoms,
                                        RiskModelParameters p) {
        return assess(asOf, doseMcgPerDay, pocketFillAt, pocketFillEventId, filledToProgrammed, mismatchSince,
                mismatchEventId, symptoms, false, p);
    }

    /**
     * @param pumpNotDelivering delivery is known interrupted (a stall, a reset's minimal rate) or has only just resumed
     *                          from such an interruption: a report with as many withdrawal signs as overdose signs is
     *                          then withdrawal, since the pump cannot have overdosed the patient (bench detection
     *                          scorecard: single overdose signs in reports of the days after a reset, issue 6). A
     *                          suspected pocket fill, whose drug acts from the tissue, keeps a tie counting for both.
     */
    public static RiskAssessment assess(Instant asOf, double doseMcgPerDay, Instant pocketFillAt,
                                        String pocketFillEventId, double filledToProgrammed, Instant mismatchSince,
                                        String mismatchEventId, List<SymptomObservation> symptoms,
                                        boolean pumpNotDelivering, RiskModelParameters p) {
        List<Evidence> evidence = new ArrayList<>();
        double best = 0;
        Instant since = null;
        if (pocketFillAt != null && !pocketFillAt.plus(p.pocketFillWindow()).isBefore(asOf)) {
            best = p.pocketFillScore();
            since = pocketFillAt;
            evidence.add(new Evidence(EvidenceKind.POCKET_FILL, pocketFillAt,
                    "Pocket fill suspected at the refill: drug may be in the tissue", best, pocketFillEventId));
        }
        if (filledToProgrammed > 1 + p.concentrationTolerance()) {
            double score = Math.min(1, p.concentrationBaseScore()
                    + p.concentrationScorePerRatio() * (filledToProgrammed - 1));
            evidence.add(new Evidence(EvidenceKind.CONCENTRATION_MISMATCH, mismatchSince, String.format(Locale.ROOT,
                    "Concentration filled is %.2fx the programmed one: about %.0f mcg/day delivered instead of %.0f",
                    filledToProgrammed, doseMcgPerDay * filledToProgrammed, doseMcgPerDay), score, mismatchEventId));
            if (score > best) {
                best = score;
                since = mismatchSince;
            }
        }
        SymptomScore signs = SymptomScore.of(asOf, symptoms, Symptom::pointsToOverdose,
                EvidenceKind.OVERDOSE_SYMPTOMS, "Overdose signs", p, false, pumpNotDelivering && best == 0);
        evidence.addAll(signs.evidence());
        double score = Math.min(1, best + signs.score());
        RiskLevel level = p.grade(score);
        if (level == RiskLevel.NONE) {
            return new RiskAssessment(RiskLevel.NONE, score, null, evidence);
        }
        return new RiskAssessment(level, score, since != null ? since : signs.firstAt(), evidence);
    }
}
