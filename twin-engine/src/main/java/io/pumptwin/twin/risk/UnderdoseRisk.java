package io.pumptwin.twin.risk;

import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.Symptom;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Underdose and withdrawal risk from any cause of interrupted delivery (DOMAIN.md): weighted by the
 * dose the patient depends on and by the hours since delivery stopped, raised by withdrawal signs.
 */
public final class UnderdoseRisk {

    private UnderdoseRisk() {
    }

    /**
     * Within this long after a fill a lone withdrawal sign counts in full: a drug weaker than programmed (a
     * concentration mix-up at the refill) shows as withdrawal signs in the following days, often one at a time; halving
     * them there lost 4 of 9 wrong concentrations in the bench scorecard. Four days: the withdrawal runs its 24-72 h
     * course once the old drug in the catheter is used up, and its report reaches the clinic up to a day later. At
     * seven days lone spasticity reports 4-7 days after routine refills opened 5 underdose alerts; at three days the
     * scorecard lost a weak fill whose lone sign came 93 h after it (issue 6).
     */
    static final Duration FILL_DOUBT = Duration.ofDays(4);

    /**
     * A reservoir projected empty with less than this probability, while the twin's louder refill alert (REFILL_URGENT,
     * "refill now", HIGH) already stands for it, is not by itself a second alert: the only act it asks for is that
     * refill, which staff were paged for at a higher severity than an underdose WATCH (MEDIUM) would carry. Alone it
     * stays evidence on the twin (weight 0); beside withdrawal signs that are a WATCH by themselves it counts as before
     * (a lone early sign, half a WATCH, is common in a stable fleet: beside a 9-14 % projection after pocket fills it
     * opened 3 more), and from 50 % (where the twin itself calls delivery stopped) it always counts. Without this,
     * 17-43 % projections at late visits opened 12 underdose alerts in the bench scorecard on reservoirs that still held
     * drug (issue 6). The cost, measured there:
     * one 25 h stop of a 1,013 mcg/day pump that ran dry at a 23-39 % projection, refilled under its standing
     * REFILL_URGENT with no withdrawal sign reported, now has that refill alert and no underdose alert.
     */
    static final double UNCORROBORATED_EMPTY = 0.5;

    public static RiskAssessment assess(Instant asOf, double doseMcgPerDay, List<Interruption> interruptions,
                                        List<SymptomObservation> symptoms, RiskModelParameters p) {
        return assess(asOf, doseMcgPerDay, interruptions, symptoms, null, null, p);
    }

    /**
     * @param lastFillAt        the last refill, or null when none is known
     * @param resumedAfterKnown since when the patient has been settling after a known disturbance of therapy: delivery
     *                          resumed from a known interruption (a stall recovered, a reset reprogrammed, a reservoir
     *                          found dry and refilled), or overdose signs reported (the dose is then lowered, the
     *                          drug in a pocket fill wears off); null when none is known
     */
    public static RiskAssessment assess(Instant asOf, double doseMcgPerDay, List<Interruption> interruptions,
                                        List<SymptomObservation> symptoms, Instant lastFillAt,
                                        Instant resumedAfterKnown, RiskModelParameters p) {
        return assess(asOf, doseMcgPerDay, interruptions, symptoms, lastFillAt, resumedAfterKnown, false, p);
    }

    /**
     * @param refillAlertStanding whether the twin's standing REFILL_URGENT speaks alone for an uncertain empty reservoir
     *                            ({@link #UNCORROBORATED_EMPTY}); the twin says no once an underdose alert stands
     */
    public static RiskAssessment assess(Instant asOf, double doseMcgPerDay, List<Interruption> interruptions,
                                        List<SymptomObservation> symptoms, Instant lastFillAt,
                                        Instant resumedAfterKnown, boolean refillAlertStanding,
                                        RiskModelParameters p) {
        List<Evidence> evidence = new ArrayList<>();
        SymptomScore signs = SymptomScore.of(asOf, symptoms, Symptom::pointsToUnderdose,
                EvidenceKind.WITHDRAWAL_SYMPTOMS, "Withdrawal signs", p,
                !loneSignDoubtsTheFill(asOf, symptoms, lastFillAt, resumedAfterKnown, p), false);
        double best = 0;
        Instant since = null;
        boolean certainInterruption = false;
        // Most reports have no interruption or one: the stream's sorting and list were 2% of the engine's stream
        // thread for them (async-profiler, issue 5)
        List<Interruption> ordered = interruptions.size() < 2 ? interruptions : interruptions.stream()
                .sorted(Comparator.comparing(Interruption::cause).thenComparing(Interruption::since)).toList();
        for (Interruption i : ordered) {
            if (i.certainty() < p.minimumCertainty()) {
                continue;
            }
            boolean uncorroborated = refillAlertStanding && i.cause() == InterruptionCause.RESERVOIR_EMPTY
                    && i.certainty() < UNCORROBORATED_EMPTY && signs.score() < p.watchScore();
            double hours = Math.max(0, Duration.between(i.since(), asOf).toMillis() / 3_600_000.0);
            double score = i.certainty()
                    * Math.min(1, p.doseFactor(doseMcgPerDay) * (p.baseline() + hours / p.progressionHours()));
            // Concatenated, not String.format: this runs for every report of a pump whose delivery is interrupted,
            // and the formatter was a few percent of the engine's time (issue 5). The figures are not negative, where
            // Math.round and %.0f agree.
            evidence.add(new Evidence(i.cause().evidenceKind(), i.since(), i.detail() + " (certainty "
                    + Math.round(100 * i.certainty()) + "%, " + Math.round(hours) + " h ago, "
                    + Math.round(doseMcgPerDay) + " mcg/day)"
                    + (uncorroborated ? ", no withdrawal signs: the standing refill alert says it" : ""),
                    uncorroborated ? 0 : score, i.sourceEventId()));
            if (uncorroborated) {
                continue;
            }
            if (score > best) {
                best = score;
                since = i.since();
            }
            certainInterruption |= i.certainty() >= 0.5;
        }
        evidence.addAll(signs.evidence());
        double score = Math.min(1, best + signs.score());
        RiskLevel level = p.grade(score);
        if (certainInterruption) {
            level = RiskLevel.max(level, RiskLevel.WATCH);
        }
        if (certainInterruption && signs.severe()) {
            // Severe signs while delivery is known to be interrupted: the 24-72 h progression is under way.
            level = RiskLevel.URGENT;
        }
        if (level == RiskLevel.NONE) {
            return new RiskAssessment(RiskLevel.NONE, score, null, evidence);
        }
        return new RiskAssessment(level, score, since != null ? since : signs.firstAt(), evidence);
    }

    /**
     * Whether a lone withdrawal sign counts in full as a doubt about the last fill ({@link #FILL_DOUBT}): only a sign
     * reported after that fill says anything about the drug put in at it. A sign reported before it belongs to the
     * interval the fill ended; counting it in full from the moment of the fill opened an underdose alert at routine
     * refills, on a report the twin had judged too weak the day before (bench detection scorecard, issue 6). And in
     * the aftermath of a known interruption ({@link RiskModelParameters#interruptionAftermath()}) a lone sign is far
     * more likely its echo, the patient settling back on therapy, than a concentration error at the refill that
     * ended it: it counts half, as anywhere else. Likewise after overdose signs: the undertreated picture that follows
     * a dose lowered for them, or a pocket fill's drug wearing off, is titration, not a weak drug (after pocket fills,
     * lone signs within the fill doubt of the corrective refill opened underdose alerts: bench scorecard, issue 6).
     */
    static boolean loneSignDoubtsTheFill(Instant asOf, List<SymptomObservation> symptoms, Instant lastFillAt,
                                         Instant resumedAfterKnown, RiskModelParameters p) {
        if (lastFillAt == null || asOf.isAfter(lastFillAt.plus(FILL_DOUBT))) {
            return false;
        }
        if (resumedAfterKnown != null && !asOf.isAfter(resumedAfterKnown.plus(p.interruptionAftermath()))) {
            return false;
        }
        for (SymptomObservation o : symptoms) {
            if (!o.at().isBefore(lastFillAt) && !o.at().isAfter(asOf)
                    && o.symptoms().stream().anyMatch(Symptom::pointsToUnderdose)) {
                return true;
            }
        }
        return false;
    }
}
