package io.pumptwin.reliability;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.FlappingPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.stream.AlertClock;
import io.pumptwin.events.Severity;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The alerting service as its own OS process: alert lifecycle on the stream-time clock (the same
 * input gives the same alerts, so a disturbed run can be compared with an undisturbed one), and
 * every clinic's alerts paged around the clock to one webhook.
 *
 * <p>Arguments: bootstrap registryUrl stateDir applicationId webhookUrl.
 */
final class AlertingProcess {
  static final String WEBHOOK_SECRET = "reliability-webhook-key";

  private AlertingProcess() {
  }

  public static void main(String[] args) throws Exception {
    try (AlertingService service = service(args[0], args[1], Path.of(args[2]), args[3], URI.create(args[4]))) {
      service.start();
      System.out.println("event=child.started service=alerting port=" + service.apiPort());
      while (System.in.read() != -1) {
        // the parent holds the pipe open while it wants this instance alive
      }
    }
    System.exit(0);
  }

  static AlertingService service(String bootstrap, String registryUrl, Path stateDir, String appId,
      URI webhook) {
    OnCallRouting.Shift always = new OnCallRouting.Shift("always", Set.of(), LocalTime.MIDNIGHT,
        LocalTime.MIDNIGHT, List.of(List.of("on-call-hook")));
    OnCallRouting.ClinicRota rota = new OnCallRouting.ClinicRota(ZoneOffset.UTC, Severity.INFO, List.of(always));
    OnCallRouting routing = new OnCallRouting(
        Map.of("on-call-hook", new OnCallRouting.WebhookRecipient("on-call-hook", webhook, WEBHOOK_SECRET)),
        Map.of("clinic-0", rota, "clinic-1", rota));
    AlertingConfig config = new AlertingConfig(bootstrap, appId, stateDir, SeverityPolicy.defaults(),
        EscalationPolicy.defaults(), Duration.ofMinutes(1), 0, "127.0.0.1", 0, ApiAccess.none(), routing,
        null, RetryPolicy.defaults(), Duration.ofSeconds(10), TwinEngineProcess.FAST_FAILOVER,
        AlertClock.STREAM_TIME, AlertingConfig.DEFAULT_LIVE_CLOCK_TICK, FlappingPolicy.defaults());
    TopicRegistry topics = new TopicRegistry(new HttpSchemaRegistryClient(RegistrySettings.of(registryUrl)),
        SerdeSettings.autoRegistering());
    return new AlertingService(config, topics);
  }

  static ServiceProcess start(String name, Path log, String bootstrap, String registry, Path stateDir,
      String appId, URI webhook) throws IOException {
    return ServiceProcess.start(name, AlertingProcess.class, log,
        List.of(bootstrap, registry, stateDir.toString(), appId, webhook.toString()));
  }
}
