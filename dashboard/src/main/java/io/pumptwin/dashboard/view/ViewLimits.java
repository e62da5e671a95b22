package io.pumptwin.dashboard.view;

import java.time.Duration;
import java.util.Objects;

/**
 * What bounds the dashboard's in-memory view: per pump, at most this many points and events are
 * kept, oldest dropped first. Memory is then about (pumps x (latest twin + these limits)), whatever
 * the length of the topics' history.
 *
 * @param reservoirPoints estimate-with-band points per pump (one per {@code reservoirSpacing} at
 *     most, plus one at each refill); 240 at 6 h spacing covers two months
 * @param reservoirSpacing successive twin states closer than this replace the last point rather
 *     than add one: a status report every few minutes would otherwise crowd out the history
 * @param timelineEvents refills, alarms, symptom reports, dose changes, catheter checks and alert
 *     transitions kept per pump, per kind
 * @param catheterPoints catheter-fault likelihood points per pump (one per change)
 * @param silentAfter a pump not heard from for this long (fleet time) shows as silent; 48 h is the
 *     twin engine's default ({@code TwinModelParameters}) so both say the same thing
 */
public record ViewLimits(int reservoirPoints, Duration reservoirSpacing, int timelineEvents,
    int catheterPoints, Duration silentAfter) {

  public ViewLimits {
    Objects.requireNonNull(reservoirSpacing, "reservoirSpacing");
    Objects.requireNonNull(silentAfter, "silentAfter");
    if (reservoirPoints < 2 || timelineEvents < 1 || catheterPoints < 1) {
      throw new IllegalArgumentException("view limits must be positive (reservoir points at least 2)");
    }
    if (reservoirSpacing.isNegative() || silentAfter.isNegative() || silentAfter.isZero()) {
      throw new IllegalArgumentException("reservoirSpacing must be >= 0 and silentAfter > 0");
    }
  }

  public static ViewLimits defaults() {
    return new ViewLimits(240, Duration.ofHours(6), 100, 60, Duration.ofHours(48));
  }
}
