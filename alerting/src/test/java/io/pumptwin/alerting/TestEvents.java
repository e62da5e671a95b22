package io.pumptwin.alerting;

import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.notify.SmtpSettings;
import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Twin events and commands as the twin engine and the API write them, for tests. */
public final class TestEvents {
  private TestEvents() {}

  public static TwinEvent twinEvent(String serial, String clinic, TwinEventType type,
      TwinEventTransition transition, RiskLevel level, double dose, Instant at) {
    return TwinEvent.newBuilder()
        .setEventId(serial + ":" + type + ":" + transition + ":" + at.toEpochMilli())
        .setPumpSerial(serial)
        .setPatientPseudonym("PSN-" + serial)
        .setClinicId(clinic)
        .setEventTime(at)
        .setType(type)
        .setTransition(transition)
        .setRiskLevel(level)
        .setHeadline(type + " " + level + " at " + dose + " mcg/day")
        .setDueAt(null)
        .setDoseMcgPerDay(dose)
        .setEvidence(List.of(new Evidence("MOTOR_STALL", at, "motor stall logged by the pump", 2.0, "tel-1")))
        .setTwinValues(Map.of("doseMcgPerDay", dose, "hoursSinceDeliveryStopped", 3.0))
        .setSourceEventId("tel-1")
        .build();
  }

  public static AlertCommand command(String serial, String clinic, AlertType type, AlertAction action,
      String user, StaffRole role, Instant at, Instant silenceUntil) {
    return AlertCommand.newBuilder()
        .setCommandId(UUID.randomUUID().toString())
        .setPumpSerial(serial)
        .setAlertType(type)
        .setAction(action)
        .setUserId(user)
        .setRole(role)
        .setClinicId(clinic)
        .setReason("test")
        .setSilenceUntil(silenceUntil)
        .setIssuedAt(at)
        .build();
  }

  public static AlertingConfig config(String bootstrap, String applicationId, Path stateDir,
      ApiAccess access, OnCallRouting routing, SmtpSettings smtp, RetryPolicy retry) {
    return new AlertingConfig(bootstrap, applicationId, stateDir, SeverityPolicy.defaults(),
        EscalationPolicy.defaults(), Duration.ofMinutes(1), 0, "127.0.0.1", 0, access, routing, smtp,
        retry, Duration.ofSeconds(5), Map.of("commit.interval.ms", 100));
  }
}
