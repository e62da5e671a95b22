package io.pumptwin.twin.catheter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Weights of the catheter-fault belief, in log-likelihood ratios (natural log). The prior comes from
 * the literature; the weights are engineering choices that the ground-truth evaluation tunes, and a
 * replay can run with another set.
 *
 * @param lifetimeComplicationRate   catheter complications over the life of therapy: 25-30% reported
 *                                   (DOMAIN.md, "Catheter faults"); default 0.275
 * @param therapyLife                the life of therapy that rate refers to (default 7 years, the
 *                                   nominal pump life); together they give the per-month prior
 * @param obstructionShare           share of faults that obstruct flow (kink, occlusion) versus lose drug
 *                                   (disconnection, leak, migration); assumption 0.5
 * @param residualExcessSigma        a residual this many band sigmas above the prediction counts as excess
 * @param residualLlrPerSigma        weight per sigma of residual excess
 * @param residualLlrCap             cap on one residual's weight (a single measurement can be wrong)
 * @param residualAsExpectedLlr      a residual inside the band argues against an obstruction
 * @param earlySymptomLlr            per early withdrawal sign in a report
 * @param severeSymptomLlr           per severe withdrawal sign in a report
 * @param symptomReportLlrCap        cap on one report's weight (reports are late and noisy)
 * @param firstEscalationLlr         a first dose increase for uncontrolled spasticity is routine titration
 * @param repeatEscalationLlr        each further increase in the window without effect adds this much
 * @param escalationLlrCap           cap on one escalation's weight
 * @param escalationWindow           increases closer together than this count as repeated
 * @param obstructionShareOfEscalation futile increases also fit an obstruction, but the residual would show
 *                                   that; this share of the weight goes to the obstruction hypothesis
 * @param normalCheckLlr             a normal dye study or access-port aspiration
 * @param normalImagingLlr           a normal imaging study (weaker: it misses a small leak)
 * @param faultFoundProbability      probability after a check found a fault
 * @param explainedAwayFactor        share of a weight kept when a motor stall, refill error or another
 *                                   cause of interruption explains the observation
 * @param evidenceHalfLife           old evidence fades toward the prior with this half-life
 * @param evidenceLimit              evidence items kept in the trail
 * @param suspicionThreshold         probability at which the twin raises CATHETER_FAULT_SUSPECTED
 * @param clearThreshold             probability under which it clears it (hysteresis)
 * @param likelyThreshold            probability graded LIKELY
 * @param urgentThreshold            probability graded URGENT
 */
public record CatheterModelParameters(
        double lifetimeComplicationRate,
        Duration therapyLife,
        double obstructionShare,
        double residualExcessSigma,
        double residualLlrPerSigma,
        double residualLlrCap,
        double residualAsExpectedLlr,
        double earlySymptomLlr,
        double severeSymptomLlr,
        double symptomReportLlrCap,
        double firstEscalationLlr,
        double repeatEscalationLlr,
        double escalationLlrCap,
        Duration escalationWindow,
        double obstructionShareOfEscalation,
        double normalCheckLlr,
        double normalImagingLlr,
        double faultFoundProbability,
        double explainedAwayFactor,
        Duration evidenceHalfLife,
        int evidenceLimit,
        double suspicionThreshold,
        double clearThreshold,
        double likelyThreshold,
        double urgentThreshold) {

    public CatheterModelParameters {
        if (lifetimeComplicationRate <= 0 || lifetimeComplicationRate >= 1 || obstructionShare <= 0
                || obstructionShare >= 1 || explainedAwayFactor < 0 || explainedAwayFactor > 1 || evidenceLimit < 1
                || clearThreshold > suspicionThreshold || faultFoundProbability <= 0 || faultFoundProbability >= 1) {
            throw new IllegalArgumentException("invalid catheter parameters");
        }
    }

    public static CatheterModelParameters defaults() {
        return new CatheterModelParameters(0.275, Duration.ofDays(7 * 365), 0.5,
                2.0, 1.0, 6.0, -1.0,
                0.8, 1.5, 2.5,
                0.3, 1.2, 3.0, Duration.ofDays(90), 0.5,
                -4.0, -1.5, 0.99,
                0.1, Duration.ofDays(120), 16,
                0.2, 0.1, 0.5, 0.9);
    }

    /**
     * Probability that a fault arises in a given month: 1 - (1 - lifetime rate)^(1 / months of therapy).
     * With 27.5% over 7 years this is about 0.4% per month.
     */
    public double priorPerMonth() {
        double months = therapyLife.toDays() / (365.25 / 12);
        return 1 - Math.pow(1 - lifetimeComplicationRate, 1 / months);
    }

    public double obstructionPriorLogOdds() {
        return priors().obstruction();
    }

    public double lossPriorLogOdds() {
        return priors().loss();
    }

    /** The two prior log-odds of one parameter set (a record has no room for them, so they are kept aside). */
    private record Priors(CatheterModelParameters of, double obstruction, double loss) {
    }

    /**
     * The priors of the parameter set asked last, by identity: the belief relaxes toward them on every report, and
     * their pow and logs were 1% of the engine's stream thread (async-profiler, issue 5). An engine has one set; a
     * replay comparing two sets recomputes them, as every call did before.
     */
    private static volatile Priors lastPriors;

    private Priors priors() {
        Priors priors = lastPriors;
        if (priors == null || priors.of() != this) {
            double perMonth = priorPerMonth();
            priors = new Priors(this, logit(perMonth * obstructionShare), logit(perMonth * (1 - obstructionShare)));
            lastPriors = priors;
        }
        return priors;
    }

    static double logit(double p) {
        return Math.log(p / (1 - p));
    }

    static double sigmoid(double logOdds) {
        return 1 / (1 + Math.exp(-logOdds));
    }

    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("catheter.lifetimeComplicationRate", lifetimeComplicationRate);
        m.put("catheter.priorPerMonth", priorPerMonth());
        m.put("catheter.residualLlrPerSigma", residualLlrPerSigma);
        m.put("catheter.repeatEscalationLlr", repeatEscalationLlr);
        m.put("catheter.explainedAwayFactor", explainedAwayFactor);
        m.put("catheter.suspicionThreshold", suspicionThreshold);
        return m;
    }
}
