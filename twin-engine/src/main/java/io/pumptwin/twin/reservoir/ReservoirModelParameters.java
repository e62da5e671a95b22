package io.pumptwin.twin.reservoir;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Physics of the reservoir estimate. Defaults come from the figures in DOMAIN.md.
 *
 * @param deliveryBiasFraction        mean relative over-delivery: the pump removes (1 + bias) times the
 *                                    programmed volume. Default +1%: the mean over-delivery at 6 months in
 *                                    Wesemann et al., Reg Anesth Pain Med 2014 (multicentre SynchroMed II
 *                                    accuracy study). The same study reports about +2.5% per refill, used by
 *                                    {@link #wesemann2014PerRefill()} as the conservative set.
 * @param deliveryErrorSigmaFraction  one standard deviation of a pump's relative delivery error over one refill
 *                                    interval, before the twin has learned the pump. Default 0.0569: the
 *                                    labeled tolerance of about +/-14.5% read as the limit a conforming pump's
 *                                    own accuracy stays within (three sigma, 0.0483), with the interval-to-interval
 *                                    variation ({@code intervalErrorSigmaFraction}, 0.03) on top. It was the
 *                                    tolerance read as two sigma (0.0725): that put one conforming pump in twenty
 *                                    outside its own label, and its 95% band held the true residual at 0.999 of
 *                                    refills in the bench scorecard while sending refill alerts weeks before
 *                                    the alarm volume to pumps refilled every few months (issue 6).
 *                                    The error is treated as systematic within a refill interval (a pump
 *                                    runs consistently fast or slow), so its variance grows with the
 *                                    square of the volume delivered since the fill.
 * @param deliveryJitterMl2PerMl      variance added per mL delivered for random, non-systematic error
 *                                    (boluses, temperature); small by assumption.
 * @param residualMeasurementSigmaMl  standard deviation of an aspirated residual read from a syringe,
 *                                    including incomplete aspiration (assumption: 0.5 mL).
 * @param fillSigmaMl                 standard deviation of the volume put in at a fill (assumption: 0.2 mL).
 * @param bandZ                       z for the two-sided 95% band.
 * @param clinicLeadTime              how long before the band's early edge the clinic wants the refill
 *                                    (a clinic default; clinicians can change it).
 * @param drugStability               how long baclofen may stay in the reservoir after a fill (DOMAIN.md:
 *                                    up to about 180 days).
 * @param minimumRateMlPerDay         what leaves the reservoir at the minimal rate a pump falls back to
 *                                    after a reset (effectively no therapy; assumption: a few uL/day).
 * @param projectionHorizon           projections beyond this are reported as this far out.
 * @param intervalErrorSigmaFraction  one standard deviation of how much a pump's relative error varies from one
 *                                    refill interval to the next, around its persistent error (temperature,
 *                                    boluses, drug viscosity). Assumption: 0.03; no study in DOMAIN.md gives it,
 *                                    so it is set above the simulator's 0.02 to stay conservative. What the
 *                                    twin learns at refills ({@link DeliveryCalibration}) never narrows a pump's
 *                                    band below it.
 */
public record ReservoirModelParameters(
        double deliveryBiasFraction,
        double deliveryErrorSigmaFraction,
        double deliveryJitterMl2PerMl,
        double residualMeasurementSigmaMl,
        double fillSigmaMl,
        double bandZ,
        Duration clinicLeadTime,
        Duration drugStability,
        double minimumRateMlPerDay,
        Duration projectionHorizon,
        double intervalErrorSigmaFraction) {

    public ReservoirModelParameters {
        if (intervalErrorSigmaFraction < 0 || intervalErrorSigmaFraction > deliveryErrorSigmaFraction) {
            throw new IllegalArgumentException("intervalErrorSigmaFraction must lie in [0, deliveryErrorSigmaFraction]");
        }
        if (deliveryErrorSigmaFraction < 0 || deliveryJitterMl2PerMl < 0 || residualMeasurementSigmaMl <= 0
                || fillSigmaMl <= 0 || bandZ <= 0) {
            throw new IllegalArgumentException("reservoir uncertainties must be positive");
        }
        if (clinicLeadTime.isNegative() || drugStability.isNegative() || drugStability.isZero()) {
            throw new IllegalArgumentException("lead time must be >= 0 and drug stability > 0");
        }
    }

    /** The defaults: Wesemann 2014 mean bias, labeled tolerance, 7-day lead time, 180-day stability. */
    public static ReservoirModelParameters wesemann2014() {
        return new ReservoirModelParameters(0.01, PRIOR_DELIVERY_SIGMA, 0.001, 0.5, 0.2, 1.959964,
                Duration.ofDays(7), Duration.ofDays(180), 0.006, Duration.ofDays(3 * 365), INTERVAL_SIGMA);
    }

    /** Labeled delivery tolerance of SynchroMed II class pumps, +/-14.5% (DOMAIN.md), read as three sigma. */
    private static final double LABELED_SIGMA = 0.145 / 3;
    /** Interval-to-interval variation of a pump's error (the default {@code intervalErrorSigmaFraction}). */
    private static final double INTERVAL_SIGMA = 0.03;
    private static final double PRIOR_DELIVERY_SIGMA = Math.sqrt(LABELED_SIGMA * LABELED_SIGMA
            + INTERVAL_SIGMA * INTERVAL_SIGMA);

    /** Conservative set: the +2.5% per refill over-delivery of Wesemann 2014 as the mean bias. */
    public static ReservoirModelParameters wesemann2014PerRefill() {
        return wesemann2014().withDeliveryBias(0.025);
    }

    public ReservoirModelParameters withDeliveryBias(double bias) {
        return new ReservoirModelParameters(bias, deliveryErrorSigmaFraction, deliveryJitterMl2PerMl,
                residualMeasurementSigmaMl, fillSigmaMl, bandZ, clinicLeadTime, drugStability, minimumRateMlPerDay,
                projectionHorizon, intervalErrorSigmaFraction);
    }

    public ReservoirModelParameters withClinicLeadTime(Duration leadTime) {
        return new ReservoirModelParameters(deliveryBiasFraction, deliveryErrorSigmaFraction, deliveryJitterMl2PerMl,
                residualMeasurementSigmaMl, fillSigmaMl, bandZ, leadTime, drugStability, minimumRateMlPerDay,
                projectionHorizon, intervalErrorSigmaFraction);
    }

    public ReservoirModelParameters withDrugStability(Duration stability) {
        return new ReservoirModelParameters(deliveryBiasFraction, deliveryErrorSigmaFraction, deliveryJitterMl2PerMl,
                residualMeasurementSigmaMl, fillSigmaMl, bandZ, clinicLeadTime, stability, minimumRateMlPerDay,
                projectionHorizon, intervalErrorSigmaFraction);
    }

    /** The same physics with a pump's own delivery bias and error sigma (what a twin learned at refills). */
    public ReservoirModelParameters withDeliveryError(double bias, double sigmaFraction) {
        return new ReservoirModelParameters(bias, Math.max(sigmaFraction, intervalErrorSigmaFraction),
                deliveryJitterMl2PerMl, residualMeasurementSigmaMl, fillSigmaMl, bandZ, clinicLeadTime, drugStability,
                minimumRateMlPerDay, projectionHorizon, intervalErrorSigmaFraction);
    }

    /** The values in force, for the twin's provenance. */
    public Map<String, Double> asMap() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("reservoir.deliveryBiasFraction", deliveryBiasFraction);
        m.put("reservoir.deliveryErrorSigmaFraction", deliveryErrorSigmaFraction);
        m.put("reservoir.deliveryJitterMl2PerMl", deliveryJitterMl2PerMl);
        m.put("reservoir.residualMeasurementSigmaMl", residualMeasurementSigmaMl);
        m.put("reservoir.fillSigmaMl", fillSigmaMl);
        m.put("reservoir.bandZ", bandZ);
        m.put("reservoir.clinicLeadTimeDays", clinicLeadTime.toMillis() / 86_400_000.0);
        m.put("reservoir.drugStabilityDays", drugStability.toMillis() / 86_400_000.0);
        m.put("reservoir.minimumRateMlPerDay", minimumRateMlPerDay);
        m.put("reservoir.intervalErrorSigmaFraction", intervalErrorSigmaFraction);
        return m;
    }
}
