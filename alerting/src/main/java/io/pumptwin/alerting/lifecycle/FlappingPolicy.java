package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.Severity;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * When an alert that re-opens soon after it was resolved is shown but not paged. The twin can
 * flap around a threshold (a battery voltage hovering at the ERI level raises and clears
 * BATTERY_ERI over and over); each new alert would page the same people about a condition they
 * were told about hours ago, and an alarm that repeats for nothing is how alarms come to be
 * ignored (The Joint Commission, Sentinel Event Alert 50, 2013). Hysteresis belongs in the twin;
 * this is the alerting side's guard.
 *
 * <p>The re-opened alert is published (dashboards show it) and keeps its normal escalation
 * deadlines, so if nobody acknowledges it, it is re-notified on schedule: holding back the
 * opening page delays a page by at most one re-notification interval. A CRITICAL alert, or one
 * more severe than the alert that was resolved, is always paged.
 *
 * @param window a re-raise less than this after the previous alert of the same pump and type was
 *     resolved is not paged; zero turns the guard off
 * @param highestHeldBack most severe alert whose opening page may be held back; never CRITICAL
 */
public record FlappingPolicy(Duration window, Severity highestHeldBack) {
  /**
   * Start of the reason of an OPENED transition whose page is held back. The notifier reads it
   * (the AlertEvent schema has no field for it) and records a SUPPRESSED notification instead.
   */
  public static final String NOT_PAGED = "not paged: ";

  public FlappingPolicy {
    Objects.requireNonNull(window, "window");
    Objects.requireNonNull(highestHeldBack, "highestHeldBack");
    if (window.isNegative()) {
      throw new IllegalArgumentException("window must not be negative, was " + window);
    }
    if (highestHeldBack == Severity.CRITICAL) {
      throw new IllegalArgumentException("a CRITICAL alert is always paged");
    }
  }

  /**
   * Six hours: longer than the flapping of a value hovering at a threshold between status reports
   * (hourly or more often), short enough that a condition that truly comes back the next day is
   * paged as new. Up to HIGH: a re-raised HIGH alert is still re-notified 30 minutes later if
   * nobody acknowledges it (EscalationPolicy defaults).
   */
  public static FlappingPolicy defaults() {
    return new FlappingPolicy(Duration.ofHours(6), Severity.HIGH);
  }

  public static FlappingPolicy off() {
    return new FlappingPolicy(Duration.ZERO, Severity.INFO);
  }

  public boolean enabled() {
    return !window.isZero();
  }

  /** Whether an alert of {@code severity} opening at {@code openedAt} is a flap of {@code previous}. */
  public boolean holdsBack(RecentResolution previous, Severity severity, Instant openedAt) {
    return enabled() && previous != null
        && severity.compareTo(highestHeldBack) <= 0
        && severity.compareTo(previous.severity()) <= 0
        && !openedAt.isBefore(previous.resolvedAt())
        && openedAt.isBefore(previous.resolvedAt().plus(window));
  }

  /** Whether an AlertEvent reason says its opening page was held back. */
  public static boolean heldBack(String reason) {
    return reason != null && reason.startsWith(NOT_PAGED);
  }
}
