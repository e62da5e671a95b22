package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertAction;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.StaffRole;
import java.time.Instant;
import java.util.Objects;

/**
 * A person's command on one alert of one pump, from {@code pump.alert.commands.v1}.
 *
 * @param userId pseudonymous staff id, never a name
 * @param silenceUntil for SILENCE: when the planned work is expected to be over; else null
 */
public record StaffCommand(String commandId, String pumpSerial, AlertType alertType,
    AlertAction action, String userId, StaffRole role, String clinicId, String reason,
    Instant silenceUntil, Instant issuedAt) {

  public StaffCommand {
    Objects.requireNonNull(pumpSerial, "pumpSerial");
    Objects.requireNonNull(alertType, "alertType");
    Objects.requireNonNull(action, "action");
    Objects.requireNonNull(userId, "userId");
    Objects.requireNonNull(role, "role");
    Objects.requireNonNull(issuedAt, "issuedAt");
  }
}
