package io.pumptwin.replay.pipeline;

import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.twin.TwinModelParameters;
import java.util.Objects;

/**
 * What a replay may change: the twin's model parameters and the alert policies. Everything else
 * (topologies, stream-time settings, state emission) is production's, so that a replay with
 * {@link #production()} reproduces production's twin events and alerts.
 */
public record PipelineParameters(TwinModelParameters model, SeverityPolicy severity,
    EscalationPolicy escalation, FlappingPolicy flapping) {

  public PipelineParameters {
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(severity, "severity");
    Objects.requireNonNull(escalation, "escalation");
    Objects.requireNonNull(flapping, "flapping");
  }

  /** The parameters the services run with by default (TwinEngineConfig.defaults, AlertingConfig.local). */
  public static PipelineParameters production() {
    return new PipelineParameters(TwinModelParameters.defaults(), SeverityPolicy.defaults(),
        EscalationPolicy.defaults(), FlappingPolicy.defaults());
  }

  public PipelineParameters withModel(TwinModelParameters m) {
    return new PipelineParameters(m, severity, escalation, flapping);
  }

  public PipelineParameters withSeverity(SeverityPolicy s) {
    return new PipelineParameters(model, s, escalation, flapping);
  }
}
