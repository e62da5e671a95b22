package io.pumptwin.twin.reservoir;

import java.time.Instant;
import java.util.Objects;

/** A projected date with its 95% band: earliest <= expected <= latest. */
public record DateBand(Instant earliest, Instant expected, Instant latest) {

    public DateBand {
        Objects.requireNonNull(earliest);
        Objects.requireNonNull(expected);
        Objects.requireNonNull(latest);
        if (earliest.isAfter(expected) || expected.isAfter(latest)) {
            throw new IllegalArgumentException("band out of order: " + earliest + " " + expected + " " + latest);
        }
    }

    public boolean contains(Instant t) {
        return !t.isBefore(earliest) && !t.isAfter(latest);
    }
}
