package io.pumptwin.twin.reservoir;

/**
 * What the twin has learned about how fast this pump really delivers, from the residuals aspirated at its refills.
 *
 * <p>A pump's relative delivery error has a persistent part (this pump runs fast or slow) and a part that varies
 * from one refill interval to the next. Before any refill the twin knows only the labeled tolerance (DOMAIN.md:
 * about +/-14.5%, read as two sigma) and the study mean (+1%, Wesemann 2014). Each refill whose residual is
 * clean (no stall, refill error or catheter suspicion, reservoir not run dry, residual within its band) measures
 * the interval's error: a Kalman update of the persistent part. The band of the next interval is then the
 * remaining uncertainty of the persistent part plus the interval-to-interval variation, instead of the labeled
 * tolerance again: a fleet whose pumps are each known after a refill or two no longer gets refill alerts weeks
 * early (bench detection scorecard, issue 6).
 *
 * @param biasMean        the persistent relative over-delivery believed now (+0.01: 1% more than programmed)
 * @param biasVariance    variance of that belief
 * @param refillsLearned  refills whose residual taught the twin something
 */
public record DeliveryCalibration(double biasMean, double biasVariance, int refillsLearned) {

    public DeliveryCalibration {
        if (!(biasVariance >= 0) || Double.isNaN(biasMean) || refillsLearned < 0) {
            throw new IllegalArgumentException("invalid delivery calibration: bias=" + biasMean + " variance="
                    + biasVariance + " refills=" + refillsLearned);
        }
    }

    /**
     * The prior: the study mean, and the persistent part's variance chosen so that, with the interval-to-interval
     * variation added, a pump the twin has not calibrated keeps exactly the prior band (the labeled tolerance read
     * as three sigma of the persistent part: {@link ReservoirModelParameters#deliveryErrorSigmaFraction()}).
     */
    public static DeliveryCalibration prior(ReservoirModelParameters p) {
        double total = p.deliveryErrorSigmaFraction() * p.deliveryErrorSigmaFraction();
        double interval = p.intervalErrorSigmaFraction() * p.intervalErrorSigmaFraction();
        return new DeliveryCalibration(p.deliveryBiasFraction(), Math.max(0, total - interval), 0);
    }

    /** The reservoir physics for this pump: its learned bias, and the sigma of one interval's error. */
    public ReservoirModelParameters applyTo(ReservoirModelParameters p) {
        if (refillsLearned == 0) {
            return p;
        }
        double interval = p.intervalErrorSigmaFraction() * p.intervalErrorSigmaFraction();
        return p.withDeliveryError(biasMean, Math.sqrt(biasVariance + interval));
    }

    /**
     * Learns from one clean refill interval.
     *
     * @param deliveredMl      programmed volume delivered over the interval
     * @param innovationMl     measured residual less the twin's expected residual (from {@link #applyTo} physics)
     * @param measurementVarMl2 variance of the residual reading and of the fill volume, and the random jitter over
     *                          the interval, in mL^2
     */
    public DeliveryCalibration learned(double deliveredMl, double innovationMl, double measurementVarMl2,
                                       ReservoirModelParameters p) {
        if (deliveredMl <= 0) {
            return this;
        }
        // The interval's relative error: what left the reservoir over what was programmed, less one. A residual
        // larger than expected (positive innovation) means the pump delivered less than believed.
        double observed = biasMean - innovationMl / deliveredMl;
        double interval = p.intervalErrorSigmaFraction() * p.intervalErrorSigmaFraction();
        double noise = interval + measurementVarMl2 / (deliveredMl * deliveredMl);
        double gain = biasVariance / (biasVariance + noise);
        return new DeliveryCalibration(biasMean + gain * (observed - biasMean), (1 - gain) * biasVariance,
                refillsLearned + 1);
    }
}
