package io.pumptwin.simulator.pump;

/**
 * Where every nanolitre of drug put into a pump has gone: still in the reservoir, aspirated at a refill,
 * or pumped out (and then either reaching the spinal fluid or lost on the way); drug injected into the
 * pocket never enters the reservoir. All movements go through the methods below, which keep
 * {@code filled == inReservoir + aspirated + pumpedOut} and {@code pumpedOut == reachedCsf + leaked} by
 * construction and never let a volume go negative.
 */
public final class ReservoirLedger {
    private long filled;
    private long inReservoir;
    private long aspirated;
    private long pumpedOut;
    private long reachedCsf;
    private long leaked;
    private long pocketed;

    /** Drug put into the reservoir by a clinician; capped by the caller at capacity. */
    public void fill(long nanolitres) {
        requireNonNegative(nanolitres);
        filled += nanolitres;
        inReservoir += nanolitres;
    }

    /** Drug injected into the subcutaneous pocket by mistake: it never enters the reservoir. */
    public void pocket(long nanolitres) {
        requireNonNegative(nanolitres);
        pocketed += nanolitres;
    }

    /** Empties the reservoir at a refill visit; returns the true residual. */
    public long aspirateAll() {
        long residual = inReservoir;
        aspirated += residual;
        inReservoir = 0;
        return residual;
    }

    /**
     * Moves up to {@code requested} out of the reservoir; {@code lostFraction} of it never reaches the
     * spinal fluid. Returns the volume that reached the spinal fluid.
     */
    public long pumpOut(long requested, double lostFraction) {
        requireNonNegative(requested);
        long out = Math.min(requested, inReservoir);
        long lost = Math.round(out * lostFraction);
        inReservoir -= out;
        pumpedOut += out;
        leaked += lost;
        reachedCsf += out - lost;
        return out - lost;
    }

    public boolean balances() {
        return filled == inReservoir + aspirated + pumpedOut
                && pumpedOut == reachedCsf + leaked
                && inReservoir >= 0 && aspirated >= 0 && pumpedOut >= 0 && reachedCsf >= 0 && leaked >= 0
                && pocketed >= 0;
    }

    private static void requireNonNegative(long nanolitres) {
        if (nanolitres < 0) {
            throw new IllegalArgumentException("negative volume: " + nanolitres + " nL");
        }
    }

    public long filled() {
        return filled;
    }

    public long inReservoir() {
        return inReservoir;
    }

    public long aspirated() {
        return aspirated;
    }

    public long pumpedOut() {
        return pumpedOut;
    }

    public long reachedCsf() {
        return reachedCsf;
    }

    public long leaked() {
        return leaked;
    }

    public long pocketed() {
        return pocketed;
    }

    public ReservoirSnapshot snapshot() {
        return new ReservoirSnapshot(filled, inReservoir, aspirated, pumpedOut, reachedCsf, leaked, pocketed);
    }

    /** An immutable copy for tests and ground truth. */
    public record ReservoirSnapshot(long filled, long inReservoir, long aspirated, long pumpedOut, long reachedCsf,
                                    long leaked, long pocketed) {
    }
}
