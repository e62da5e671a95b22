package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.AlertTransition;
import java.time.Instant;

/**
 * One transition of one alert, with the alert as it stands after it: becomes an AlertEvent on
 * {@code pump.alerts.v1}.
 *
 * @param actor staff id for a command, null for the twin or the passage of time
 * @param causedBy twin event or command id, null when stream time caused it
 */
public record AlertChange(AlertTransition transition, Alert alert, Instant eventTime,
    String actor, String reason, String causedBy) {}
