package io.pumptwin.alerting;

import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.notify.SmtpSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the alerting service is configured with, built once at start-up and passed in.
 *
 * @param applicationId Kafka Streams application id; also the prefix of the notifier's group
 * @param sweepInterval how often (in stream time) open alerts are checked for missed deadlines;
 *     transitions are stamped with their deadline, so this only bounds how late they are published
 * @param apiPort HTTP port of the alert API and live stream; 0 picks a free one. Default 8082.
 * @param smtp null when e-mail is not configured (e-mail recipients are then dead-lettered)
 * @param streamsOverrides extra Kafka Streams settings (e.g. commit interval in tests)
 */
public record AlertingConfig(String bootstrapServers, String applicationId, Path stateDir,
    SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy, Duration sweepInterval,
    int standbyReplicas, String apiHost, int apiPort, ApiAccess access, OnCallRouting routing,
    SmtpSettings smtp, RetryPolicy deliveryRetry, Duration webhookTimeout,
    Map<String, Object> streamsOverrides) {

  public static final int DEFAULT_API_PORT = 8082;
  public static final String DEFAULT_APPLICATION_ID = "pumptwin-alerting";

  public AlertingConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(severityPolicy, "severityPolicy");
    Objects.requireNonNull(escalationPolicy, "escalationPolicy");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(deliveryRetry, "deliveryRetry");
    if (sweepInterval.isZero() || sweepInterval.isNegative()) {
      throw new IllegalArgumentException("sweepInterval must be positive");
    }
    streamsOverrides = Map.copyOf(streamsOverrides);
  }

  /**
   * Defaults for {@code pumptwin local}: API on 127.0.0.1:8082, policies from the code's defaults,
   * tokens and routing from the given files (either may be null: no tokens means the API refuses
   * everyone, no routing means nobody is paged and alerts only reach dashboards).
   */
  public static AlertingConfig local(String bootstrapServers, Path dataDir, Path tokensFile,
      Path routingFile, SmtpSettings smtp) {
    return new AlertingConfig(bootstrapServers, DEFAULT_APPLICATION_ID, dataDir.resolve("alerting-state"),
        SeverityPolicy.defaults(), EscalationPolicy.defaults(), Duration.ofMinutes(1), 0,
        "127.0.0.1", DEFAULT_API_PORT,
        tokensFile == null ? ApiAccess.none() : ApiAccess.load(tokensFile),
        routingFile == null ? new OnCallRouting(Map.of(), Map.of()) : OnCallRouting.load(routingFile),
        smtp, RetryPolicy.defaults(), Duration.ofSeconds(10), Map.of());
  }

  public AlertingConfig withApiPort(int port) {
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, port, access, routing, smtp,
        deliveryRetry, webhookTimeout, streamsOverrides);
  }
}
