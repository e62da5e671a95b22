package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happens to an alert nobody acknowledges: per severity, how long to wait before telling the
 * same people again, how many times, how far up the escalation chain to go, and how the reminders
 * thin out once the top of the chain has been told. Times are on the alert clock (event time), so
 * a replay escalates exactly as the original run did.
 */
public record EscalationPolicy(Map<Severity, Rule> rules) {

  /**
   * @param renotifyAfter how long an unacknowledged alert waits before the next notification below
   *     the top of the chain, and before the first reminder at the top; null means never (the
   *     alert is shown on dashboards but nobody is chased)
   * @param renotificationsBeforeEscalation re-notifications at one level before going one up
   * @param maxEscalationLevel highest level of the clinic's escalation chain to reach (0 = first line)
   * @param maxRenotifyInterval at the top of the chain the interval doubles after every reminder,
   *     up to this; equal to {@code renotifyAfter} for a fixed interval. Never null when
   *     {@code renotifyAfter} is set: an unacknowledged alert keeps reminding someone, but ever
   *     more rarely (see {@link #defaults()} for why).
   */
  public record Rule(Duration renotifyAfter, int renotificationsBeforeEscalation,
      int maxEscalationLevel, Duration maxRenotifyInterval) {
    /** Doubling stops here; 2^20 times any positive interval is far past any sensible cap. */
    private static final int MAX_DOUBLINGS = 20;

    public Rule {
      if (renotifyAfter != null && (renotifyAfter.isZero() || renotifyAfter.isNegative())) {
        throw new IllegalArgumentException("renotifyAfter must be positive, was " + renotifyAfter);
      }
      if (renotificationsBeforeEscalation < 0 || maxEscalationLevel < 0) {
        throw new IllegalArgumentException("counts must be >= 0");
      }
      if (renotifyAfter == null) {
        maxRenotifyInterval = null;
      } else if (maxRenotifyInterval == null) {
        maxRenotifyInterval = renotifyAfter;
      } else if (maxRenotifyInterval.compareTo(renotifyAfter) < 0) {
        throw new IllegalArgumentException("maxRenotifyInterval " + maxRenotifyInterval
            + " must not be shorter than renotifyAfter " + renotifyAfter);
      }
    }

    /** A fixed interval at every level, the top included. */
    public Rule(Duration renotifyAfter, int renotificationsBeforeEscalation, int maxEscalationLevel) {
      this(renotifyAfter, renotificationsBeforeEscalation, maxEscalationLevel, renotifyAfter);
    }

    public static Rule never() {
      return new Rule(null, 0, 0, null);
    }

    /**
     * How long after a notification at {@code level} the next one is due, given the
     * re-notifications already sent at that level (counting the one just sent). Below the top of
     * the chain: {@code renotifyAfter}. At the top: {@code renotifyAfter} doubled once per
     * reminder sent there, capped at {@code maxRenotifyInterval}. Null when nobody is chased.
     */
    public Duration intervalAfter(int level, int notificationsAtLevel) {
      if (renotifyAfter == null) {
        return null;
      }
      if (level < maxEscalationLevel) {
        return renotifyAfter;
      }
      Duration d = renotifyAfter;
      for (int i = 0; i < Math.min(notificationsAtLevel, MAX_DOUBLINGS)
          && d.compareTo(maxRenotifyInterval) < 0; i++) {
        d = d.multipliedBy(2);
      }
      return d.compareTo(maxRenotifyInterval) > 0 ? maxRenotifyInterval : d;
    }
  }

  public EscalationPolicy {
    Map<Severity, Rule> copy = new EnumMap<>(Severity.class);
    copy.putAll(rules);
    for (Severity s : Severity.values()) {
      copy.putIfAbsent(s, Rule.never());
    }
    rules = Map.copyOf(copy);
  }

  public Rule ruleFor(Severity severity) {
    return rules.get(Objects.requireNonNull(severity));
  }

  /**
   * Defaults: a CRITICAL alert (e.g. a stopped high-dose pump, where withdrawal can turn severe
   * within 24-72 h, DOMAIN.md) is re-sent after 15 minutes and climbs the chain every 30; HIGH
   * after 30 minutes, climbing hourly; MEDIUM is re-sent after 4 hours and escalates once; LOW and
   * INFO are shown but nobody is chased. Clinics override these in configuration.
   *
   * <p>Once the top of the chain has been told, reminders double in interval up to 4 h for
   * CRITICAL, 12 h for HIGH and 24 h for MEDIUM, and never stop. Why: by then every person the
   * clinic named has been paged several times; a fixed 15-30 min reminder for days (1,729
   * REFILL_URGENT re-notifications over 20 simulated days for 24 pumps) is the alarm flood that
   * teaches staff to mute and ignore alarms (The Joint Commission, Sentinel Event Alert 50,
   * "Medical device alarm safety in hospitals", 2013). But an unacknowledged CRITICAL alert must
   * still come back at least every 4 h, well inside the 24-72 h in which withdrawal from a stopped
   * pump becomes life-threatening; HIGH (e.g. a reservoir that may be empty) twice a day, at
   * handover of each shift; MEDIUM daily.
   */
  public static EscalationPolicy defaults() {
    Map<Severity, Rule> r = new EnumMap<>(Severity.class);
    r.put(Severity.CRITICAL, new Rule(Duration.ofMinutes(15), 1, 3, Duration.ofHours(4)));
    r.put(Severity.HIGH, new Rule(Duration.ofMinutes(30), 1, 2, Duration.ofHours(12)));
    r.put(Severity.MEDIUM, new Rule(Duration.ofHours(4), 1, 1, Duration.ofHours(24)));
    return new EscalationPolicy(r);
  }
}
