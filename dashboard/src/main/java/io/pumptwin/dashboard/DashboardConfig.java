package io.pumptwin.dashboard;

import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.view.ViewLimits;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.TlsSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the dashboard is configured with, built once at start-up and passed in.
 *
 * @param host address the web server binds to
 * @param port web port; 0 picks a free one. Default {@value #DEFAULT_PORT}
 * @param staff who may sign in: the alerting service's token file, read by {@link StaffDirectory}
 * @param limits what bounds the in-memory view per pump
 * @param sessionTtl how long a browser stays signed in (one clinical shift and some)
 * @param catchUpWait how long {@link DashboardService#start()} waits for the view to hold what was
 *     on the topics at start before it serves anyway
 * @param heartbeat interval of keep-alive comments on the live alert stream
 * @param consumerOverrides extra Kafka consumer settings for the topic feed; the security settings
 *     among them ({@link #withKafkaSecurity}) apply to the dashboard's producers too
 * @param tls HTTPS for the dashboard; null serves plain HTTP
 */
public record DashboardConfig(String bootstrapServers, String host, int port, StaffDirectory staff,
    ViewLimits limits, Duration sessionTtl, Duration catchUpWait, Duration heartbeat,
    Map<String, Object> consumerOverrides, TlsSettings tls) {

  public static final int DEFAULT_PORT = 8084;

  /** Plain HTTP: the configuration before TLS was configurable. */
  public DashboardConfig(String bootstrapServers, String host, int port, StaffDirectory staff,
      ViewLimits limits, Duration sessionTtl, Duration catchUpWait, Duration heartbeat,
      Map<String, Object> consumerOverrides) {
    this(bootstrapServers, host, port, staff, limits, sessionTtl, catchUpWait, heartbeat,
        consumerOverrides, null);
  }

  public DashboardConfig {
    Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    Objects.requireNonNull(host, "host");
    Objects.requireNonNull(staff, "staff");
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(sessionTtl, "sessionTtl");
    Objects.requireNonNull(catchUpWait, "catchUpWait");
    Objects.requireNonNull(heartbeat, "heartbeat");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be 0-65535, got " + port);
    }
    if (sessionTtl.isNegative() || sessionTtl.isZero() || heartbeat.isNegative() || heartbeat.isZero()) {
      throw new IllegalArgumentException("sessionTtl and heartbeat must be positive");
    }
    consumerOverrides = Map.copyOf(consumerOverrides);
  }

  /**
   * Defaults for {@code pumptwin local}: 127.0.0.1:8084, the alerting service's token file (null:
   * nobody can sign in, and the sign-in page says so), view limits from {@link ViewLimits#defaults()}.
   */
  public static DashboardConfig local(String bootstrapServers, Path tokensFile) {
    return new DashboardConfig(bootstrapServers, "127.0.0.1", DEFAULT_PORT,
        tokensFile == null ? StaffDirectory.empty() : StaffDirectory.load(tokensFile),
        ViewLimits.defaults(), Duration.ofHours(14), Duration.ofSeconds(60), Duration.ofSeconds(15),
        Map.of());
  }

  public DashboardConfig withPort(int newPort) {
    return new DashboardConfig(bootstrapServers, host, newPort, staff, limits, sessionTtl,
        catchUpWait, heartbeat, consumerOverrides, tls);
  }

  public DashboardConfig withStaff(StaffDirectory newStaff) {
    return new DashboardConfig(bootstrapServers, host, port, newStaff, limits, sessionTtl,
        catchUpWait, heartbeat, consumerOverrides, tls);
  }

  /** Serves the dashboard over HTTPS only; null: plain HTTP. */
  public DashboardConfig withTls(TlsSettings settings) {
    return new DashboardConfig(bootstrapServers, host, port, staff, limits, sessionTtl,
        catchUpWait, heartbeat, consumerOverrides, settings);
  }

  /** Kafka client security (e.g. SASL_SSL) for the dashboard's consumer and producers. */
  public DashboardConfig withKafkaSecurity(KafkaSecurity security) {
    Map<String, Object> merged = new java.util.HashMap<>(consumerOverrides);
    security.applyTo(merged);
    return new DashboardConfig(bootstrapServers, host, port, staff, limits, sessionTtl,
        catchUpWait, heartbeat, merged, tls);
  }

  public KafkaSecurity kafkaSecurity() {
    return KafkaSecurity.within(consumerOverrides);
  }
}
