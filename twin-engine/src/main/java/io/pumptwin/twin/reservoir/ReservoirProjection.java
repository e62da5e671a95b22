package io.pumptwin.twin.reservoir;

import java.time.Duration;
import java.time.Instant;

/**
 * When the reservoir reaches the low-reservoir alarm volume and when it is empty, each with a 95%
 * band, and the refill-due date that follows. Projections follow the programmed daily volume; the
 * band widens with the volume still to be delivered, exactly as the estimate itself would.
 *
 * @param lowReservoirAt    null when nothing is being delivered (no depletion to project)
 * @param emptyAt           null when nothing is being delivered
 * @param refillDue         null only when neither a projection nor a fill date is known
 * @param lowReservoirBound the one-sided 95% bound of the low-reservoir date (5% chance of reaching the alarm
 *                          volume before it); null when nothing is being delivered. The refill-due date and the
 *                          louder refill alert follow it, not the two-sided band's early edge: see
 *                          {@link #ONE_SIDED_95_Z}.
 */
public record ReservoirProjection(DateBand lowReservoirAt, DateBand emptyAt, RefillDue refillDue,
                                  Instant lowReservoirBound) {

    private static final double MILLIS_PER_DAY = 86_400_000.0;

    /**
     * z of the one-sided 95% bound. "Could the reservoir reach its alarm volume before this date?" is a one-sided
     * question: only the early side is a risk to the patient. Its 95% answer is the 5% quantile of the crossing date;
     * the two-sided band's early edge (z 1.96) is the 2.5% quantile, a 97.5% one-sided bound that moved every refill
     * date earlier than the 95% the band is labelled with (for a pump refilled every 150 days, two to three days;
     * bench detection scorecard, issue 6). The band itself stays two-sided, as shown to clinicians.
     */
    public static final double ONE_SIDED_95_Z = 1.644854;

    /**
     * @param programmedDailyMl programmed volume per day in force (dose / concentration), 0 when stopped
     * @param lowReservoirAlarmMl the programmed LRA volume
     * @param filledAt          event time of the last fill, null if the twin has seen none
     */
    public static ReservoirProjection of(ReservoirEstimate estimate, Instant asOf, double programmedDailyMl,
                                         double lowReservoirAlarmMl, Instant filledAt, ReservoirModelParameters p) {
        DateBand low = null;
        DateBand empty = null;
        Instant bound = null;
        if (programmedDailyMl > 0) {
            low = band(estimate, asOf, programmedDailyMl, lowReservoirAlarmMl, p);
            empty = band(estimate, asOf, programmedDailyMl, 0, p);
            double horizonMl = programmedDailyMl * p.projectionHorizon().toMillis() / MILLIS_PER_DAY;
            bound = at(asOf, crossing(estimate, lowReservoirAlarmMl, ONE_SIDED_95_Z, horizonMl, p) / programmedDailyMl);
        }
        return new ReservoirProjection(low, empty, refillDue(bound, filledAt, p), bound);
    }

    /**
     * When the refill-due notice opens, given the notice a clinic needs to book a visit before the refill-due date.
     * Why not simply {@code due - notice} before the twin has seen the pump filled: the due date is the one-sided 95%
     * bound of the low-reservoir date less the clinic lead, so it already carries the safety margin, and until the
     * first seen fill that margin is the labeled tolerance on everything delivered since a fill the twin never saw:
     * weeks for a slow pump. One at 0.1 mL/d (sigma 1 mL, ten days) had its refill notice open ~37 d before the
     * expected alarm date, most of the false REFILL_DUE in the bench detection scorecard (38 of 48, issue 6); staff
     * asked to book a refill a month early learn to ignore the alert, and nothing more can be known before that
     * first refill (reports carry no last-refill data). The notice then counts from the expected date instead: it
     * opens at the later of {@code due - notice} and {@code expected - lead - notice}, but never with less than half
     * the notice (7 d) before the due date, the time it takes to book a visit. The due date itself
     * (early edge less lead) is never passed without the alert open.
     * <p>Once the twin has seen a fill the notice stays in full: the band is then the pump's own variation (days),
     * and the notice is what catches a reservoir that truly runs dry ahead of it for a reason nothing in telemetry
     * shows (a pocket fill too small to overdose and not suspected: bench scorecard, pocket-fill seed 1, SIM0000021
     * kept 5.9 d of REFILL_DUE lead before empty when its notice was counted from the expected date, under the 7 d
     * goal). The drug stability limit is exact (the fill date is known) and keeps its full notice.
     *
     * @param fillSeen whether the twin has seen this pump filled
     */
    public Instant refillNoticeFrom(Duration notice, boolean fillSeen, ReservoirModelParameters p) {
        Instant due = refillDue.dueAt();
        Instant byNotice = due.minus(notice);
        if (fillSeen || refillDue.limit() != RefillDue.Limit.RESERVOIR || lowReservoirAt == null) {
            return byNotice;
        }
        Instant byExpected = lowReservoirAt.expected().minus(p.clinicLeadTime()).minus(notice);
        if (!byExpected.isAfter(byNotice)) {
            return byNotice;
        }
        // Half the notice at least (7 d at the shipped 14 d): not the clinic lead itself, which the due date already
        // holds once; counted twice, a longer lead would move the alert by more than the lead (replay what-if).
        // in nanoseconds: Duration.dividedBy truncates the same way, through BigDecimal (issue 5)
        Instant latest = due.minus(Duration.ofNanos(notice.toNanos() / 2));
        return byExpected.isBefore(latest) ? byExpected : latest;
    }

    static RefillDue refillDue(Instant lowReservoirBound, Instant filledAt, ReservoirModelParameters p) {
        Instant byReservoir = lowReservoirBound == null ? null : lowReservoirBound.minus(p.clinicLeadTime());
        Instant byStability = filledAt == null ? null : filledAt.plus(p.drugStability());
        if (byReservoir == null && byStability == null) {
            return null;
        }
        if (byStability != null && (byReservoir == null || byStability.isBefore(byReservoir))) {
            return new RefillDue(byStability, RefillDue.Limit.DRUG_STABILITY);
        }
        return new RefillDue(byReservoir, RefillDue.Limit.RESERVOIR);
    }

    private static DateBand band(ReservoirEstimate e, Instant asOf, double dailyMl, double levelMl,
                                 ReservoirModelParameters p) {
        double horizonMl = dailyMl * p.projectionHorizon().toMillis() / MILLIS_PER_DAY;
        double earliest = crossing(e, levelMl, p.bandZ(), horizonMl, p);
        double expected = crossing(e, levelMl, 0, horizonMl, p);
        double latest = crossing(e, levelMl, -p.bandZ(), horizonMl, p);
        return new DateBand(at(asOf, earliest / dailyMl), at(asOf, expected / dailyMl), at(asOf, latest / dailyMl));
    }

    /**
     * Programmed volume still to deliver until the band edge {@code mean - z * sd} reaches the level.
     * Negative when the edge is already below it (the crossing lies in the past, extrapolated at the
     * current uncertainty). Capped below at {@code lo} (far in the past) and above at the horizon.
     *
     * <p>Closed form: before any further delivery the variance is constant, so the edge is linear in the
     * volume; after it, the variance grows by the law of {@link ReservoirEstimate#varianceAfter}
     * ({@code V0 + s2((d0 + m)^2 - d0^2) + j m}), and {@code mean - L - r m = z sqrt(V(m))} squared is a
     * quadratic in {@code m}. Of its roots, the one on the side of {@code (mean - L) / r} that the sign of
     * {@code z} demands is the crossing. The edge falls monotonically with volume delivered, so this is the
     * point the earlier 64-step bisection converged to (ReservoirProjectionTest compares the two); solving
     * it directly takes a few operations instead of 64 square roots, on every state the engine writes.
     */
    static double crossing(ReservoirEstimate e, double levelMl, double z, double horizonMl,
                           ReservoirModelParameters p) {
        double rate = 1 + p.deliveryBiasFraction();
        double lo = -(Math.abs(e.meanMl()) + Math.abs(levelMl) + 4 * e.stdDevMl() + 1) / rate;
        double hi = horizonMl;
        if (edge(e, lo, z, p) - levelMl <= 0) {
            return lo;
        }
        if (edge(e, hi, z, p) - levelMl > 0) {
            return hi;
        }
        double a0 = e.meanMl() - levelMl;
        double atNow = a0 - z * Math.sqrt(e.varianceMl2());
        if (atNow <= 0) {
            return atNow / rate; // crossed before any further delivery: the variance is still V0
        }
        double s2 = p.deliveryErrorSigmaFraction() * p.deliveryErrorSigmaFraction();
        double z2 = z * z;
        double k = s2 * e.deliveredSinceFillMl() + p.deliveryJitterMl2PerMl() / 2;
        // qa m^2 - 2 half m + qc = 0; its discriminant / 4 expanded so that the a0^2 r^2 terms cancel exactly
        // (computed as a difference they leave rounding noise whose square root shifts a date by milliseconds)
        double qa = rate * rate - z2 * s2;
        double half = a0 * rate + z2 * k;
        double qc = a0 * a0 - z2 * e.varianceMl2();
        double reduced = 2 * a0 * rate * k + z2 * k * k + rate * rate * e.varianceMl2() + s2 * a0 * a0
                - z2 * s2 * e.varianceMl2();
        double meanAtLevel = a0 / rate;
        double root = Double.NaN;
        if (Math.abs(qa) < 1e-12) {
            root = qc / (2 * half);
        } else if (reduced >= 0) {
            double q = half + Math.copySign(Math.abs(z) * Math.sqrt(reduced), half);
            double r1 = q / qa;
            double r2 = q == 0 ? r1 : qc / q;
            root = onEdgeSide(r1, z, meanAtLevel, hi) ? r1 : onEdgeSide(r2, z, meanAtLevel, hi) ? r2 : Double.NaN;
        }
        return Double.isNaN(root) ? bisected(e, levelMl, z, 0, hi, p) : root;
    }

    /** A root of the squared equation that solves the unsquared one: (mean - L - r m) has the sign of z. */
    private static boolean onEdgeSide(double m, double z, double meanAtLevel, double hi) {
        if (!(m > 0) || m > hi) {
            return false;
        }
        return z > 0 ? m <= meanAtLevel : z < 0 ? m >= meanAtLevel : true;
    }

    /** The reference solution, kept for parameter sets outside the closed form's assumptions (none known). */
    static double bisected(ReservoirEstimate e, double levelMl, double z, double lo, double hi,
                           ReservoirModelParameters p) {
        for (int i = 0; i < 64; i++) {
            double mid = (lo + hi) / 2;
            if (edge(e, mid, z, p) - levelMl > 0) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return (lo + hi) / 2;
    }

    private static double edge(ReservoirEstimate e, double moreMl, double z, ReservoirModelParameters p) {
        double mean = e.meanMl() - moreMl * (1 + p.deliveryBiasFraction());
        return mean - z * Math.sqrt(e.varianceAfter(moreMl, p));
    }

    private static Instant at(Instant asOf, double days) {
        return asOf.plus(Duration.ofMillis(Math.round(days * MILLIS_PER_DAY)));
    }
}
