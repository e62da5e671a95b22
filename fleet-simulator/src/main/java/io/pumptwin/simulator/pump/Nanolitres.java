package io.pumptwin.simulator.pump;

/**
 * Volumes are held as whole nanolitres so that the mass balance is exact integer arithmetic rather
 * than a floating-point approximation (1 nL resolves the minimal rate of 0.006 mL/day many times over).
 */
public final class Nanolitres {
    public static final long PER_ML = 1_000_000L;

    private Nanolitres() {
    }

    public static long fromMl(double ml) {
        return Math.round(ml * PER_ML);
    }

    public static double toMl(long nanolitres) {
        return nanolitres / (double) PER_ML;
    }
}
