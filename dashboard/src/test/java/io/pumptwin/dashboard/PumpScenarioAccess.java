package io.pumptwin.dashboard;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertStatus;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.CatheterFaultLikelihood;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.ExplantSummary;
import io.pumptwin.events.RiskAssessment;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Severity;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import java.time.Instant;
import java.util.List;

/** A {@link PumpScenario} with test-friendly defaults, usable from the view's test package. */
public final class PumpScenarioAccess {
  private final PumpScenario scenario;

  public PumpScenarioAccess(String serial, String clinic, Instant now, boolean occluded,
      boolean silent, DeliveryStatus delivery, RiskLevel underdose) {
    this.scenario = new PumpScenario(serial, "pt-" + serial.toLowerCase(), clinic, 40, 500, 300,
        now, 80, 20, 38, occluded, 62, silent, delivery, underdose);
  }

  /**
   * The same twin state with the clinic's explant, as the engine writes it when the explant retires
   * the twin (field by field: the generated builder's deep copy needs Avro's class trust).
   */
  public static TwinState withExplant(TwinState s, ExplantSummary explant) {
    TwinState copy = new TwinState();
    for (int i = 0; i < s.getSchema().getFields().size(); i++) {
      copy.put(i, s.get(i));
    }
    copy.put(s.getSchema().getField("explant").pos(), explant);
    return copy;
  }

  /** The same twin state with another overdose assessment (field by field, as {@link #withExplant}). */
  public static TwinState withOverdose(TwinState s, RiskAssessment overdose) {
    TwinState copy = withExplant(s, s.getExplant());
    copy.put(s.getSchema().getField("overdose").pos(), overdose);
    return copy;
  }

  /** The same twin state with another catheter-fault likelihood (field by field, as {@link #withExplant}). */
  public static TwinState withCatheter(TwinState s, CatheterFaultLikelihood catheter) {
    TwinState copy = withExplant(s, s.getExplant());
    copy.put(s.getSchema().getField("catheter").pos(), catheter);
    return copy;
  }

  public List<TwinState> twinStates() {
    return scenario.twinStates();
  }

  public List<TelemetryEnvelope> telemetry() {
    return scenario.telemetry();
  }

  public AlertEvent alert(String alertId, AlertType type, AlertStatus status, Severity severity, Instant at) {
    AlertTransition transition = switch (status) {
      case OPEN -> AlertTransition.OPENED;
      case ESCALATED -> AlertTransition.ESCALATED;
      case ACKNOWLEDGED -> AlertTransition.ACKNOWLEDGED;
      case SILENCED -> AlertTransition.SILENCED;
      case RESOLVED -> AlertTransition.RESOLVED;
    };
    return scenario.alert(alertId, type, transition, status, severity, RiskLevel.WATCH, at,
        at.minusSeconds(3600), status == AlertStatus.OPEN ? null : "nurse-1", type + " on " + scenario.serial(),
        List.of());
  }
}
