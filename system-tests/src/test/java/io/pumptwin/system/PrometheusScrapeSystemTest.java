package io.pumptwin.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.dashboard.access.StaffDirectory;
import io.pumptwin.dashboard.access.StaffMember;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.SimulatorCommand;
import io.pumptwin.simulator.output.DeviceCredential;
import io.pumptwin.simulator.output.GatewaySink;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real Prometheus server scrapes every service: telemetry gateway, twin engine, alerting with the dashboard in
 * its process (the dashboard's meters bound to alerting's registry, as the alerting image does), and a running
 * fleet simulator on its metrics port. Telemetry flows from a device through the gateway to an alert, which a
 * browser connected to the dashboard's live stream receives; then the simulator writes a small fleet to Kafka.
 * Prometheus finds every meter the README's "Metrics" section documents, under the job it names, and what the
 * meters say agrees with what happened.
 */
@RealKafka
class PrometheusScrapeSystemTest {
  private static final Logger log = LoggerFactory.getLogger(PrometheusScrapeSystemTest.class);
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  private static final int PUMPS = 3;
  private static final int SIMULATED_PUMPS = 4;
  private static final String CLINIC = "clinic-pr";
  private static final Path README = Path.of("..", "README.md");

  @Test
  void prometheusScrapesEveryServiceAndFindsTheDocumentedMeters(RealStack stack, @TempDir Path dir)
      throws Exception {
    Map<String, String> documented = documentedMeters();
    assertThat(documented).as("meters listed in the README's Metrics section").isNotEmpty();

    Map<String, DeviceCredential> credentials = new LinkedHashMap<>();
    SecureRandom random = new SecureRandom();
    for (int p = 0; p < PUMPS; p++) {
      credentials.put(serial(p), new DeviceCredential("hc-" + serial(p), ProvisionDevice.newSecret(random)));
    }
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, credentials.entrySet().stream()
        .map(e -> new Device(e.getValue().deviceId(), e.getValue().secret(), Set.of(e.getKey()))).toList());

    GatewayConfig gatewayConfig = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0);
    TwinEngineConfig twinConfig = TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("prometheus-twin"))
        .withQueryServer(0, null);
    AlertingConfig alertingConfig = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null)
        .withApiPort(0);
    String staffToken = ProvisionDevice.newSecret(random);
    DashboardConfig dashboardConfig = DashboardConfig.local(stack.bootstrapServers(), null).withPort(0)
        .withStaff(new StaffDirectory(Map.of(StaffDirectory.sha256(staffToken),
            new StaffMember("staff-pr-1", StaffRole.VIEWER, Set.of(CLINIC)))));
    int simulatorPort = FreePorts.pick(1)[0];

    try (TelemetryGateway gateway = new TelemetryGateway(gatewayConfig).start();
        TwinEngine twin = new TwinEngine(twinConfig).start();
        AlertingService alerting = new AlertingService(alertingConfig, stack.topicRegistry());
        KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS)) {
      alerting.start();
      await("alerting running").atMost(PATIENCE).until(() -> alerting.streamsState() == KafkaStreams.State.RUNNING);
      // As the alerting image runs it: the dashboard in alerting's process, its meters in alerting's registry.
      DashboardService dashboard = new DashboardService(dashboardConfig, stack.topicRegistry(), Clock.systemUTC(),
          alerting.meters());
      dashboard.start();
      List<String> browser = new CopyOnWriteArrayList<>();

      Map<String, String> jobs = Map.of("telemetry-gateway", "127.0.0.1:" + gateway.port(),
          "twin-engine", "127.0.0.1:" + twin.port(), "alerting", "127.0.0.1:" + alerting.apiPort(),
          "fleet-simulator", "127.0.0.1:" + simulatorPort);
      List<PrometheusServer.Job> scrape = jobs.entrySet().stream()
          .map(e -> new PrometheusServer.Job(e.getKey(), List.of(e.getValue()))).toList();
      try (dashboard; PrometheusServer prometheus = PrometheusServer.start(dir.resolve("prometheus"), scrape)) {
        // A browser on the dashboard's live alert stream, as staff of the pumps' clinic.
        HttpClient http = HttpClient.newHttpClient();
        http.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + dashboard.port()
                    + "/api/alerts/stream")).header("Authorization", "Bearer " + staffToken)
                    .header("Accept", "text/event-stream").build(),
                HttpResponse.BodyHandlers.ofLines())
            .thenAccept(r -> r.body().forEach(browser::add));
        await("the browser's snapshot").atMost(PATIENCE).until(() -> browser.contains("event: snapshot"));

        // Prometheus scrapes from the start; meanwhile a device's telemetry through the gateway: refills and
        // status reports, and a critical pump alarm that becomes an alert, so the meters of each step count.
        List<TelemetryEnvelope> sent = telemetry();
        try (GatewaySink device = new GatewaySink("http://127.0.0.1:" + gateway.port(), credentials::get,
            new InMemorySink())) {
          sent.forEach(device::telemetry);
          device.flush();
          assertThat(device.refusedRequests()).isZero();
        }
        List<ConsumerRecord<String, AlertEvent>> raised = new ArrayList<>();
        await("the critical alarm's alert on " + Topics.ALERTS.name()).atMost(PATIENCE)
            .until(() -> {
              alerts.poll(Duration.ofMillis(500)).forEach(raised::add);
              return raised.stream().anyMatch(r -> r.key().equals(serial(0)));
            });

        await("the alert pushed to the browser").atMost(PATIENCE).until(() -> browser.contains("event: alert"));

        // What gateway and twin counted is exactly what the device sent, before the simulator adds its fleet.
        await("gateway and twin counts scraped").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
            .untilAsserted(() -> {
              assertThat(sum(prometheus, "sum(gateway_events_total{outcome=\"accepted\"})")).isEqualTo(sent.size());
              assertThat(sum(prometheus, "sum(twin_telemetry_total{outcome=\"applied\"})")).isEqualTo(sent.size());
              assertThat(sum(prometheus, "sum(twin_events_total{type=\"PUMP_CRITICAL_ALARM\"})"))
                  .isGreaterThanOrEqualTo(1);
            });

        // The simulator, as its image runs it: a small fleet to Kafka, metrics on its port, a year at one
        // simulated day per second (far longer than this test), stopped by interruption at the end.
        StringWriter simulatorOut = new StringWriter();
        CommandLine simulate = new CommandLine(new SimulatorCommand());
        simulate.setOut(new PrintWriter(simulatorOut, true));
        CompletableFuture<Integer> simulatorExit = new CompletableFuture<>();
        Thread simulator = new Thread(() -> simulatorExit.complete(simulate.execute("--scenario", "nominal-fleet",
            "--pumps", String.valueOf(SIMULATED_PUMPS), "--days", "365", "--time-mode", "accelerated:86400",
            "--output", "kafka:" + stack.bootstrapServers(), "--registry", stack.registryUrl(),
            "--metrics-port", String.valueOf(simulatorPort))), "fleet-simulator");
        simulator.start();
        try {
          scrapeEverything(prometheus, jobs, documented);
        } finally {
          simulator.interrupt();
        }
        assertThat(simulatorExit.get(2, TimeUnit.MINUTES)).as(simulatorOut.toString()).isEqualTo(130);
        assertThat(simulatorOut.toString()).contains("event=simulation.stopped");
      }
    }
  }

  /** Every target up, every documented meter under its job, and the dashboard's and simulator's figures. */
  private static void scrapeEverything(PrometheusServer prometheus, Map<String, String> jobs,
      Map<String, String> documented) throws Exception {
    await("every target scraped and up").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
        .until(() -> {
          assertThat(prometheus.alive()).as("prometheus running\n%s", prometheus.logTail()).isTrue();
          try {
            List<JsonNode> targets = prometheus.activeTargets();
            return targets.size() == jobs.size()
                && targets.stream().allMatch(t -> "up".equals(t.path("health").asText()));
          } catch (java.io.IOException e) {
            return false; // not listening yet
          }
        });
    Set<String> jobsSeen = new TreeSet<>();
    prometheus.activeTargets().forEach(t -> jobsSeen.add(t.path("labels").path("job").asText()));
    assertThat(jobsSeen).isEqualTo(jobs.keySet());
    for (JsonNode up : prometheus.query("up")) {
      assertThat(up.path("value").get(1).asText()).as("up %s", up.path("metric")).isEqualTo("1");
    }
    log.info("event=prometheus.meters names={}", prometheus.api("/api/v1/label/__name__/values"));

    // Every documented meter is there, exposed by the service the README names, and what the meters say
    // agrees with what happened; asked again until a scrape after the last event has been stored.
    await("documented meters scraped").atMost(PATIENCE).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
      for (Map.Entry<String, String> meter : documented.entrySet()) {
        List<JsonNode> series = prometheus.query(meter.getKey());
        assertThat(series).as("series of %s", meter.getKey()).isNotEmpty();
        assertThat(series).as("%s scraped from job %s", meter.getKey(), meter.getValue())
            .anySatisfy(s -> assertThat(PrometheusServer.labels(s)).containsEntry("job", meter.getValue()));
      }
      // The dashboard: one browser connected, its snapshot and the alert pushed, the alert read by its feed,
      // and its feed consumer's own client metrics beside alerting's.
      assertThat(sum(prometheus, "sum(dashboard_sse_clients{job=\"alerting\"})")).isEqualTo(1);
      assertThat(sum(prometheus, "sum(dashboard_events_pushed_total{event=\"snapshot\"})")).isEqualTo(1);
      assertThat(sum(prometheus, "sum(dashboard_events_pushed_total{event=\"alert\"})")).isGreaterThanOrEqualTo(1);
      assertThat(sum(prometheus, "sum(dashboard_feed_records_total{topic=\"" + Topics.ALERTS.name()
          + "\",outcome=\"applied\"})")).isGreaterThanOrEqualTo(1);
      assertThat(prometheus.query("kafka_consumer_fetch_manager_records_lag_max{job=\"alerting\","
          + "client_id=\"pumptwin-dashboard-feed\"}")).as("the dashboard feed's consumer metrics").isNotEmpty();
      // The twin engine's two stores, one on the heap and one in RocksDB: both stores' meters, under one tag key
      // (Prometheus refused the second kind's meters when Kafka Streams' tag keys differed).
      for (String store : List.of("pump-twins", "pump-twins-cold")) {
        assertThat(prometheus.query("kafka_stream_state_put_rate{job=\"twin-engine\",state_id=\"" + store + "\"}"))
            .as("state store meters of %s", store).isNotEmpty();
      }
      // The simulator: its fleet, its acknowledged sends, no failures, its producer's client metrics.
      assertThat(sum(prometheus, "sum(simulator_pumps)")).isEqualTo(SIMULATED_PUMPS);
      assertThat(sum(prometheus, "sum(simulator_events_sent_total{kind=\"status_report\"})")).isPositive();
      assertThat(sum(prometheus, "sum(simulator_send_failures_total)")).isZero();
      assertThat(sum(prometheus, "sum(kafka_producer_record_send_total{job=\"fleet-simulator\","
          + "client_id=\"pumptwin-fleet-simulator\"})")).isPositive();
    });
  }

  private static double sum(PrometheusServer prometheus, String promql) throws Exception {
    List<JsonNode> result = prometheus.query(promql);
    assertThat(result).as(promql).hasSize(1);
    return result.get(0).path("value").get(1).asDouble();
  }

  /**
   * The README's "Metrics" table: the meter's Prometheus name in backticks in the first column, the scrape job
   * (service) in the second.
   */
  static Map<String, String> documentedMeters() throws Exception {
    String readme = Files.readString(README);
    int start = readme.indexOf("\n## Metrics\n");
    assertThat(start).as("README has a Metrics section").isGreaterThanOrEqualTo(0);
    int end = readme.indexOf("\n## ", start + 1);
    String section = readme.substring(start, end < 0 ? readme.length() : end);
    Matcher row = Pattern.compile("(?m)^\\| `([a-z_:]+)` \\| ([a-z-]+) \\|").matcher(section);
    Map<String, String> meters = new LinkedHashMap<>();
    while (row.find()) {
      meters.put(row.group(1), row.group(2));
    }
    return meters;
  }

  /** Per pump a refill, then hourly status reports up to a minute ago; pump 0's last report is a motor stall. */
  private static List<TelemetryEnvelope> telemetry() {
    Instant now = Instant.now().truncatedTo(ChronoUnit.HOURS);
    List<TelemetryEnvelope> events = new ArrayList<>();
    int slots = 4;
    for (int slot = 0; slot <= slots; slot++) {
      for (int p = 0; p < PUMPS; p++) {
        Instant at = now.minus(Duration.ofHours(slots - slot + 1)).plusSeconds(p);
        Object payload;
        if (slot == 0) {
          payload = RefillRecord.newBuilder().setExpectedResidualMl(2.0).setMeasuredResidualMl(2.0)
              .setFilledVolumeMl(20).setReservoirCapacityMl(20).setConcentrationMcgPerMl(2000)
              .setDoseMcgPerDay(500).setLowReservoirAlarmMl(2.0).setProgrammedConcentrationMcgPerMl(null)
              .setPocketFillSuspected(false).build();
        } else if (slot == slots && p == 0) {
          payload = PumpAlarm.newBuilder().setKind(PumpAlarmKind.MOTOR_STALL).setCritical(true).setDetail(null)
              .build();
        } else {
          payload = StatusReport.newBuilder().setPumpComputedReservoirMl(20 - slot * 0.01)
              .setReservoirCapacityMl(20).setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000)
              .setDoseMcgPerDay(500).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
              .setBatteryRemainingPercent(80).setBatteryVoltageV(null).setActiveAlarms(List.of())
              .setManufacturedOn(null).build();
        }
        events.add(TelemetryEnvelope.newBuilder().setEventId(UUID.nameUUIDFromBytes((serial(p) + "-" + slot).getBytes(StandardCharsets.UTF_8)).toString()).setPumpSerial(serial(p))
            .setPatientPseudonym("pt-pr-" + p).setClinicId("clinic-pr").setEventTime(at).setSequence(slot)
            .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null).setPayload(payload).build());
      }
    }
    return events;
  }

  private static String serial(int p) {
    return String.format("PR%05d", p);
  }
}
