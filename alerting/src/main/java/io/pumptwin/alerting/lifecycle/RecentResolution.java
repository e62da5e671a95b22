package io.pumptwin.alerting.lifecycle;

import io.pumptwin.events.Severity;
import java.time.Instant;
import java.util.Objects;

/**
 * The last resolved alert of one pump and alert type: what the lifecycle remembers after an alert
 * is gone, so a re-raise soon after (the twin flapping around a threshold) is not paged again.
 */
public record RecentResolution(String alertId, Severity severity, Instant resolvedAt) {

  public RecentResolution {
    Objects.requireNonNull(alertId, "alertId");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(resolvedAt, "resolvedAt");
  }
}
