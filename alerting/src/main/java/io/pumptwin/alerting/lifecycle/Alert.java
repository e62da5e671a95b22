package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One open alert of one pump and alert type: what the lifecycle remembers between inputs. A
 * resolved alert is not kept; the next crossing of the same type opens a new one with a new id.
 *
 * @param alertId deterministic (pump, type, opening time), so a replay gives the same ids
 * @param nextActionAt when the lifecycle must act if nothing else happens: re-notify or escalate an
 *     unacknowledged alert, or end a silence; null when nothing is pending (acknowledged, or a
 *     severity that never escalates)
 * @param notificationsAtLevel re-notifications already sent at the current escalation level
 * @param silencedUntil end of the current silence, null when not silenced
 */
public record Alert(String alertId, String pumpSerial, String patientPseudonym, String clinicId,
    AlertType alertType, AlertStatus status, Severity severity, RiskLevel riskLevel,
    Instant openedAt, Instant lastChangedAt, int escalationLevel, int notificationsAtLevel,
    Instant nextActionAt, Instant silencedUntil, String headline, Instant dueAt,
    double doseMcgPerDay, List<EvidenceItem> evidence, Map<String, Double> twinValues) {

  public Alert {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(severity, "severity");
    evidence = List.copyOf(evidence);
    twinValues = Map.copyOf(twinValues);
  }

  public static String idFor(String pumpSerial, AlertType type, Instant openedAt) {
    return pumpSerial + ":" + type + ":" + openedAt.toEpochMilli();
  }

  /** An unacknowledged alert that is not silenced: someone must still be told. */
  public boolean awaitingAcknowledgement() {
    return status == AlertStatus.OPEN || status == AlertStatus.ESCALATED;
  }

  Alert with(AlertStatus newStatus, Instant at) {
    return new Alert(alertId, pumpSerial, patientPseudonym, clinicId, alertType, newStatus,
        severity, riskLevel, openedAt, at, escalationLevel, notificationsAtLevel, nextActionAt,
        silencedUntil, headline, dueAt, doseMcgPerDay, evidence, twinValues);
  }

  Alert withSchedule(int level, int notifications, Instant next, Instant silence) {
    return new Alert(alertId, pumpSerial, patientPseudonym, clinicId, alertType, status, severity,
        riskLevel, openedAt, lastChangedAt, level, notifications, next, silence, headline, dueAt,
        doseMcgPerDay, evidence, twinValues);
  }

  Alert withFindings(Severity newSeverity, TwinSignal s) {
    return new Alert(alertId, pumpSerial, s.patientPseudonym(), s.clinicId(), alertType, status,
        newSeverity, s.level(), openedAt, s.eventTime(), escalationLevel, notificationsAtLevel,
        nextActionAt, silencedUntil, s.headline(), s.dueAt(), s.doseMcgPerDay(), s.evidence(),
        s.twinValues());
  }
}
