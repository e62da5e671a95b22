package io.pumptwin.twin.battery;

import java.time.Instant;

/**
 * Projected ERI and end-of-service dates and what they rest on.
 *
 * @param eriAt                null when ERI has been reached and the date is in {@link BatteryState}
 * @param percentPerDay        the depletion rate used, at the current flow
 */
public record BatteryProjection(Instant eriAt, Instant endOfServiceAt, Basis basis, double percentPerDay) {

    /**
     * REPORTED_ERI: the pump raised ERI, EOS follows by labeling; FITTED_HISTORY: the reported levels;
     * NOMINAL_MODEL: the nominal life at the current flow, before enough history exists;
     * END_OF_SERVICE: the battery is depleted.
     */
    public enum Basis { END_OF_SERVICE, REPORTED_ERI, FITTED_HISTORY, NOMINAL_MODEL }
}
