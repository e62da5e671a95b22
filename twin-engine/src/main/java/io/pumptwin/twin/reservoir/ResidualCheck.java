package io.pumptwin.twin.reservoir;

/**
 * The comparison of an aspirated residual with what the twin predicted just before the refill.
 *
 * @param normalizedInnovation (measured - predicted) in units of the innovation's standard deviation
 *                             (prediction and measurement noise together): the reservoir band scales it
 * @param posterior            the corrected estimate of the volume just before it was aspirated
 */
public record ResidualCheck(double predictedMl, double predictedStdDevMl, double measuredMl,
                            double normalizedInnovation, ReservoirEstimate posterior) {

    public double excessMl() {
        return measuredMl - predictedMl;
    }

    /** True when the measured residual lay inside the 95% band the twin carried. */
    public boolean withinBand(ReservoirModelParameters p) {
        return Math.abs(normalizedInnovation) <= p.bandZ();
    }
}
