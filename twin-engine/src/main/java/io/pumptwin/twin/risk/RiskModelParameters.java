package io.pumptwin.twin.risk;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Grading of underdose/withdrawal and overdose risk.
 *
 * <p>Underdose: each cause of interrupted delivery scores
 * {@code certainty * min(1, doseFactor * (baseline + hours / progressionHours))} with
 * {@code doseFactor = sqrt(dose / referenceHighDose)}. DOMAIN.md: severe withdrawal progresses over
 * 24-72 hours and risk grows with dose, so a stopped high-dose pump is the most urgent case. With the
 * defaults a certain stop at 800 mcg/day is LIKELY at once and URGENT after about 12 h; at
 * 300 mcg/day URGENT after about 36 h; at 100 mcg/day after about 80 h.
 *
 * @param referenceHighDoseMcgPerDay dose at which doseFactor is 1 (upper end of typical maintenance
 *                                   doses, DOMAIN.md: a few hundred to about 800 mcg/day)
 * @param minimumDoseMcgPerDay       floor for the dose factor: even a low dose can be withdrawn from
 * @param baseline                   score of a fresh, certain interruption at the reference dose
 * @param progressionHours           hours over which the time term adds one (72 h: DOMAIN.md)
 * @param minimumCertainty           interruptions less likely than this are ignored
 * @param earlySymptomScore          per early sign (withdrawal or overdose) in the symptom window; a lone early
 *                                   withdrawal sign scores half of it (SymptomScore)
 * @param earlySymptomCap            cap on early signs
 * @param severeSymptomScore         for any severe sign in the window
 * @param symptomWindow              how long a symptom report counts
 * @param pocketFillScore            score of a suspected pocket fill while its window lasts
 * @param pocketFillWindow           how long after a pocket fill the overdose risk lasts
 * @param concentrationTolerance     relative concentration mismatch below this is ignored
 * @param concentrationBaseScore     score of a mismatch just above tolerance
 * @param concentrationScorePerRatio score added per unit of (filled / programmed - 1)
 * @param watchScore                 WATCH from this score
 * @param likelyScore                LIKELY from this score
 * @param urgentScore                URGENT from this score
 * @param interruptionAftermath      how long after delivery resumed from a known interruption (a stall recovered, a
 *                                   reset reprogrammed, a reservoir found dry and refilled) its echo explains
 *                                   withdrawal signs and dose increases for uncontrolled spasticity. Two weeks: the
 *                                   withdrawal runs its 24-72 h course and the effect returns over a day or more once
 *                                   drug reaches the spinal fluid again (DOMAIN.md), reports of it reach the clinic
 *                                   days late, and the clinician's review of a report (the dose raised again while
 *                                   the patient settles) follows it by up to a week more
 */
public record RiskModelParameters(
        double referenceHighDoseMcgPerDay,
        double minimumDoseMcgPerDay,
        double baseline,
        double progressionHours,
        double minimumCertainty,
        double earlySymptomScore,
        double earlySymptomCap,
        double severeSymptomScore,
        Duration symptomWindow,
        double pocketFillScore,
        Duration pocketFillWindow,
        double concentrationTolerance,
        double concentrationBaseScore,
        double concentrationScorePerRatio,
        double watchScore,
        double likelyScore,
        double urgentScore,
        Duration interruptionAftermath) {

    public RiskModelParameters {
        if (referenceHighDoseMcgPerDay <= 0 || minimumDoseMcgPerDay <= 0 || progressionHours <= 0
                || !(watchScore < likelyScore && likelyScore < urgentScore)) {
            throw new IllegalArgumentException("invalid risk parameters");
        }
    }

    public static RiskModelParameters defaults() {
        return new RiskModelParameters(600, 20, 0.35, 72, 0.05,
                0.15, 0.3, 0.5, Duration.ofHours(72),
                0.5, Duration.ofHours(72),
                0.05, 0.3, 0.3,
                0.1, 0.3, 0.6, Duration.ofDays(14));
    }

    public RiskLevel grade(double score) {
        if (score >= urgentScore) {
            return RiskLevel.URGENT;
        }
        if (score >= likelyScore) {
            return RiskLevel.LIKELY;
        }
        if (score >= watchScore) {
            return RiskLevel.WATCH;
        }
        return RiskLevel.NONE;
    }

    public double doseFactor(double doseMcgPerDay) {
        return Math.sqrt(Math.max(doseMcgPerDay, minimumDoseMcgPerDay) / referenceHighDoseMcgPerDay);
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("risk.referenceHighDoseMcgPerDay", referenceHighDoseMcgPerDay);
        m.put("risk.baseline", baseline);
        m.put("risk.progressionHours", progressionHours);
        m.put("risk.likelyScore", likelyScore);
        m.put("risk.urgentScore", urgentScore);
        m.put("risk.interruptionAftermathDays", interruptionAftermath.toMillis() / 86_400_000.0);
        return m;
    }
}
