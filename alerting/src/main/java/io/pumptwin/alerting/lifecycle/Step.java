package io.pumptwin.alerting.lifecycle;

import java.util.List;
import java.util.Optional;

/**
 * The result of one input to the lifecycle.
 *
 * @param alert the alert after the input, null when there is none (never opened, or resolved)
 * @param changes transitions to publish, in order; empty for a duplicate or an ignored input
 * @param rejection why a command was refused, null otherwise
 */
public record Step(Alert alert, List<AlertChange> changes, String rejection) {

  public Step {
    changes = List.copyOf(changes);
  }

  static Step unchanged(Alert alert) {
    return new Step(alert, List.of(), null);
  }

  static Step rejected(Alert alert, String reason) {
    return new Step(alert, List.of(), reason);
  }

  public Optional<String> rejected() {
    return Optional.ofNullable(rejection);
  }
}
