package io.pumptwin.alerting;

import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.notify.SmtpSettings;
import io.pumptwin.alerting.stream.AlertClock;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.TlsSettings;
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
 * @param alertClock what deadlines and commands run on: {@link AlertClock#LIVE} for the service
 *     (an unacknowledged alert escalates on a quiet partition), {@link AlertClock#STREAM_TIME}
 *     for replays, simulations and evaluation (the same input gives the same alerts)
 * @param liveClockTick how often, in wall-clock time, a LIVE alert clock is moved on and open
 *     alerts checked while the partition is quiet; bounds how late a deadline is published then
 * @param flapping when an alert re-opened soon after it was resolved is shown but not paged
 * @param tls HTTPS for the alert API and live stream; null serves plain HTTP
 */
public record AlertingConfig(String bootstrapServers, String applicationId, Path stateDir,
    SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy, Duration sweepInterval,
    int standbyReplicas, String apiHost, int apiPort, ApiAccess access, OnCallRouting routing,
    SmtpSettings smtp, RetryPolicy deliveryRetry, Duration webhookTimeout,
    Map<String, Object> streamsOverrides, AlertClock alertClock, Duration liveClockTick,
    FlappingPolicy flapping, TlsSettings tls) {

  public static final int DEFAULT_API_PORT = 8082;
  public static final String DEFAULT_APPLICATION_ID = "pumptwin-alerting";
  /** Deadlines on a quiet partition are published at most this late (15 min is the shortest). */
  public static final Duration DEFAULT_LIVE_CLOCK_TICK = Duration.ofSeconds(30);

  public AlertingConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(applicationId, "applicationId");
    Objects.requireNonNull(stateDir, "stateDir");
    Objects.requireNonNull(severityPolicy, "severityPolicy");
    Objects.requireNonNull(escalationPolicy, "escalationPolicy");
    Objects.requireNonNull(access, "access");
    Objects.requireNonNull(routing, "routing");
    Objects.requireNonNull(deliveryRetry, "deliveryRetry");
    Objects.requireNonNull(alertClock, "alertClock");
    Objects.requireNonNull(flapping, "flapping");
    if (sweepInterval.isZero() || sweepInterval.isNegative()) {
      throw new IllegalArgumentException("sweepInterval must be positive");
    }
    if (liveClockTick.isZero() || liveClockTick.isNegative()) {
      throw new IllegalArgumentException("liveClockTick must be positive");
    }
    streamsOverrides = Map.copyOf(streamsOverrides);
  }

  /**
   * The service's defaults for what came later: the LIVE alert clock ticking every 30 s and the
   * default flapping guard. A caller that replays or evaluates passes
   * {@code withAlertClock(AlertClock.STREAM_TIME)}: the safe default for a deployment that does
   * not say is the one that escalates.
   */
  public AlertingConfig(String bootstrapServers, String applicationId, Path stateDir,
      SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy, Duration sweepInterval,
      int standbyReplicas, String apiHost, int apiPort, ApiAccess access, OnCallRouting routing,
      SmtpSettings smtp, RetryPolicy deliveryRetry, Duration webhookTimeout,
      Map<String, Object> streamsOverrides) {
    this(bootstrapServers, applicationId, stateDir, severityPolicy, escalationPolicy, sweepInterval,
        standbyReplicas, apiHost, apiPort, access, routing, smtp, deliveryRetry, webhookTimeout,
        streamsOverrides, AlertClock.LIVE, DEFAULT_LIVE_CLOCK_TICK, FlappingPolicy.defaults(), null);
  }

  /** Plain HTTP for the API: the configuration before TLS was configurable. */
  public AlertingConfig(String bootstrapServers, String applicationId, Path stateDir,
      SeverityPolicy severityPolicy, EscalationPolicy escalationPolicy, Duration sweepInterval,
      int standbyReplicas, String apiHost, int apiPort, ApiAccess access, OnCallRouting routing,
      SmtpSettings smtp, RetryPolicy deliveryRetry, Duration webhookTimeout,
      Map<String, Object> streamsOverrides, AlertClock alertClock, Duration liveClockTick,
      FlappingPolicy flapping) {
    this(bootstrapServers, applicationId, stateDir, severityPolicy, escalationPolicy, sweepInterval,
        standbyReplicas, apiHost, apiPort, access, routing, smtp, deliveryRetry, webhookTimeout,
        streamsOverrides, alertClock, liveClockTick, flapping, null);
  }

  /**
   * Defaults for {@code pumptwin local}: API on 127.0.0.1:8082, policies from the code's defaults,
   * the LIVE alert clock, tokens and routing from the given files (either may be null: no tokens
   * means the API refuses everyone, no routing means nobody is paged and alerts only reach
   * dashboards).
   */
  public static AlertingConfig local(String bootstrapServers, Path dataDir, Path tokensFile,
      Path routingFile, SmtpSettings smtp) {
    return new AlertingConfig(bootstrapServers, DEFAULT_APPLICATION_ID, dataDir.resolve("alerting-state"),
        SeverityPolicy.defaults(), EscalationPolicy.defaults(), Duration.ofMinutes(1), 0,
        "127.0.0.1", DEFAULT_API_PORT,
        tokensFile == null ? ApiAccess.none() : ApiAccess.load(tokensFile),
        routingFile == null ? new OnCallRouting(Map.of(), Map.of()) : OnCallRouting.load(routingFile),
        smtp, RetryPolicy.defaults(), Duration.ofSeconds(10), Map.of(), AlertClock.LIVE,
        DEFAULT_LIVE_CLOCK_TICK, FlappingPolicy.defaults(), null);
  }

  public AlertingConfig withApiPort(int port) {
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, port, access, routing, smtp,
        deliveryRetry, webhookTimeout, streamsOverrides, alertClock, liveClockTick, flapping, tls);
  }

  public AlertingConfig withAlertClock(AlertClock clock) {
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, apiPort, access, routing, smtp,
        deliveryRetry, webhookTimeout, streamsOverrides, clock, liveClockTick, flapping, tls);
  }

  public AlertingConfig withFlapping(FlappingPolicy policy) {
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, apiPort, access, routing, smtp,
        deliveryRetry, webhookTimeout, streamsOverrides, alertClock, liveClockTick, policy, tls);
  }

  /** Serves the alert API and live stream over HTTPS only; null: plain HTTP. */
  public AlertingConfig withTls(TlsSettings settings) {
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, apiPort, access, routing, smtp,
        deliveryRetry, webhookTimeout, streamsOverrides, alertClock, liveClockTick, flapping, settings);
  }

  /**
   * Kafka client security (e.g. SASL_SSL) for every Kafka client of the service: kept with the
   * Streams settings (Kafka Streams passes them to its clients) and applied by the service to its
   * notifier, alert view and command producer too.
   */
  public AlertingConfig withKafkaSecurity(KafkaSecurity security) {
    Map<String, Object> merged = new java.util.HashMap<>(streamsOverrides);
    security.applyTo(merged);
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, apiPort, access, routing, smtp,
        deliveryRetry, webhookTimeout, merged, alertClock, liveClockTick, flapping, tls);
  }

  /** These Kafka Streams settings on top of the ones configured (a later value wins). */
  public AlertingConfig withStreamsOverrides(Map<String, Object> more) {
    Map<String, Object> merged = new java.util.HashMap<>(streamsOverrides);
    merged.putAll(more);
    return new AlertingConfig(bootstrapServers, applicationId, stateDir, severityPolicy,
        escalationPolicy, sweepInterval, standbyReplicas, apiHost, apiPort, access, routing, smtp,
        deliveryRetry, webhookTimeout, merged, alertClock, liveClockTick, flapping, tls);
  }

  /** The Kafka client security settings among the Streams settings. */
  public KafkaSecurity kafkaSecurity() {
    return KafkaSecurity.within(streamsOverrides);
  }
}
