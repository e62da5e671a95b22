package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.InfusionMode;

import java.time.Instant;

/**
 * What the pump is programmed to do and what is in it.
 *
 * @param programmedConcentrationMcgPerMl the concentration the pump computes volumes with
 * @param filledConcentrationMcgPerMl     the concentration of the drug in the reservoir; differs from the
 *                                        programmed one after a programming error
 * @param concentrationsSetAt             when the two concentrations were last set
 * @param concentrationsEventId           the telemetry event that set them
 */
public record Prescription(double doseMcgPerDay, double programmedConcentrationMcgPerMl,
                           double filledConcentrationMcgPerMl, InfusionMode infusionMode, int capacityMl,
                           double lowReservoirAlarmMl, Instant concentrationsSetAt, String concentrationsEventId) {

    /** Daily volume = dose / concentration (DOMAIN.md): 500 mcg/day at 2000 mcg/mL is 0.25 mL/day. */
    public double programmedDailyVolumeMl() {
        return programmedConcentrationMcgPerMl > 0 ? doseMcgPerDay / programmedConcentrationMcgPerMl : 0;
    }

    /** Filled / programmed: above 1 the patient gets more drug than prescribed, below 1 less. */
    public double filledToProgrammed() {
        return programmedConcentrationMcgPerMl > 0 ? filledConcentrationMcgPerMl / programmedConcentrationMcgPerMl : 1;
    }
}
