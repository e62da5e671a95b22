package io.pumptwin.alerting.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.Evidence;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * What a person is told about an alert, for every channel: the headline, the evidence and the twin
 * values behind it, so a nurse can act without opening another system. Serial and pseudonym only.
 */
public final class AlertMessage {
  private AlertMessage() {}

  public static ObjectNode json(ObjectMapper mapper, AlertEvent a) {
    ObjectNode n = mapper.createObjectNode();
    n.put("alertId", a.getAlertId());
    n.put("pumpSerial", a.getPumpSerial());
    n.put("patientPseudonym", a.getPatientPseudonym());
    n.put("clinicId", a.getClinicId());
    n.put("alertType", a.getAlertType().toString());
    n.put("transition", a.getTransition().toString());
    n.put("status", a.getStatus().toString());
    n.put("severity", a.getSeverity().toString());
    n.put("riskLevel", a.getRiskLevel().toString());
    n.put("escalationLevel", a.getEscalationLevel());
    n.put("headline", a.getHeadline());
    n.put("eventTime", a.getEventTime().toString());
    n.put("openedAt", a.getOpenedAt().toString());
    n.put("dueAt", a.getDueAt() == null ? null : a.getDueAt().toString());
    n.put("actor", a.getActor());
    n.put("reason", a.getReason());
    ArrayNode evidence = n.putArray("evidence");
    for (Evidence e : a.getEvidence()) {
      ObjectNode en = evidence.addObject();
      en.put("kind", e.getKind());
      en.put("observedAt", e.getObservedAt().toString());
      en.put("detail", e.getDetail());
      en.put("weight", e.getWeight());
    }
    ObjectNode values = n.putObject("twinValues");
    new TreeMap<>(a.getTwinValues()).forEach(values::put);
    return n;
  }

  public static String subject(AlertEvent a) {
    return "[" + a.getSeverity() + "] " + a.getAlertType() + " pump " + a.getPumpSerial() + " ("
        + a.getTransition() + (a.getEscalationLevel() > 0 ? ", escalation " + a.getEscalationLevel() : "")
        + ")";
  }

  public static String text(AlertEvent a) {
    StringBuilder b = new StringBuilder();
    b.append(a.getHeadline()).append("\n\n");
    b.append("Pump ").append(a.getPumpSerial()).append(", patient ").append(a.getPatientPseudonym())
        .append(", clinic ").append(a.getClinicId()).append('\n');
    b.append("Severity ").append(a.getSeverity()).append(", risk ").append(a.getRiskLevel())
        .append(", status ").append(a.getStatus()).append(" since ").append(a.getOpenedAt()).append('\n');
    if (a.getDueAt() != null) {
      b.append("Due ").append(a.getDueAt()).append('\n');
    }
    if (a.getReason() != null) {
      b.append("Why now: ").append(a.getReason()).append('\n');
    }
    b.append("\nEvidence:\n");
    for (Evidence e : a.getEvidence()) {
      b.append(" - ").append(e.getObservedAt()).append(' ').append(e.getKind()).append(": ")
          .append(e.getDetail()).append('\n');
    }
    b.append("\nTwin values:\n");
    for (Map.Entry<String, Double> v : new TreeMap<>(a.getTwinValues()).entrySet()) {
      b.append(" - ").append(v.getKey()).append(" = ")
          .append(String.format(Locale.ROOT, "%.3f", v.getValue())).append('\n');
    }
    b.append("\nAlert ").append(a.getAlertId()).append('\n');
    return b.toString();
  }
}
