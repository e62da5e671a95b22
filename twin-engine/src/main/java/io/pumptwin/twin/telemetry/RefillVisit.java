package io.pumptwin.twin.telemetry;

/**
 * A refill visit. The aspirated residual is the only ground truth about the reservoir (DOMAIN.md).
 *
 * @param concentrationMcgPerMl          concentration of the drug filled
 * @param programmedConcentrationMcgPerMl concentration programmed into the pump when it differs from
 *                                        the drug filled (a programming error); null when they agree
 * @param pocketFillSuspected            the clinician suspects drug went into the pocket
 */
public record RefillVisit(
        double expectedResidualMl,
        double measuredResidualMl,
        double filledVolumeMl,
        int reservoirCapacityMl,
        double concentrationMcgPerMl,
        double doseMcgPerDay,
        double lowReservoirAlarmMl,
        Double programmedConcentrationMcgPerMl,
        boolean pocketFillSuspected) implements TelemetryFact {

    /** The concentration the pump computes its delivery with. */
    public double concentrationProgrammedMcgPerMl() {
        return programmedConcentrationMcgPerMl == null ? concentrationMcgPerMl : programmedConcentrationMcgPerMl;
    }

    public static RefillVisit routine(double expectedResidualMl, double measuredResidualMl, double filledVolumeMl,
                                      int capacityMl, double concentration, double dose) {
        return new RefillVisit(expectedResidualMl, measuredResidualMl, filledVolumeMl, capacityMl, concentration,
                dose, 2.0, null, false);
    }
}
