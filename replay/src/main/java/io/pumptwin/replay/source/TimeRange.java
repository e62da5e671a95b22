package io.pumptwin.replay.source;

import java.time.Instant;

/**
 * An event-time range, from inclusive, to exclusive; either end may be open (null).
 */
public record TimeRange(Instant from, Instant to) {
  public TimeRange {
    if (from != null && to != null && !from.isBefore(to)) {
      throw new IllegalArgumentException("--from " + from + " must be before --to " + to);
    }
  }

  public static TimeRange all() {
    return new TimeRange(null, null);
  }

  public boolean contains(Instant t) {
    return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
  }

  @Override
  public String toString() {
    return "[" + (from == null ? "start" : from) + ", " + (to == null ? "end" : to) + ")";
  }
}
