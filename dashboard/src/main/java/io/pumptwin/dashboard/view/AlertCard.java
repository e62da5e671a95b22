package io.pumptwin.dashboard.view;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** An alert as the live feed shows it: its latest lifecycle state with the evidence behind it. */
public record AlertCard(String alertId, String pumpSerial, String patientPseudonym, String clinicId,
    String alertType, String transition, String status, String severity, String riskLevel,
    Instant eventTime, Instant openedAt, int escalationLevel, String actor, String reason,
    String headline, Instant dueAt, List<EvidenceItem> evidence, Map<String, Double> twinValues) {

  public AlertCard {
    evidence = List.copyOf(evidence);
    twinValues = Map.copyOf(twinValues);
  }

  static AlertCard of(AlertEvent e) {
    return new AlertCard(e.getAlertId(), e.getPumpSerial(), e.getPatientPseudonym(),
        e.getClinicId(), e.getAlertType().name(), e.getTransition().name(), e.getStatus().name(),
        e.getSeverity().name(), e.getRiskLevel().name(), e.getEventTime(), e.getOpenedAt(),
        e.getEscalationLevel(), e.getActor(), e.getReason(), e.getHeadline(), e.getDueAt(),
        EvidenceItem.all(e.getEvidence()), new TreeMap<>(e.getTwinValues()));
  }

  public boolean resolved() {
    return AlertStatus.RESOLVED.name().equals(status);
  }

  /** Open or escalated: nobody has taken it yet. */
  public boolean needsAction() {
    return AlertStatus.OPEN.name().equals(status) || AlertStatus.ESCALATED.name().equals(status);
  }
}
