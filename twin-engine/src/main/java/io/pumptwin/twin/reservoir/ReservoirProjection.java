package io.pumptwin.twin.reservoir;

import java.time.Duration;
import java.time.Instant;

/**
 * When the reservoir reaches the low-reservoir alarm volume and when it is empty, each with a 95%
 * band, and the refill-due date that follows. Projections follow the programmed daily volume; the
 * band widens with the volume still to be delivered, exactly as the estimate itself would.
 *
 * @param lowReservoirAt null when nothing is being delivered (no depletion to project)
 * @param emptyAt        null when nothing is being delivered
 * @param refillDue      null only when neither a projection nor a fill date is known
 */
public record ReservoirProjection(DateBand lowReservoirAt, DateBand emptyAt, RefillDue refillDue) {

    private static final double MILLIS_PER_DAY = 86_400_000.0;

    /**
     * @param programmedDailyMl programmed volume per day in force (dose / concentration), 0 when stopped
     * @param lowReservoirAlarmMl the programmed LRA volume
     * @param filledAt          event time of the last fill, null if the twin has seen none
     */
    public static ReservoirProjection of(ReservoirEstimate estimate, Instant asOf, double programmedDailyMl,
                                         double lowReservoirAlarmMl, Instant filledAt, ReservoirModelParameters p) {
        DateBand low = null;
        DateBand empty = null;
        if (programmedDailyMl > 0) {
            low = band(estimate, asOf, programmedDailyMl, lowReservoirAlarmMl, p);
            empty = band(estimate, asOf, programmedDailyMl, 0, p);
        }
        return new ReservoirProjection(low, empty, refillDue(low, filledAt, p));
    }

    static RefillDue refillDue(DateBand lowReservoirAt, Instant filledAt, ReservoirModelParameters p) {
        Instant byReservoir = lowReservoirAt == null ? null : lowReservoirAt.earliest().minus(p.clinicLeadTime());
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
     * current uncertainty). The edge falls monotonically with volume delivered, so bisection is exact
     * enough and, unlike iteration to a tolerance, takes the same steps on every run.
     */
    private static double crossing(ReservoirEstimate e, double levelMl, double z, double horizonMl,
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
