package io.pumptwin.alerting.stream;

import io.pumptwin.alerting.lifecycle.Alert;
import io.pumptwin.alerting.lifecycle.AlertChange;
import io.pumptwin.alerting.lifecycle.EvidenceItem;
import io.pumptwin.alerting.lifecycle.StaffCommand;
import io.pumptwin.alerting.lifecycle.TwinSignal;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.TwinEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Translation between the wire records (Avro) and the lifecycle's values, with validation. */
final class AlertRecords {
  private AlertRecords() {}

  static AlertType alertTypeOf(io.pumptwin.events.TwinEventType type) {
    return switch (type) {
      case REFILL_DUE -> AlertType.REFILL_DUE;
      case REFILL_URGENT -> AlertType.REFILL_URGENT;
      case UNDERDOSE_RISK -> AlertType.UNDERDOSE_WITHDRAWAL_RISK;
      case OVERDOSE_RISK -> AlertType.OVERDOSE_RISK;
      case CATHETER_FAULT_SUSPECTED -> AlertType.CATHETER_FAULT_SUSPECTED;
      case BATTERY_ERI -> AlertType.BATTERY_ERI;
      case BATTERY_END_OF_SERVICE -> AlertType.BATTERY_END_OF_SERVICE;
      case PUMP_CRITICAL_ALARM -> AlertType.PUMP_CRITICAL_ALARM;
      case PUMP_SILENT -> AlertType.PUMP_SILENT;
      case EXPLANT_DOUBTED -> AlertType.EXPLANT_DOUBTED;
    };
  }

  static TwinSignal signalOf(String key, TwinEvent e) {
    requireSerial(key, e.getPumpSerial(), "pumpSerial");
    if (e.getClinicId() == null || e.getClinicId().isBlank()) {
      throw new InvalidRecord("clinicId", "must name the responsible clinic");
    }
    if (e.getEventTime() == null || e.getEventTime().toEpochMilli() <= 0) {
      throw new InvalidRecord("eventTime", "must be a positive timestamp");
    }
    if (!Double.isFinite(e.getDoseMcgPerDay()) || e.getDoseMcgPerDay() < 0) {
      throw new InvalidRecord("doseMcgPerDay", "must be a finite dose >= 0, was " + e.getDoseMcgPerDay());
    }
    List<EvidenceItem> evidence = new ArrayList<>();
    for (Evidence ev : e.getEvidence()) {
      evidence.add(new EvidenceItem(ev.getKind(), ev.getObservedAt(), ev.getDetail(), ev.getWeight(),
          ev.getSourceEventId()));
    }
    return new TwinSignal(e.getEventId(), e.getPumpSerial(), e.getPatientPseudonym(),
        e.getClinicId(), e.getEventTime(), alertTypeOf(e.getType()), e.getTransition(),
        e.getRiskLevel(), e.getHeadline(), e.getDueAt(), e.getDoseMcgPerDay(), evidence,
        new HashMap<>(e.getTwinValues()));
  }

  static StaffCommand commandOf(String key, AlertCommand c) {
    requireSerial(key, c.getPumpSerial(), "pumpSerial");
    if (c.getUserId() == null || c.getUserId().isBlank()) {
      throw new InvalidRecord("userId", "a command must name who issued it");
    }
    return new StaffCommand(c.getCommandId(), c.getPumpSerial(), c.getAlertType(), c.getAction(),
        c.getUserId(), c.getRole(), c.getClinicId(), c.getReason(), c.getSilenceUntil(),
        c.getIssuedAt());
  }

  private static void requireSerial(String key, String serial, String field) {
    if (serial == null || serial.isBlank()) {
      throw new InvalidRecord(field, "must not be blank");
    }
    if (key != null && !key.equals(serial)) {
      // Partitioning by key is what puts a pump's events and commands in one task; a record
      // whose key disagrees would be processed against the wrong pump's state.
      throw new InvalidRecord(field, "record key '" + key + "' differs from pumpSerial '" + serial + "'");
    }
  }

  static AlertEvent eventOf(AlertChange change) {
    Alert a = change.alert();
    List<Evidence> evidence = new ArrayList<>();
    for (EvidenceItem ev : a.evidence()) {
      evidence.add(new Evidence(ev.kind(), ev.observedAt(), ev.detail(), ev.weight(), ev.sourceEventId()));
    }
    Map<String, Double> values = new HashMap<>(a.twinValues());
    return AlertEvent.newBuilder()
        .setAlertId(a.alertId())
        .setPumpSerial(a.pumpSerial())
        .setPatientPseudonym(a.patientPseudonym() == null ? "" : a.patientPseudonym())
        .setClinicId(a.clinicId())
        .setAlertType(a.alertType())
        .setTransition(change.transition())
        .setStatus(a.status())
        .setSeverity(a.severity())
        .setRiskLevel(a.riskLevel())
        .setEventTime(change.eventTime())
        .setOpenedAt(a.openedAt())
        .setEscalationLevel(a.escalationLevel())
        .setActor(change.actor())
        .setReason(change.reason())
        .setHeadline(a.headline() == null ? a.alertType().toString() : a.headline())
        .setDueAt(a.dueAt())
        .setEvidence(evidence)
        .setTwinValues(values)
        .setCausedBy(change.causedBy())
        .build();
  }

  static Instant instant(long millis) {
    return Instant.ofEpochMilli(millis);
  }
}
