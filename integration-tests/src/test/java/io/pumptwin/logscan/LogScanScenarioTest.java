package io.pumptwin.logscan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.icegreen.greenmail.configuration.GreenMailConfiguration;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetup;
import com.sun.net.httpserver.HttpServer;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.SmtpSettings;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.NotificationRecord;
import io.pumptwin.events.Severity;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import java.time.Instant;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.DeviceCredential;
import io.pumptwin.simulator.output.GatewaySink;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Secrets and patient ids never reach a log (issue 10, Security). A whole scenario runs in this JVM
 * with every log line captured to a file ({@link CapturedLogs}; PumpTwin's loggers at DEBUG): the
 * simulated fleet signs its telemetry with per-device secrets and sends it through the real gateway,
 * the twin engine and alerting run on the real broker and registry, alerts are paged by a signed
 * webhook and by e-mail over SMTP with a password, staff use the alert API with their tokens (and
 * one caller with a wrong token, and the live stream with its token in the URL), and a forger signs
 * with a wrong key. Then the file is scanned for every device secret, staff token, webhook secret,
 * the SMTP password and every patient pseudonym of the fleet. Pump serials may appear.
 * {@link LogScannerTest} proves the scan finds what was logged on purpose.
 */
@RealKafka
// After the classes that read the shared telemetry topic's first records (see junit-platform.properties).
@Order(Integer.MAX_VALUE - 1)
class LogScanScenarioTest {
  private static final Duration WAIT = Duration.ofMinutes(4);
  private static final SecureRandom RANDOM = new SecureRandom();

  @TempDir Path dir;

  @Test
  void aFullScenarioLogsNoSecretAndNoPatientId(RealStack stack) throws Exception {
    // Small on purpose: status reports every 15 min make a pump-day about 100 signed requests.
    Scenario scenario = new ScenarioLoader().load("occlusion").withOverrides(6, 3.0);
    long seed = 4_242;
    String prefix = stack.uniqueId("LS");
    InMemorySink expected = new InMemorySink();
    new FleetSimulation(scenario, seed).runToEnd(expected);
    Set<String> pseudonyms = expected.telemetry().stream().map(TelemetryEnvelope::getPatientPseudonym)
        .collect(Collectors.toCollection(TreeSet::new));
    Set<String> clinics = expected.telemetry().stream().map(TelemetryEnvelope::getClinicId)
        .collect(Collectors.toCollection(TreeSet::new));

    Map<String, DeviceCredential> credentials = new HashMap<>();
    FleetSimulation simulation = new FleetSimulation(scenario, seed);
    for (String serial : simulation.pumpSerials()) {
      credentials.put(serial, new DeviceCredential("hc-" + serial, ProvisionDevice.newSecret(RANDOM)));
    }
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, credentials.entrySet().stream()
        .map(e -> new Device(e.getValue().deviceId(), e.getValue().secret(), Set.of(e.getKey())))
        .toList());

    String onCallToken = "oncall-" + ProvisionDevice.newSecret(RANDOM);
    String viewerToken = "viewer-" + ProvisionDevice.newSecret(RANDOM);
    String wrongToken = "wrong-" + ProvisionDevice.newSecret(RANDOM);
    String webhookSecret = "hook-" + ProvisionDevice.newSecret(RANDOM);
    String smtpPassword = "smtp-" + ProvisionDevice.newSecret(RANDOM);
    String forgedKey = ProvisionDevice.newSecret(RANDOM);

    List<LogScanner.Needle> needles = new ArrayList<>();
    credentials.values().forEach(c -> needles.add(new LogScanner.Needle("device secret", c.secret())));
    needles.add(new LogScanner.Needle("staff token (on-call)", onCallToken));
    needles.add(new LogScanner.Needle("staff token (viewer)", viewerToken));
    needles.add(new LogScanner.Needle("token offered by an unknown caller", wrongToken));
    needles.add(new LogScanner.Needle("webhook secret", webhookSecret));
    needles.add(new LogScanner.Needle("SMTP password", smtpPassword));
    needles.add(new LogScanner.Needle("forger's key", forgedKey));
    pseudonyms.forEach(p -> needles.add(new LogScanner.Needle("patient id", p)));

    AtomicInteger hooks = new AtomicInteger();
    HttpServer receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    receiver.createContext("/hook", exchange -> {
      exchange.getRequestBody().readAllBytes();
      hooks.incrementAndGet();
      exchange.sendResponseHeaders(200, -1);
      exchange.close();
    });
    receiver.start();
    int smtpPort = FreePorts.pick(1)[0];
    GreenMail smtp = new GreenMail(new ServerSetup(smtpPort, "127.0.0.1", ServerSetup.PROTOCOL_SMTP))
        .withConfiguration(GreenMailConfiguration.aConfig().withUser("alerts@pumptwin.test", "alerts", smtpPassword));
    smtp.start();

    Map<String, OnCallRouting.ClinicRota> rotas = new HashMap<>();
    List<List<String>> chain = List.of(List.of("hook", "mail"));
    clinics.forEach(c -> rotas.put(c, new OnCallRouting.ClinicRota(ZoneId.of("Europe/Berlin"), Severity.LOW,
        List.of(new OnCallRouting.Shift("all-day", Set.of(), LocalTime.MIDNIGHT, LocalTime.MIDNIGHT, chain)))));
    OnCallRouting routing = new OnCallRouting(Map.of(
        "hook", new OnCallRouting.WebhookRecipient("hook",
            URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/hook"), webhookSecret),
        "mail", new OnCallRouting.EmailRecipient("mail", "on-call@clinic.test")), rotas);
    ApiAccess access = new ApiAccess(Map.of(
        ApiAccess.sha256(onCallToken), new ApiAccess.Staff("staff-0901", StaffRole.ON_CALL, clinics),
        ApiAccess.sha256(viewerToken), new ApiAccess.Staff("staff-0902", StaffRole.VIEWER, clinics)));
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), dir, null, null, null);
    AlertingConfig alertingConfig = new AlertingConfig(local.bootstrapServers(),
        stack.uniqueId("logscan-alerting"), local.stateDir(), local.severityPolicy(),
        local.escalationPolicy(), local.sweepInterval(), local.standbyReplicas(), "127.0.0.1", 0, access,
        routing, new SmtpSettings("127.0.0.1", smtpPort, "alerts@pumptwin.test", false, "alerts",
            smtpPassword, 10_000),
        local.deliveryRetry(), Duration.ofSeconds(5), Map.of("commit.interval.ms", 200));

    List<String> lines;
    HttpClient http = HttpClient.newHttpClient();
    try (CapturedLogs logs = CapturedLogs.to(dir.resolve("scenario.log"))) {
      try (TwinEngine twin = new TwinEngine(TwinEngineConfig.defaults(stack.bootstrapServers(),
              stack.registryUrl(), dir.resolve("twin-state"))
              .withApplicationId(stack.uniqueId("logscan-twin")).withQueryServer(0, null)).start();
          AlertingService alerting = new AlertingService(alertingConfig, stack.topicRegistry());
          TelemetryGateway gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(),
              stack.registryUrl(), devices).withListener("127.0.0.1", 0)).start();
          KafkaConsumer<String, AlertEvent> alerts = stack.consumer(Topics.ALERTS);
          KafkaConsumer<String, NotificationRecord> notes = stack.consumer(Topics.NOTIFICATIONS)) {
        alerting.start();
        await().atMost(WAIT).until(() -> twin.state() == KafkaStreams.State.RUNNING
            && alerting.streamsState() == KafkaStreams.State.RUNNING);

        try (GatewaySink sink = new GatewaySink("http://127.0.0.1:" + gateway.port(), credentials::get,
            new InMemorySink())) {
          simulation.runToEnd(sink);
          assertThat(sink.refusedRequests()).isZero();
        }
        // A forger: the device's id with a key that is not its secret.
        String serial = simulation.pumpSerials().get(0);
        byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
        String ts = Long.toString(System.currentTimeMillis());
        HttpResponse<String> forged = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/v1/telemetry"))
            .header("Content-Type", "application/json")
            .header(RequestSignature.DEVICE_HEADER, credentials.get(serial).deviceId())
            .header(RequestSignature.TIMESTAMP_HEADER, ts)
            .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(forgedKey, ts, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(forged.statusCode()).isEqualTo(401);

        // An alert for one of the fleet's pumps (with its patient's pseudonym), raised the way the
        // twin engine raises it, so paging through both channels is certain within three days.
        TelemetryEnvelope first = expected.telemetry().get(0);
        try (KafkaProducer<String, TwinEvent> twinEvents = stack.producer(Topics.TWIN_EVENTS)) {
          twinEvents.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), first.getPumpSerial(),
              batteryEri(first))).get();
        }
        List<AlertEvent> raised = new ArrayList<>();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> {
          alerts.poll(Duration.ofMillis(300)).forEach(r -> {
            if (credentials.containsKey(r.value().getPumpSerial())) {
              raised.add(r.value());
            }
          });
          return !raised.isEmpty() && hooks.get() > 0 && smtp.getReceivedMessages().length > 0;
        });

        // Staff use the API: list, a refused viewer command, a wrong token, the live stream.
        String api = "http://127.0.0.1:" + alerting.apiPort();
        AlertEvent alert = raised.get(0);
        assertThat(http.send(get(api + "/v1/alerts", onCallToken), HttpResponse.BodyHandlers.ofString())
            .statusCode()).isEqualTo(200);
        assertThat(http.send(get(api + "/v1/alerts", wrongToken), HttpResponse.BodyHandlers.ofString())
            .statusCode()).isEqualTo(401);
        String command = api + "/v1/alerts/" + alert.getPumpSerial() + "/" + alert.getAlertType() + "/ACKNOWLEDGE";
        assertThat(http.send(post(command, viewerToken), HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(403);
        // 404 if the simulated fleet's own telemetry resolved the alert meanwhile; the token was used.
        assertThat(http.send(post(command, onCallToken), HttpResponse.BodyHandlers.ofString()).statusCode())
            .isIn(200, 201, 202, 204, 404);
        HttpResponse<Void> stream = http.sendAsync(HttpRequest.newBuilder(
                URI.create(api + "/v1/alerts/stream?access_token=" + onCallToken)).timeout(Duration.ofSeconds(3))
            .GET().build(), HttpResponse.BodyHandlers.discarding()).exceptionally(e -> null).get();
        assertThat(stream == null || stream.statusCode() == 200).isTrue();
        await().atMost(WAIT).pollInterval(Duration.ofMillis(500))
            .until(() -> notes.poll(Duration.ofMillis(300)).count() > 0 || hooks.get() > 1);
      } finally {
        smtp.stop();
        receiver.stop(0);
      }
      lines = logs.lines();
    }

    // The capture saw every service at work, so a clean scan means something.
    String all = String.join("\n", lines);
    assertThat(all).contains("telemetry gateway started").contains("TelemetryEndpoint")
        .containsIgnoringCase("twin").containsIgnoringCase("alerting");
    Path kept = Path.of(System.getProperty("basedir", ".")).resolve("target/log-scan-scenario.log");
    Files.createDirectories(kept.getParent());
    Files.copy(dir.resolve("scenario.log"), kept, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    List<LogScanner.Finding> findings = LogScanner.scan(lines, needles);
    System.out.println("log scan: lines=" + lines.size() + " needles=" + needles.size() + " ("
        + credentials.size() + " device secrets, 3 tokens, webhook secret, SMTP password, forger's key, "
        + pseudonyms.size() + " patient ids) findings=" + findings.size() + " log=" + kept);
    assertThat(findings).as("secrets or patient ids in the logs of a full scenario").isEmpty();
  }

  private static TwinEvent batteryEri(TelemetryEnvelope from) {
    Instant at = Instant.now();
    return TwinEvent.newBuilder()
        .setEventId(from.getPumpSerial() + ":eri:" + at.toEpochMilli())
        .setPumpSerial(from.getPumpSerial())
        .setPatientPseudonym(from.getPatientPseudonym())
        .setClinicId(from.getClinicId())
        .setEventTime(at)
        .setType(TwinEventType.BATTERY_ERI)
        .setTransition(TwinEventTransition.RAISED)
        .setRiskLevel(RiskLevel.WATCH)
        .setHeadline("battery at its elective replacement indicator")
        .setDueAt(null)
        .setDoseMcgPerDay(500.0)
        .setEvidence(List.of(new Evidence("BATTERY", at, "battery reported at ERI", 2.0, from.getEventId())))
        .setTwinValues(Map.of("doseMcgPerDay", 500.0))
        .setSourceEventId(from.getEventId())
        .build();
  }

  private static HttpRequest get(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .timeout(Duration.ofSeconds(30)).GET().build();
  }

  private static HttpRequest post(String url, String token) {
    return HttpRequest.newBuilder(URI.create(url)).header("Authorization", "Bearer " + token)
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString("{\"reason\":\"seen\"}")).build();
  }
}
