package io.pumptwin.deploy;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Entry point of the {@code pumptwin/alerting} image: the alert lifecycle (Kafka Streams), the
 * alert API with its live stream on {@code ALERTING_PORT} (8082) and the web dashboard on
 * {@code DASHBOARD_PORT} (8084). Both read the staff token file {@code STAFF_TOKENS_FILE} (SHA-256
 * hashes only); without it the API refuses everyone and nobody can sign in, which is the safe
 * default. {@code ONCALL_ROUTING_FILE} says who is paged; without it alerts reach dashboards only.
 * {@code DASHBOARD_ENABLED=false} runs alerting alone (for a separate dashboard deployment). The
 * dashboard's meters go to alerting's registry: one {@code /metrics} on {@code ALERTING_PORT} serves both.
 */
public final class AlertingContainer {
  private static final Logger log = LoggerFactory.getLogger(AlertingContainer.class);

  private AlertingContainer() {}

  static AlertingConfig alertingConfig(ContainerEnv env) {
    Path tokens = existing(env.optional("STAFF_TOKENS_FILE"));
    Path routing = existing(env.optional("ONCALL_ROUTING_FILE"));
    AlertingConfig local = AlertingConfig.local(env.bootstrapServers(),
        env.path("ALERTING_DATA_DIR", "/var/lib/pumptwin/alerting"), tokens, routing, null);
    return new AlertingConfig(local.bootstrapServers(),
        env.string("ALERTING_APPLICATION_ID", local.applicationId()), local.stateDir(), local.severityPolicy(),
        local.escalationPolicy(), local.sweepInterval(),
        env.integer("ALERTING_STANDBY_REPLICAS", local.standbyReplicas()), "0.0.0.0",
        env.integer("ALERTING_PORT", AlertingConfig.DEFAULT_API_PORT),
        tokens == null ? ApiAccess.none() : local.access(),
        routing == null ? new OnCallRouting(Map.of(), Map.of()) : local.routing(), local.smtp(),
        local.deliveryRetry(), local.webhookTimeout(), local.streamsOverrides(), local.alertClock(),
        local.liveClockTick(), local.flapping());
  }

  static DashboardConfig dashboardConfig(ContainerEnv env) {
    Path tokens = existing(env.optional("STAFF_TOKENS_FILE"));
    DashboardConfig local = DashboardConfig.local(env.bootstrapServers(), tokens);
    return new DashboardConfig(local.bootstrapServers(), "0.0.0.0",
        env.integer("DASHBOARD_PORT", DashboardConfig.DEFAULT_PORT),
        tokens == null ? StaffDirectory.empty() : local.staff(), local.limits(), local.sessionTtl(),
        local.catchUpWait(), local.heartbeat(), local.consumerOverrides());
  }

  private static Path existing(String file) {
    if (file == null) {
      return null;
    }
    Path path = Path.of(file);
    if (!Files.isReadable(path)) {
      // A named file that is not there is a deployment mistake, not "no staff": say so and stop.
      throw new IllegalArgumentException("configured file is not readable: " + path);
    }
    return path;
  }

  public static void main(String[] args) throws Exception {
    ContainerEnv env = ContainerEnv.fromSystem();
    TopicProvisioning.ifEnabled(env);
    TopicRegistry topics = new TopicRegistry(
        new HttpSchemaRegistryClient(RegistrySettings.of(env.registryUrl())), SerdeSettings.autoRegistering());
    AlertingService alerting = new AlertingService(alertingConfig(env), topics);
    alerting.start();
    DashboardService dashboard = null;
    if (env.flag("DASHBOARD_ENABLED", true)) {
      // One process, one registry, one scrape target: the dashboard's meters are served by alerting's /metrics.
      dashboard = new DashboardService(dashboardConfig(env), topics, Clock.systemUTC(), alerting.meters());
      dashboard.start();
    }
    DashboardService started = dashboard;
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      log.info("event=alerting.stopping");
      if (started != null) {
        started.close();
      }
      alerting.close();
      stopped.countDown();
    }, "alerting-shutdown"));
    log.info("event=alerting.container.started api_port={} dashboard={}", alerting.apiPort(),
        started == null ? "off" : started.url());
    stopped.await();
  }
}
