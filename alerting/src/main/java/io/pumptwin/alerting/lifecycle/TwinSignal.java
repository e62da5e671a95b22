package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.TwinEventTransition;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What the twin said about one condition of one pump: a threshold crossing raised, updated or
 * cleared. The lifecycle's input from {@code pump.twin.events.v1}, already mapped to an alert type.
 *
 * @param dueAt refill-due or projected date, null when the condition has none
 */
public record TwinSignal(String eventId, String pumpSerial, String patientPseudonym,
    String clinicId, Instant eventTime, AlertType alertType, TwinEventTransition change,
    RiskLevel level, String headline, Instant dueAt, double doseMcgPerDay,
    List<EvidenceItem> evidence, Map<String, Double> twinValues) {

  public TwinSignal {
    Objects.requireNonNull(pumpSerial, "pumpSerial");
    Objects.requireNonNull(eventTime, "eventTime");
    Objects.requireNonNull(alertType, "alertType");
    Objects.requireNonNull(change, "change");
    Objects.requireNonNull(level, "level");
    evidence = List.copyOf(evidence);
    twinValues = Map.copyOf(twinValues);
  }
}
