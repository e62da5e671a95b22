package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.Severity;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;

/**
 * What happens to an alert nobody acknowledges: per severity, how long to wait before telling the
 * same people again, how many times, and how far up the escalation chain to go. Times are on
 * event time (stream time), so a replay escalates exactly as the original run did.
 */
public record EscalationPolicy(Map<Severity, Rule> rules) {

  /**
   * @param renotifyAfter how long an unacknowledged alert waits before the next notification;
   *     null means never (the alert is shown on dashboards but nobody is chased)
   * @param renotificationsBeforeEscalation re-notifications at one level before going one up
   * @param maxEscalationLevel highest level of the clinic's escalation chain to reach (0 = first line)
   */
  public record Rule(Duration renotifyAfter, int renotificationsBeforeEscalation,
      int maxEscalationLevel) {
    public Rule {
      if (renotifyAfter != null && (renotifyAfter.isZero() || renotifyAfter.isNegative())) {
        throw new IllegalArgumentException("renotifyAfter must be positive, was " + renotifyAfter);
      }
      if (renotificationsBeforeEscalation < 0 || maxEscalationLevel < 0) {
        throw new IllegalArgumentException("counts must be >= 0");
      }
    }

    public static Rule never() {
      return new Rule(null, 0, 0);
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
   * within 24-72 h) is re-sent after 15 minutes and climbs the chain every 30; HIGH after 30
   * minutes, climbing hourly; MEDIUM is re-sent after 4 hours and escalates once; LOW and INFO are
   * shown but nobody is chased. Clinics override these in configuration.
   */
  public static EscalationPolicy defaults() {
    Map<Severity, Rule> r = new EnumMap<>(Severity.class);
    r.put(Severity.CRITICAL, new Rule(Duration.ofMinutes(15), 1, 3));
    r.put(Severity.HIGH, new Rule(Duration.ofMinutes(30), 1, 2));
    r.put(Severity.MEDIUM, new Rule(Duration.ofHours(4), 1, 1));
    return new EscalationPolicy(r);
  }
}
