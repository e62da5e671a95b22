package io.pumptwin.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.alerting.AlertingService;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a twin-engine instance and of an alerting instance, each a separate OS process, while
 * devices keep sending through the real gateway to a real broker and registry; a replacement of
 * each is started on the same state directory, as a supervisor would restart it. Afterwards the
 * run is compared with an undisturbed run over the same stored telemetry on a fresh broker and
 * registry: twins equal, and every twin event, alert and notification there exactly as often.
 */
class ProcessKillTest {
  private static final String TWIN_APP = "reliability-twin";
  private static final String ALERTING_APP = "reliability-alerting";
  /** Devices send one slot of the fleet (a report per pump) every half second. */
  private static final Duration PACE = Duration.ofMillis(500);
  private static final String SECRET = "reliability-device-secret-0123456789";

  @TempDir Path dir;
  private final Path logs = ServiceProcess.logDir("process-kill");

  @Test
  void killing_a_twin_engine_and_an_alerting_instance_mid_stream_loses_and_duplicates_nothing()
      throws Exception {
    FaultReport report = new FaultReport("process-kill",
        "kill -9 (SIGKILL) of the twin-engine process and of the alerting process under sustained "
            + "device load through the gateway; each replaced by a new process on the same state directory");
    report.figure("outcome", "FAILED (see the test output)");
    SyntheticFleet fleet = SyntheticFleet.endingNow("RK", 24, 48);
    PipelineOutputs disturbed;
    DeviceLoad load;
    try {
      try (RealStack stack = RealStack.startOnFreePorts(); WebhookReceiver hooks = new WebhookReceiver()) {
        Path devices = dir.resolve("devices.json");
        DeviceFile.write(devices, List.of(new Device("load-sim", SECRET, Set.of(Device.ANY_PUMP))));
        String bootstrap = stack.bootstrapServers();
        String registry = stack.registryUrl();
        Path twinState = dir.resolve("twin-state");
        Path alertingState = dir.resolve("alerting-state");
        int[] ports = FreePorts.pick(2);
        try (TelemetryGateway gateway = new TelemetryGateway(GatewayConfig.defaults(bootstrap, registry, devices)
            .withListener("127.0.0.1", 0)).start()) {
          ServiceProcess[] twin = {TwinEngineProcess.start("twin-1", logs.resolve("twin-1.log"), bootstrap,
              registry, twinState, TWIN_APP, ports[0])};
          ServiceProcess[] alerting = {AlertingProcess.start("alerting-1", logs.resolve("alerting-1.log"),
              bootstrap, registry, alertingState, ALERTING_APP, hooks.url())};
          try {
            Awaiting.until("twin engine process running", Duration.ofSeconds(180),
                () -> TwinQuery.ready(ports[0]), () -> twin[0].tail(40));
            Awaiting.until("alerting process running", Duration.ofSeconds(180),
                () -> alerting[0].output().contains("event=child.started"), () -> alerting[0].tail(40));
            load = new DeviceLoad(gateway.port(), "load-sim", SECRET);
            load.send(fleet, PACE, slot -> {
              try {
                if (slot == fleet.slots() / 3) {
                  twin[0].kill();
                  report.injected("SIGKILL twin-engine pid=" + twin[0].pid() + " before slot " + slot);
                  twin[0] = TwinEngineProcess.start("twin-2", logs.resolve("twin-2.log"), bootstrap, registry,
                      twinState, TWIN_APP, ports[1]);
                }
                if (slot == 2 * fleet.slots() / 3) {
                  alerting[0].kill();
                  report.injected("SIGKILL alerting pid=" + alerting[0].pid() + " before slot " + slot);
                  alerting[0] = AlertingProcess.start("alerting-2", logs.resolve("alerting-2.log"), bootstrap,
                      registry, alertingState, ALERTING_APP, hooks.url());
                }
              } catch (Exception e) {
                throw new IllegalStateException("cannot inject the fault", e);
              }
            });
            disturbed = PipelineOutputs.await(bootstrap, stack.topicRegistry(), TWIN_APP, ports[1],
                ALERTING_APP, hooks, Duration.ofSeconds(300));
            assertThat(twin[0].isAlive()).as("replacement twin engine alive").isTrue();
            assertThat(alerting[0].isAlive()).as("replacement alerting alive").isTrue();
          } finally {
            twin[0].close();
            alerting[0].close();
          }
        }
        PipelineOutputs reference = undisturbedRun(stack, disturbed.telemetry());
        compare(report, fleet.all().size(), load, disturbed, reference);
      }
    } finally {
      report.write();
    }
  }

  /**
   * The same stored telemetry, on a fresh broker, through one uninterrupted instance of each service.
   * It is sent as the devices sent it, slot by slot at the same pace, each record to its partition
   * in its stored order with its timestamp: the engine's stream-time punctuations (reorder flush,
   * silent-pump sweep) fall between records as they did in the disturbed run. (Given all at once,
   * the engine processes records in larger batches between punctuations, and its outputs differ:
   * see the README's reliability report.)
   */
  private PipelineOutputs undisturbedRun(RealStack stack, List<ConsumerRecord<String, TelemetryEnvelope>> telemetry)
      throws Exception {
    try (SingleBroker broker = SingleBroker.start(dir.resolve("reference-kafka"));
        WebhookReceiver hooks = new WebhookReceiver()) {
      String bootstrap = broker.bootstrapServers();
      try (TwinEngine twin = new TwinEngine(TwinEngineProcess.config(bootstrap, stack.registryUrl(),
              dir.resolve("reference-twin"), TWIN_APP, 0)).start();
          AlertingService alerting = AlertingProcess.service(bootstrap, stack.registryUrl(),
              dir.resolve("reference-alerting"), ALERTING_APP, hooks.url())) {
        alerting.start();
        Awaiting.until("reference twin engine running", Duration.ofSeconds(180), () -> TwinQuery.ready(twin.port()));
        Replay.paced(stack.topicRegistry(), bootstrap, Topics.TELEMETRY.name(), telemetry, PACE);
        return PipelineOutputs.await(bootstrap, stack.topicRegistry(), TWIN_APP, twin.port(), ALERTING_APP,
            hooks, Duration.ofSeconds(300));
      }
    }
  }

  private static void compare(FaultReport report, int sent, DeviceLoad load, PipelineOutputs disturbed,
      PipelineOutputs reference) {
    Set<String> stored = new HashSet<>(disturbed.telemetryIds());
    long lostTelemetry = load.acknowledged().stream().filter(id -> !stored.contains(id)).count();
    report.figure("telemetry events sent", sent);
    report.figure("telemetry events acknowledged (202)", load.acknowledged().size());
    report.figure("gateway answers by status", load.statuses());
    report.figure("acknowledged telemetry lost", lostTelemetry);
    report.figure("telemetry duplicated on the topic", Multisets.repeats(disturbed.telemetryIds()));
    report.figure("twins compared", disturbed.fleet().path("count").asInt());
    report.figure("twin events (undisturbed run)", reference.twinEvents().size());
    report.figure("twin events lost", Multisets.lost(reference.twinEvents(), disturbed.twinEvents()));
    report.figure("twin events duplicated", Multisets.duplicated(reference.twinEvents(), disturbed.twinEvents()));
    report.figure("alerts (undisturbed run)", reference.alerts().size());
    report.figure("alerts lost", Multisets.lost(reference.alerts(), disturbed.alerts()));
    report.figure("alerts duplicated", Multisets.duplicated(reference.alerts(), disturbed.alerts()));
    report.figure("notifications delivered (undisturbed run)", reference.deliveredNotifications().size());
    report.figure("notifications lost", Multisets.lost(reference.deliveredNotifications(),
        disturbed.deliveredNotifications()));
    report.figure("notifications duplicated", Multisets.duplicated(reference.deliveredNotifications(),
        disturbed.deliveredNotifications()));
    report.figure("webhook deliveries received (disturbed / undisturbed)", disturbed.webhookDeliveries().size()
        + " / " + reference.webhookDeliveries().size());
    report.figure("webhook redeliveries of one CloudEvent id (dropped by the receiver)",
        disturbed.webhookRedeliveries());

    report.checked("every event the gateway answered ACCEPTED/DUPLICATE is on pump.telemetry.v1");
    assertThat(load.acknowledged()).as("acknowledged telemetry").isNotEmpty();
    assertThat(lostTelemetry).as("acknowledged telemetry missing from the topic").isZero();
    assertThat(load.undeclared5xx()).as("5xx other than declared back-pressure").isEmpty();
    report.checked("twins (query API, every pump) equal those of the undisturbed run");
    assertThat(disturbed.fleet().path("count").asInt()).isEqualTo(24);
    assertThat(disturbed.fleet()).isEqualTo(reference.fleet());
    report.checked("latest twin state per pump on pump.twin.state.v1 equals the undisturbed run's");
    assertThat(disturbed.latestStates()).isEqualTo(reference.latestStates());
    report.checked("twin events: the multiset of event ids equals the undisturbed run's (read_committed)");
    assertThat(reference.twinEvents()).isNotEmpty();
    assertThat(Multisets.count(disturbed.twinEvents())).isEqualTo(Multisets.count(reference.twinEvents()));
    report.checked("alerts: the multiset of (pump, type, transition, event time, level, severity) equals "
        + "the undisturbed run's");
    assertThat(reference.alerts()).isNotEmpty();
    assertThat(Multisets.count(disturbed.alerts())).isEqualTo(Multisets.count(reference.alerts()));
    report.checked("notifications: DELIVERED records on pump.notifications.v1 equal the undisturbed run's, "
        + "each notification id delivered once");
    assertThat(reference.deliveredNotifications()).isNotEmpty();
    assertThat(Multisets.count(disturbed.deliveredNotifications()))
        .isEqualTo(Multisets.count(reference.deliveredNotifications()));
    assertThat(disturbed.deliveredNotificationIds()).doesNotHaveDuplicates();
    report.checked("webhook: one delivery per CloudEvent id equals the undisturbed run's deliveries");
    assertThat(Multisets.count(disturbed.distinctWebhookNotifications()))
        .isEqualTo(Multisets.count(reference.distinctWebhookNotifications()));
    report.figure("outcome", "passed");
  }
}
