package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEventTransition;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The life of one alert per (pump, alert type): open, escalated when nobody acknowledges, then
 * acknowledged, silenced for planned work, and resolved when the twin says the risk is gone or a
 * person closes it. Pure: the same inputs in the same order give the same alerts, with no clock
 * inside; time arrives as the event time of twin signals and as the alert clock (stream time, or
 * stream time carried on by real time on a quiet partition) in {@link #onTime} and
 * {@link #onCommand}.
 */
public final class AlertLifecycle {
  /** Bounds the work of one call for an alert whose deadlines were missed over a long gap. */
  public static final int MAX_DEADLINES_PER_SWEEP = 10_000;

  private final SeverityPolicy severityPolicy;
  private final EscalationPolicy escalationPolicy;
  private final FlappingPolicy flapping;

  public AlertLifecycle(SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy) {
    this(severityPolicy, escalationPolicy, FlappingPolicy.off());
  }

  public AlertLifecycle(SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy,
      FlappingPolicy flapping) {
    this.severityPolicy = Objects.requireNonNull(severityPolicy);
    this.escalationPolicy = Objects.requireNonNull(escalationPolicy);
    this.flapping = Objects.requireNonNull(flapping);
  }

  /** A crossing from the twin: opens, updates or resolves; a repeat of what is known is ignored. */
  public Step onSignal(Alert current, TwinSignal s) {
    return onSignal(current, s, null);
  }

  /**
   * As {@link #onSignal(Alert, TwinSignal)}, knowing the last resolved alert of the same pump and
   * type (null if none): an alert that opens again soon after it was resolved is published with a
   * reason saying its page is held back ({@link FlappingPolicy}).
   */
  public Step onSignal(Alert current, TwinSignal s, RecentResolution previous) {
    Instant t = s.eventTime();
    if (s.change() == TwinEventTransition.CLEARED || s.level() == RiskLevel.NONE) {
      if (current == null) {
        return Step.unchanged(null);
      }
      Alert resolved = current.with(AlertStatus.RESOLVED, t)
          .withSchedule(current.escalationLevel(), current.notificationsAtLevel(), null, null);
      return new Step(null, List.of(new AlertChange(AlertTransition.RESOLVED, resolved, t, null,
          "twin cleared the condition: " + s.headline(), s.eventId())), null);
    }
    Severity severity = severityPolicy.severityOf(s.alertType(), s.level(), s.doseMcgPerDay());
    if (current == null) {
      Alert opened = new Alert(Alert.idFor(s.pumpSerial(), s.alertType(), t), s.pumpSerial(),
          s.patientPseudonym(), s.clinicId(), s.alertType(), AlertStatus.OPEN, severity, s.level(),
          t, t, 0, 0, deadline(severity, t), null, s.headline(), s.dueAt(), s.doseMcgPerDay(),
          s.evidence(), s.twinValues());
      String reason = null;
      if (flapping.holdsBack(previous, severity, t)) {
        reason = FlappingPolicy.NOT_PAGED + "re-raised "
            + Duration.between(previous.resolvedAt(), t).toMinutes() + " min after alert "
            + previous.alertId() + " was resolved (within " + flapping.window().toHours()
            + " h); re-notified on schedule if nobody acknowledges";
      }
      return one(opened, AlertTransition.OPENED, t, null, reason, s.eventId());
    }
    // Deduplication: the twin repeats itself (a replay, a re-delivered record, an UPDATED that
    // changes nothing we show); people must hear about an alert once, not once per record.
    if (current.riskLevel() == s.level() && current.severity() == severity
        && Objects.equals(current.dueAt(), s.dueAt())) {
      return Step.unchanged(current);
    }
    Alert updated = current.withFindings(severity, s);
    String reason;
    if (severity.compareTo(current.severity()) > 0) {
      reason = "severity raised from " + current.severity() + " to " + severity;
      AlertStatus reopened = current.escalationLevel() > 0 ? AlertStatus.ESCALATED : AlertStatus.OPEN;
      if (current.status() == AlertStatus.ACKNOWLEDGED) {
        // An acknowledgement covered the lesser risk the person saw, not this one.
        updated = updated.with(reopened, t)
            .withSchedule(current.escalationLevel(), 0, deadline(severity, t), null);
        reason += "; acknowledgement was for a lesser risk, alert reopened";
      } else if (current.status() == AlertStatus.SILENCED && severity == Severity.CRITICAL) {
        // Planned work does not hold back a pump that stopped delivering at a high dose.
        updated = updated.with(reopened, t)
            .withSchedule(current.escalationLevel(), 0, deadline(severity, t), null);
        reason += "; a CRITICAL alert breaks the silence";
      } else if (current.awaitingAcknowledgement()) {
        updated = updated.withSchedule(current.escalationLevel(), 0,
            earlier(current.nextActionAt(), deadline(severity, t)), null);
      }
    } else if (current.riskLevel() != s.level() || current.severity() != severity) {
      reason = "risk " + current.riskLevel() + " -> " + s.level() + ", severity " + severity;
    } else {
      reason = "due date moved";
    }
    return one(updated, AlertTransition.UPDATED, t, null, reason, s.eventId());
  }

  /**
   * A person's command, applied when the alert clock reads {@code now}; refused (with a reason)
   * when it does not apply or is not allowed. The transition is stamped with {@code now} (never
   * before the alert's last change), not with the command's issue time: that is another clock
   * (the API host's wall clock), and stamping with it would put an acknowledgement in the future
   * of a replay or a simulation, or before the deadlines it stopped. The issue time is kept in
   * {@code causedBy} for audit.
   */
  public Step onCommand(Alert current, StaffCommand c, Instant now) {
    if (current == null) {
      return Step.rejected(null, "no open " + c.alertType() + " alert for pump " + c.pumpSerial());
    }
    if (c.role() == StaffRole.VIEWER) {
      return Step.rejected(current, "role VIEWER may not " + c.action());
    }
    if (c.clinicId() != null && !c.clinicId().equals(current.clinicId())) {
      return Step.rejected(current, "user acts for clinic " + c.clinicId()
          + " but the pump belongs to clinic " + current.clinicId());
    }
    Instant t = now.isBefore(current.lastChangedAt()) ? current.lastChangedAt() : now;
    String causedBy = c.commandId() + " issuedAt=" + c.issuedAt();
    int level = current.escalationLevel();
    return switch (c.action()) {
      case ACKNOWLEDGE -> current.status() == AlertStatus.ACKNOWLEDGED
          ? Step.unchanged(current)
          : one(current.with(AlertStatus.ACKNOWLEDGED, t)
              .withSchedule(level, current.notificationsAtLevel(), null, null),
              AlertTransition.ACKNOWLEDGED, t, c.userId(), c.reason(), causedBy);
      case SILENCE -> {
        if (c.silenceUntil() == null || !c.silenceUntil().isAfter(t)) {
          yield Step.rejected(current, "SILENCE needs silenceUntil after the command time");
        }
        if (current.status() == AlertStatus.SILENCED
            && c.silenceUntil().equals(current.silencedUntil())) {
          yield Step.unchanged(current);
        }
        yield one(current.with(AlertStatus.SILENCED, t)
            .withSchedule(level, current.notificationsAtLevel(), c.silenceUntil(), c.silenceUntil()),
            AlertTransition.SILENCED, t, c.userId(), c.reason(), causedBy);
      }
      case UNSILENCE -> current.status() != AlertStatus.SILENCED
          ? Step.unchanged(current)
          : one(current.with(reopenedStatus(current), t)
              .withSchedule(level, 0, deadline(current.severity(), t), null),
              AlertTransition.UPDATED, t, c.userId(),
              c.reason() == null ? "silence lifted" : "silence lifted: " + c.reason(), causedBy);
      case RESOLVE -> new Step(null, List.of(new AlertChange(AlertTransition.RESOLVED,
          current.with(AlertStatus.RESOLVED, t).withSchedule(level, current.notificationsAtLevel(),
              null, null), t, c.userId(), c.reason(), causedBy)), null);
    };
  }

  /**
   * The alert clock has reached {@code now}: every deadline of the alert up to {@code now} is met,
   * one after the other ({@link #onDeadline}), each published as its own transition stamped with
   * the deadline it met. Why not one transition for deadlines missed together: which deadlines are
   * "missed together" depends on when the clock is read (how many records a stream thread took in
   * one poll, when a punctuation fired), and then a replay of the same input could not reproduce
   * the alerts production published. Met one by one, the same input gives the same transitions
   * however often the clock is read. The flood this could cause is bounded by the policy: at the
   * top of the chain reminders thin out ({@link EscalationPolicy}), and at most
   * {@link #MAX_DEADLINES_PER_SWEEP} deadlines are met per call.
   */
  public Step onTime(Alert current, Instant now) {
    if (current == null) {
      return Step.unchanged(null);
    }
    Alert a = current;
    List<AlertChange> changes = new ArrayList<>();
    for (int i = 0; i < MAX_DEADLINES_PER_SWEEP && a.nextActionAt() != null
        && !a.nextActionAt().isAfter(now); i++) {
      Step met = onDeadline(a);
      changes.addAll(met.changes());
      a = met.alert();
    }
    return new Step(a, changes, null);
  }

  /**
   * The alert's next deadline ({@link Alert#nextActionAt()}) is met: the end of a silence, a
   * re-notification or an escalation of an alert nobody acknowledged, as one transition stamped
   * with the deadline (never with the time it was noticed). A deadline that no longer calls for
   * action (the alert was acknowledged, or its severity is not chased) only clears the schedule.
   * The caller decides when: the alert clock passed it, or an input for the pump comes later.
   */
  public Step onDeadline(Alert current) {
    if (current == null || current.nextActionAt() == null) {
      return Step.unchanged(current);
    }
    Alert a = current;
    Instant due = a.nextActionAt();
    if (a.status() == AlertStatus.SILENCED) {
      a = a.with(reopenedStatus(a), due)
          .withSchedule(a.escalationLevel(), 0, deadline(a.severity(), due), null);
      return one(a, AlertTransition.RENOTIFIED, due, null,
          "silence for planned work ended; alert still open", null);
    }
    if (!a.awaitingAcknowledgement()) {
      return Step.unchanged(
          a.withSchedule(a.escalationLevel(), a.notificationsAtLevel(), null, a.silencedUntil()));
    }
    EscalationPolicy.Rule rule = escalationPolicy.ruleFor(a.severity());
    if (rule.renotifyAfter() == null) {
      return Step.unchanged(
          a.withSchedule(a.escalationLevel(), a.notificationsAtLevel(), null, null));
    }
    if (a.notificationsAtLevel() >= rule.renotificationsBeforeEscalation()
        && a.escalationLevel() < rule.maxEscalationLevel()) {
      int level = a.escalationLevel() + 1;
      a = a.with(AlertStatus.ESCALATED, due)
          .withSchedule(level, 0, due.plus(rule.intervalAfter(level, 0)), null);
      return one(a, AlertTransition.ESCALATED, due, null,
          "not acknowledged; escalated to level " + level, null);
    }
    int sent = a.notificationsAtLevel() + 1;
    a = a.with(a.status(), due).withSchedule(a.escalationLevel(), sent,
        due.plus(rule.intervalAfter(a.escalationLevel(), sent)), null);
    return one(a, AlertTransition.RENOTIFIED, due, null,
        "not acknowledged; notified again at level " + a.escalationLevel(), null);
  }

  private static AlertStatus reopenedStatus(Alert a) {
    return a.escalationLevel() > 0 ? AlertStatus.ESCALATED : AlertStatus.OPEN;
  }

  private Instant deadline(Severity severity, Instant from) {
    EscalationPolicy.Rule rule = escalationPolicy.ruleFor(severity);
    return rule.renotifyAfter() == null ? null : from.plus(rule.renotifyAfter());
  }

  private static Instant earlier(Instant a, Instant b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return a.isBefore(b) ? a : b;
  }

  private static Step one(Alert alert, AlertTransition transition, Instant t, String actor,
      String reason, String causedBy) {
    return new Step(alert, List.of(new AlertChange(transition, alert, t, actor, reason, causedBy)),
        null);
  }
}
