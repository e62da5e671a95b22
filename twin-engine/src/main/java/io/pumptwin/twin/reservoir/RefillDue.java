package io.pumptwin.twin.reservoir;

import java.time.Instant;
import java.util.Objects;

/**
 * The latest safe refill date and which limit set it.
 */
public record RefillDue(Instant dueAt, Limit limit) {

    /** RESERVOIR: the one-sided 95% bound of the low-reservoir date less the clinic lead time; DRUG_STABILITY: the fill's shelf life. */
    public enum Limit { RESERVOIR, DRUG_STABILITY }

    public RefillDue {
        Objects.requireNonNull(dueAt);
        Objects.requireNonNull(limit);
    }
}
