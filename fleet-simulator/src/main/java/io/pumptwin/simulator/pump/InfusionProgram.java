package io.pumptwin.simulator.pump;

import io.pumptwin.events.InfusionMode;

/**
 * What the pump is programmed to deliver. The pump turns this into a volume per interval; the daily
 * volume is dose / programmed concentration (DOMAIN.md: 500 mcg/day at 2000 mcg/mL = 0.25 mL/day).
 * Time of day is taken in UTC: a simulated patient's clock is not modelled.
 */
public record InfusionProgram(InfusionMode mode, double doseMcgPerDay, double concentrationMcgPerMl,
                              double minimumRateMlPerDay) {

    private static final long HOUR_MS = 3_600_000L;
    private static final long DAY_MS = 24 * HOUR_MS;

    /** Flexible dosing: more at night when spasms disturb sleep, less in the active day; mean exactly 1. */
    private static final double[] FLEXIBLE = {
            1.25, 1.25, 1.25, 1.25, 1.25, 1.25, 1.0, 1.0, 1.0, 0.75, 0.75, 0.75,
            0.75, 0.75, 0.75, 0.75, 0.75, 1.0, 1.0, 1.0, 1.0, 1.0, 1.25, 1.25};

    /** Periodic bolus: half the dose continuous, half as four one-hour boluses at 00, 06, 12 and 18 h. */
    private static final double[] PERIODIC_BOLUS = {
            3.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3.5, 0.5, 0.5, 0.5, 0.5, 0.5,
            3.5, 0.5, 0.5, 0.5, 0.5, 0.5, 3.5, 0.5, 0.5, 0.5, 0.5, 0.5};

    public InfusionProgram {
        if (doseMcgPerDay < 0 || concentrationMcgPerMl <= 0) {
            throw new IllegalArgumentException("dose must be >= 0 and concentration > 0: dose=" + doseMcgPerDay
                    + " concentration=" + concentrationMcgPerMl);
        }
    }

    public double dailyVolumeMl() {
        return mode == InfusionMode.MINIMUM_RATE ? minimumRateMlPerDay : doseMcgPerDay / concentrationMcgPerMl;
    }

    /** The dose the pump reports: after a reset it is whatever the minimal rate amounts to. */
    public double reportedDoseMcgPerDay() {
        return mode == InfusionMode.MINIMUM_RATE ? minimumRateMlPerDay * concentrationMcgPerMl : doseMcgPerDay;
    }

    /** Programmed volume over [fromMs, toMs), integrating the time-of-day profile exactly. */
    public double volumeMl(long fromMs, long toMs) {
        double daily = dailyVolumeMl();
        double[] profile = switch (mode) {
            case FLEXIBLE -> FLEXIBLE;
            case PERIODIC_BOLUS -> PERIODIC_BOLUS;
            default -> null;
        };
        if (profile == null) {
            return daily * (toMs - fromMs) / DAY_MS;
        }
        double weightedHours = 0;
        long t = fromMs;
        while (t < toMs) {
            long hourEnd = Math.min(toMs, (Math.floorDiv(t, HOUR_MS) + 1) * HOUR_MS);
            int hourOfDay = (int) Math.floorMod(Math.floorDiv(t, HOUR_MS), 24L);
            weightedHours += profile[hourOfDay] * (hourEnd - t) / (double) HOUR_MS;
            t = hourEnd;
        }
        return daily * weightedHours / 24.0;
    }

    public InfusionProgram withDose(double newDoseMcgPerDay) {
        return new InfusionProgram(mode, newDoseMcgPerDay, concentrationMcgPerMl, minimumRateMlPerDay);
    }

    public InfusionProgram withConcentration(double newConcentration) {
        return new InfusionProgram(mode, doseMcgPerDay, newConcentration, minimumRateMlPerDay);
    }

    /** After a low-battery or memory reset the pump falls back to the minimal rate (DOMAIN.md). */
    public InfusionProgram afterReset() {
        return new InfusionProgram(InfusionMode.MINIMUM_RATE, doseMcgPerDay, concentrationMcgPerMl, minimumRateMlPerDay);
    }

    public InfusionProgram withMode(InfusionMode newMode) {
        return new InfusionProgram(newMode, doseMcgPerDay, concentrationMcgPerMl, minimumRateMlPerDay);
    }
}
