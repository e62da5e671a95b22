package io.pumptwin.simulator.output;

import java.util.UUID;

/**
 * Event ids derived from the seed, the pump and its sequence number, so that the same run produces the
 * same ids (and the gateway's de-duplication sees a re-sent run as duplicates, as it should).
 */
public final class EventIds {
    private EventIds() {
    }

    public static UUID of(long seed, long pumpIndex, long sequence) {
        long msb = mix(seed ^ mix(pumpIndex + 0x632BE59BD9B4E019L));
        long lsb = mix(sequence ^ mix(seed + pumpIndex * 0x9E3779B97F4A7C15L));
        // Version 4 layout so any UUID parser accepts it; the id is deterministic, not random.
        msb = (msb & 0xFFFFFFFFFFFF0FFFL) | 0x0000000000004000L;
        lsb = (lsb & 0x3FFFFFFFFFFFFFFFL) | 0x8000000000000000L;
        return new UUID(msb, lsb);
    }

    /** SplitMix64's finaliser: a bijection on 64-bit values with good avalanche. */
    public static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}
