package io.pumptwin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.events.AlertCommand;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Attacks on the real, running services (gateway, twin engine, alerting, dashboard) on the real
 * broker and registry, all reading one staff token file: forged, replayed, expired and borrowed
 * device credentials; no token, a bad token, another clinic's token and role escalation on every
 * route of the alert API (its live stream included), the dashboard and the twin query API.
 *
 * <p>Every refusal is checked next to the same request made properly, which succeeds: a test
 * that would pass against a dead service proves nothing.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class AccessControlAttackTest {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String CLINIC_A = "clinic-a";
  static final String CLINIC_B = "clinic-b";
  static final String ON_CALL_A = "tok-oncall-a-" + UUID.randomUUID();
  static final String VIEWER_A = "tok-viewer-a-" + UUID.randomUUID();
  static final String ON_CALL_B = "tok-oncall-b-" + UUID.randomUUID();
  static final String ADMIN_B = "tok-admin-b-" + UUID.randomUUID();
  static final String UNKNOWN = "tok-nobody-" + UUID.randomUUID();

  final ObjectMapper json = new ObjectMapper();
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  final TelemetryJsonWriter writer = new TelemetryJsonWriter();
  RealStack stack;
  Path dir;
  TelemetryGateway gateway;
  TwinEngine twin;
  AlertingService alerting;
  DashboardService dashboard;
  Device deviceA;
  Device deviceB;
  String pumpA;
  String pumpB;
  long sequence = 1;

  @BeforeAll
  void startTheServices(RealStack stack) throws Exception {
    this.stack = stack;
    dir = Files.createTempDirectory("security-attack-");
    pumpA = stack.uniqueId("SECA");
    pumpB = stack.uniqueId("SECB");
    deviceA = new Device("hc-" + pumpA, "secret-a-" + UUID.randomUUID(), Set.of(pumpA));
    deviceB = new Device("hc-" + pumpB, "secret-b-" + UUID.randomUUID(), Set.of(pumpB));
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(deviceA, deviceB));
    Path tokens = dir.resolve("tokens.yaml");
    Files.writeString(tokens, "tokens:\n"
        + token(ON_CALL_A, "staff-oncall-a", StaffRole.ON_CALL, CLINIC_A)
        + token(VIEWER_A, "staff-viewer-a", StaffRole.VIEWER, CLINIC_A)
        + token(ON_CALL_B, "staff-oncall-b", StaffRole.ON_CALL, CLINIC_B)
        + token(ADMIN_B, "staff-admin-b", StaffRole.ADMIN, CLINIC_B));

    gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0)).start();
    twin = new TwinEngine(TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("sec-twin"))
        .withQueryServer(0, null)
        .withReorder(new TwinEngineConfig.ReorderSettings(Duration.ZERO, Duration.ofMinutes(1),
            Duration.ofHours(1), 10_000))
        .withStreamsOverrides(Map.of("commit.interval.ms", 200))
        .withQueryAccess(QueryAccess.load(tokens))).start();
    Map<String, Object> streams = stack.streamsConfig("sec-alerting");
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), Path.of((String) streams.get("state.dir")),
        tokens, null, null);
    alerting = new AlertingService(new AlertingConfig(local.bootstrapServers(), (String) streams.get("application.id"),
        local.stateDir(), local.severityPolicy(), local.escalationPolicy(), local.sweepInterval(), 0,
        "127.0.0.1", 0, local.access(), local.routing(), null, local.deliveryRetry(), local.webhookTimeout(),
        Map.of("commit.interval.ms", 100)), stack.topicRegistry());
    alerting.start();
    dashboard = new DashboardService(DashboardConfig.local(stack.bootstrapServers(), tokens).withPort(0),
        stack.topicRegistry(), Clock.systemUTC());
    dashboard.start();
    await().atMost(WAIT).until(() -> alerting.streamsState() == KafkaStreams.State.RUNNING
        && twin.state() == KafkaStreams.State.RUNNING);

    // Each pump reports through the gateway with its own device; an hour of reports makes a twin.
    Instant now = Instant.now();
    for (int i = 3; i >= 0; i--) {
      for (Device device : List.of(deviceA, deviceB)) {
        String pump = device == deviceA ? pumpA : pumpB;
        HttpResponse<String> r = postSigned(device, List.of(report(pump, device == deviceA ? CLINIC_A : CLINIC_B,
            now.minus(Duration.ofMinutes(20L * i)))));
        assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      }
    }
    // Each clinic gets an open alert from its twin's event.
    try (KafkaProducer<String, TwinEvent> events = stack.producer(Topics.TWIN_EVENTS)) {
      for (TwinEvent e : List.of(twinEvent(pumpA, CLINIC_A, now), twinEvent(pumpB, CLINIC_B, now))) {
        events.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), null, e.getEventTime().toEpochMilli(),
            e.getPumpSerial(), e)).get();
      }
    }
    await().atMost(WAIT).until(() -> twinQuery(ON_CALL_A, "/v1/pumps/" + pumpA).statusCode() == 200
        && twinQuery(ON_CALL_B, "/v1/pumps/" + pumpB).statusCode() == 200);
    await().atMost(WAIT).until(() -> alertsApi(ON_CALL_A, "/v1/alerts").body().contains(pumpA)
        && alertsApi(ON_CALL_B, "/v1/alerts").body().contains(pumpB));
    await().atMost(WAIT).until(() -> dashboardApi(ON_CALL_A, "GET", "/api/alerts", null).body().contains(pumpA)
        && dashboardApi(ON_CALL_A, "GET", "/api/pumps/" + pumpA, null).statusCode() == 200
        && dashboardApi(ON_CALL_B, "GET", "/api/pumps/" + pumpB, null).statusCode() == 200);
  }

  @AfterAll
  void stopTheServices() {
    for (AutoCloseable c : new AutoCloseable[] {dashboard, alerting, twin, gateway}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing what the test started; a failure here hides nothing about the attacks
      }
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Every route is covered

  /**
   * The routes each service serves, read from the running service, must be exactly the routes
   * this class attacks (or declares open, with the reason): a route added later fails here until
   * it is guarded and attacked. Every guarded route then refuses a request without credentials and
   * one with an unknown token.
   */
  @Test
  @Order(1)
  void everyRouteOfEveryServiceIsEitherGuardedOrDeclaredOpen() throws Exception {
    Map<String, String> gatewayRoutes = new LinkedHashMap<>();
    gatewayRoutes.put("POST /v1/telemetry", "device HMAC: deviceCredentials* tests");
    gatewayRoutes.put("GET /health", "open: liveness, no data");
    gatewayRoutes.put("GET /ready", "open: readiness, no data");
    gatewayRoutes.put("GET /metrics", "open: Prometheus, low-cardinality meters only (checked below)");
    gatewayRoutes.put("GET /openapi", "open: the public device contract");
    gatewayRoutes.put("GET /openapi.yaml", "open: the public device contract");
    assertThat(gateway.routes()).containsExactlyInAnyOrderElementsOf(gatewayRoutes.keySet());

    Map<String, String> twinRoutes = new LinkedHashMap<>();
    twinRoutes.put("GET /v1/pumps/{serial}", "staff token, clinic scoped");
    twinRoutes.put("GET /v1/pumps", "staff token, clinic scoped");
    twinRoutes.put("GET /health", "open");
    twinRoutes.put("GET /ready", "open");
    twinRoutes.put("GET /metrics", "open (checked below)");
    assertThat(twin.routes()).containsExactlyInAnyOrderElementsOf(twinRoutes.keySet());

    Map<String, String> alertRoutes = new LinkedHashMap<>();
    alertRoutes.put("GET /v1/alerts", "staff token, clinic scoped");
    alertRoutes.put("GET /v1/alerts/stream", "staff token, clinic scoped (SSE)");
    alertRoutes.put("POST /v1/alerts/{pumpSerial}/{alertType}/{action}", "staff token, ON_CALL/ADMIN, clinic scoped");
    alertRoutes.put("GET /health", "open");
    alertRoutes.put("GET /metrics", "open (checked below)");
    assertThat(alerting.routes()).containsExactlyInAnyOrderElementsOf(alertRoutes.keySet());

    Map<String, String> dashboardRoutes = new LinkedHashMap<>();
    dashboardRoutes.put("GET /", "open: redirect to the sign-in page");
    dashboardRoutes.put("GET /api/health", "open: counts only (checked below)");
    dashboardRoutes.put("POST /api/session", "sign-in: a valid staff token");
    dashboardRoutes.put("DELETE /api/session", "open: signing out only ends the caller's own session");
    dashboardRoutes.put("GET /api/me", "session or staff token");
    dashboardRoutes.put("GET /api/fleet", "session or staff token, clinic scoped");
    dashboardRoutes.put("GET /api/alerts", "session or staff token, clinic scoped");
    dashboardRoutes.put("GET /api/pumps/{serial}", "session or staff token, clinic scoped");
    dashboardRoutes.put("POST /api/alerts/{alertId}/acknowledge", "ON_CALL/ADMIN, clinic scoped");
    dashboardRoutes.put("POST /api/alerts/{alertId}/silence", "ON_CALL/ADMIN, clinic scoped");
    dashboardRoutes.put("GET /api/alerts/stream", "session or staff token, clinic scoped (SSE)");
    assertThat(dashboard.routes()).containsExactlyInAnyOrderElementsOf(dashboardRoutes.keySet());

    // Every guarded route: no credentials and an unknown token are refused with 401.
    String alertA = openAlertId(ON_CALL_A, pumpA);
    for (String route : List.of("GET /v1/pumps/" + pumpA, "GET /v1/pumps", "GET /v1/pumps/" + pumpA + "?local=true",
        "GET /v1/pumps?local=true&clinic=" + CLINIC_A)) {
      assertRefusedWithoutCredentials("twin " + route, baseOf(twin.port()), route);
    }
    String alertType = alertTypeOf(ON_CALL_A, pumpA);
    for (String route : List.of("GET /v1/alerts", "GET /v1/alerts/stream",
        "POST /v1/alerts/" + pumpA + "/" + alertType + "/acknowledge",
        "POST /v1/alerts/" + pumpA + "/" + alertType + "/silence",
        "POST /v1/alerts/" + pumpA + "/" + alertType + "/unsilence",
        "POST /v1/alerts/" + pumpA + "/" + alertType + "/resolve")) {
      assertRefusedWithoutCredentials("alerting " + route, baseOf(alerting.apiPort()), route);
    }
    for (String route : List.of("GET /api/me", "GET /api/fleet", "GET /api/alerts", "GET /api/pumps/" + pumpA,
        "POST /api/alerts/" + alertA + "/acknowledge", "POST /api/alerts/" + alertA + "/silence",
        "GET /api/alerts/stream")) {
      assertRefusedWithoutCredentials("dashboard " + route, baseOf(dashboard.port()), route);
    }

    // The open monitoring routes carry no pump serial, patient pseudonym or clinic.
    for (String url : List.of(baseOf(gateway.port()) + "/metrics", baseOf(twin.port()) + "/metrics",
        baseOf(alerting.apiPort()) + "/metrics", baseOf(dashboard.port()) + "/api/health",
        baseOf(gateway.port()) + "/ready", baseOf(twin.port()) + "/ready")) {
      String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(),
          HttpResponse.BodyHandlers.ofString()).body();
      assertThat(body).as(url).doesNotContain(pumpA, pumpB, "PSN-" + pumpA, CLINIC_A, CLINIC_B);
    }
  }

  private void assertRefusedWithoutCredentials(String what, String base, String route) throws Exception {
    String[] parts = route.split(" ", 2);
    for (Map<String, String> headers : List.of(Map.<String, String>of(),
        Map.of("Authorization", "Bearer " + UNKNOWN),
        Map.of("Authorization", "Basic " + java.util.Base64.getEncoder().encodeToString(
            ("staff-oncall-a:" + ON_CALL_A).getBytes(StandardCharsets.UTF_8))),
        Map.of("Cookie", "pumptwin_session=" + "0".repeat(64)))) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + parts[1])).timeout(Duration.ofSeconds(20));
      headers.forEach(b::header);
      b.method(parts[0], parts[0].equals("POST")
          ? HttpRequest.BodyPublishers.ofString("{\"reason\":\"attack\",\"hours\":1,"
              + "\"silenceUntil\":\"2030-01-01T00:00:00Z\"}")
          : HttpRequest.BodyPublishers.noBody());
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(what + " with " + headers.keySet() + ": " + r.body()).isEqualTo(401);
      assertThat(r.body()).as(what).doesNotContain(pumpA + "\"", "PSN-" + pumpA);
    }
    // The live streams also take a token as a parameter (EventSource cannot send headers).
    HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create(base + parts[1]
        + (parts[1].contains("?") ? "&" : "?") + "access_token=" + UNKNOWN)).timeout(Duration.ofSeconds(20))
        .method(parts[0], HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(what + " with an unknown access_token").isEqualTo(401);
  }

  // ---------------------------------------------------------------------------------------------
  // Device credentials on the gateway

  @Test
  @Order(2)
  void deviceCredentialsHoldAgainstForgeryReplayBorrowedKeysAndStaleTimestamps() throws Exception {
    List<String> refusedIds = new ArrayList<>();
    Instant now = Instant.now();

    // Forged: signed with a guessed secret.
    TelemetryEnvelope forged = report(pumpA, CLINIC_A, now);
    refusedIds.add(forged.getEventId());
    assertRefused(post(deviceA.deviceId(), now, body(forged), sign("guessed-secret", now, body(forged))), 401);

    // Another device's key: B's secret under A's device id, and B's valid credentials for A's pump.
    TelemetryEnvelope borrowed = report(pumpA, CLINIC_A, now);
    refusedIds.add(borrowed.getEventId());
    assertRefused(post(deviceA.deviceId(), now, body(borrowed), sign(deviceB.secret(), now, body(borrowed))), 401);
    TelemetryEnvelope foreignPump = report(pumpA, CLINIC_A, now);
    refusedIds.add(foreignPump.getEventId());
    assertRefused(postSigned(deviceB, List.of(foreignPump)), 403);

    // Tampered: a valid signature over another body.
    TelemetryEnvelope signedOne = report(pumpA, CLINIC_A, now);
    TelemetryEnvelope sentOther = TelemetryEnvelope.newBuilder(signedOne).setClinicId(CLINIC_B).build();
    refusedIds.add(sentOther.getEventId());
    assertRefused(post(deviceA.deviceId(), now, body(sentOther), sign(deviceA.secret(), now, body(signedOne))), 401);

    // Missing credentials, one header at a time, and no headers at all.
    TelemetryEnvelope missing = report(pumpA, CLINIC_A, now);
    refusedIds.add(missing.getEventId());
    byte[] m = body(missing);
    String good = sign(deviceA.secret(), now, m);
    assertRefused(send(m, Map.of(RequestSignature.TIMESTAMP_HEADER, millis(now), RequestSignature.SIGNATURE_HEADER, good)), 401);
    assertRefused(send(m, Map.of(RequestSignature.DEVICE_HEADER, deviceA.deviceId(), RequestSignature.SIGNATURE_HEADER, good)), 401);
    assertRefused(send(m, Map.of(RequestSignature.DEVICE_HEADER, deviceA.deviceId(), RequestSignature.TIMESTAMP_HEADER, millis(now))), 401);
    assertRefused(send(m, Map.of()), 401);
    assertRefused(send(m, Map.of(RequestSignature.DEVICE_HEADER, deviceA.deviceId(),
        RequestSignature.TIMESTAMP_HEADER, now.toString(), RequestSignature.SIGNATURE_HEADER,
        sign(deviceA.secret(), now.toString(), m))), 401);

    // Expired and future timestamps, correctly signed: outside the 5-minute window.
    for (Instant at : List.of(now.minus(Duration.ofMinutes(6)), now.minus(Duration.ofDays(30)),
        now.plus(Duration.ofMinutes(6)))) {
      TelemetryEnvelope stale = report(pumpA, CLINIC_A, now);
      refusedIds.add(stale.getEventId());
      assertRefused(post(deviceA.deviceId(), at, body(stale), sign(deviceA.secret(), at, body(stale))), 401);
    }
    // An unknown device answers exactly like a wrong signature: device ids cannot be probed.
    TelemetryEnvelope unknown = report(pumpA, CLINIC_A, now);
    refusedIds.add(unknown.getEventId());
    HttpResponse<String> unknownDevice = post("hc-nobody", now, body(unknown), sign(deviceA.secret(), now, body(unknown)));
    HttpResponse<String> badSignature = post(deviceA.deviceId(), now, body(unknown), sign("x", now, body(unknown)));
    assertThat(unknownDevice.statusCode()).isEqualTo(badSignature.statusCode()).isEqualTo(401);
    assertThat(json.readTree(unknownDevice.body()).path("detail"))
        .isEqualTo(json.readTree(badSignature.body()).path("detail"));

    // Replayed: the very same signed request twice; the first is stored, the copy refused.
    TelemetryEnvelope once = report(pumpA, CLINIC_A, now);
    byte[] onceBody = body(once);
    String onceSignature = sign(deviceA.secret(), now, onceBody);
    HttpResponse<String> first = post(deviceA.deviceId(), now, onceBody, onceSignature);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    HttpResponse<String> replay = post(deviceA.deviceId(), now, onceBody, onceSignature);
    assertRefused(replay, 401);
    assertThat(replay.body()).contains("already received");
    // A replay with the signature's hex in upper case is the same signature.
    assertRefused(post(deviceA.deviceId(), now, onceBody, onceSignature.toUpperCase()), 401);

    // Nothing refused reached the telemetry topic, and the accepted request is there exactly once.
    TelemetryEnvelope barrier = report(pumpA, CLINIC_A, Instant.now());
    HttpResponse<String> stored202 = postSigned(deviceA, List.of(barrier));
    assertThat(stored202.statusCode()).as(stored202.body()).isEqualTo(202);
    List<String> stored = new ArrayList<>();
    try (KafkaConsumer<String, TelemetryEnvelope> consumer = stack.consumer(Topics.TELEMETRY)) {
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (!stored.contains(barrier.getEventId()) && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, TelemetryEnvelope> r : consumer.poll(Duration.ofMillis(200))) {
          stored.add(r.value().getEventId());
        }
      }
    }
    assertThat(stored).contains(barrier.getEventId()).doesNotContainAnyElementsOf(refusedIds);
    assertThat(stored.stream().filter(once.getEventId()::equals).count()).isEqualTo(1);
    // Every refusal is dead-lettered, unauthenticated ones too (rate-limited per remote address,
    // far below its burst here): the forged and the borrowed-key requests each have a BAD_SIGNATURE
    // record with their body, and no record carries a device secret.
    try (KafkaConsumer<String, io.pumptwin.events.DeadLetter> dlq = stack.consumer(Topics.TELEMETRY_DLQ)) {
      List<io.pumptwin.events.DeadLetter> dead = new ArrayList<>();
      await().atMost(WAIT).untilAsserted(() -> {
        RealStack.poll(dlq, Integer.MAX_VALUE, Duration.ofSeconds(2)).forEach(r -> dead.add(r.value()));
        for (String id : refusedIds.subList(0, 2)) {
          assertThat(dead).filteredOn(d -> StandardCharsets.UTF_8.decode(d.getRawValue().duplicate())
              .toString().contains(id)).singleElement()
              .satisfies(d -> assertThat(d.getReasonCode()).isEqualTo("BAD_SIGNATURE"));
        }
      });
      assertThat(dead).noneMatch(d -> d.toString().contains(deviceA.secret()) || d.toString().contains(deviceB.secret()));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The twin query API

  @Test
  @Order(3)
  void theTwinQueryApiAnswersOnlyForTheCallersClinics() throws Exception {
    // Baseline: each clinic reads its own pump, every role may read.
    assertThat(twinQuery(ON_CALL_A, "/v1/pumps/" + pumpA).statusCode()).isEqualTo(200);
    assertThat(twinQuery(VIEWER_A, "/v1/pumps/" + pumpA).statusCode()).isEqualTo(200);
    assertThat(twinQuery(ON_CALL_B, "/v1/pumps/" + pumpB).statusCode()).isEqualTo(200);
    // Another clinic's pump is answered exactly like a pump that does not exist.
    HttpResponse<String> foreign = twinQuery(ON_CALL_B, "/v1/pumps/" + pumpA);
    HttpResponse<String> missing = twinQuery(ON_CALL_B, "/v1/pumps/NO-SUCH-PUMP");
    assertThat(foreign.statusCode()).isEqualTo(missing.statusCode()).isEqualTo(404);
    assertThat(foreign.body()).doesNotContain("PSN-", CLINIC_A);
    assertThat(twinQuery(ADMIN_B, "/v1/pumps/" + pumpA + "?local=true").statusCode()).isEqualTo(404);
    // Fleet queries: the caller's clinics only, whatever the filter asks for.
    assertThat(twinQuery(ON_CALL_A, "/v1/pumps?limit=1000").body()).contains(pumpA).doesNotContain(pumpB);
    for (String query : List.of("/v1/pumps?limit=1000", "/v1/pumps?clinic=" + CLINIC_A,
        "/v1/pumps?clinic=" + CLINIC_A + "&local=true", "/v1/pumps?risk=NONE&limit=1000")) {
      HttpResponse<String> r = twinQuery(ADMIN_B, query);
      assertThat(r.statusCode()).as(query).isEqualTo(200);
      assertThat(r.body()).as(query).doesNotContain(pumpA, CLINIC_A);
    }
    assertThat(json.readTree(twinQuery(ON_CALL_B, "/v1/pumps?clinic=" + CLINIC_A).body()).path("count").asInt())
        .isZero();
  }

  // ---------------------------------------------------------------------------------------------
  // The alert API and its live stream

  @Test
  @Order(4)
  void theAlertApiListsAndStreamsOnlyTheCallersClinics() throws Exception {
    assertThat(alertsApi(ON_CALL_A, "/v1/alerts").body()).contains(pumpA).doesNotContain(pumpB);
    assertThat(alertsApi(VIEWER_A, "/v1/alerts").body()).contains(pumpA).doesNotContain(pumpB);
    assertThat(alertsApi(ADMIN_B, "/v1/alerts").body()).contains(pumpB).doesNotContain(pumpA);

    String base = baseOf(alerting.apiPort()) + "/v1/alerts/stream";
    try (SseListener a = SseListener.open(http, base, Map.of("Authorization", "Bearer " + ON_CALL_A));
         SseListener b = SseListener.open(http, base + "?access_token=" + ON_CALL_B, Map.of())) {
      assertThat(a.status()).isEqualTo(200);
      assertThat(b.status()).isEqualTo(200);
      // The snapshot each stream starts with.
      assertThat(a.await(l -> l.contains(pumpA), WAIT)).isTrue();
      assertThat(b.await(l -> l.contains(pumpB), WAIT)).isTrue();
      // A new alert in clinic A: broadcast to every subscriber in the same pass, so once A's stream
      // has it, B's would have had it before anything published later.
      String markerA = stack.uniqueId("SECA2");
      sendTwinEvent(twinEvent(markerA, CLINIC_A, Instant.now()));
      assertThat(a.await(l -> l.contains(markerA), WAIT)).as("A's stream got its clinic's new alert").isTrue();
      String marker = stack.uniqueId("SECB2");
      sendTwinEvent(twinEvent(marker, CLINIC_B, Instant.now()));
      assertThat(b.await(l -> l.contains(marker), WAIT)).as("B's stream got its own clinic's alert").isTrue();
      assertThat(b.lines()).noneMatch(l -> l.contains(pumpA) || l.contains(markerA) || l.contains(CLINIC_A));
      assertThat(a.lines()).noneMatch(l -> l.contains(marker) || l.contains(pumpB));
    }
  }

  @Test
  @Order(5)
  void alertCommandsRefuseViewersOtherClinicsAndForgedIdentities() throws Exception {
    String typeA = alertTypeOf(ON_CALL_A, pumpA);
    String typeB = alertTypeOf(ON_CALL_B, pumpB);
    String body = "{\"reason\":\"planned catheter check\",\"silenceUntil\":\""
        + Instant.now().plus(Duration.ofHours(2)) + "\"}";
    for (String action : List.of("acknowledge", "silence", "unsilence", "resolve")) {
      // A viewer may not act, in their own clinic or another's.
      assertThat(alertCommand(VIEWER_A, pumpA, typeA, action, body).statusCode()).as("viewer " + action).isEqualTo(403);
      assertThat(alertCommand(VIEWER_A, pumpB, typeB, action, body).statusCode()).as("viewer " + action).isEqualTo(403);
      // On-call staff and admins of clinic B may not act on clinic A's alert: it does not exist for them.
      assertThat(alertCommand(ON_CALL_B, pumpA, typeA, action, body).statusCode()).as("other clinic " + action)
          .isEqualTo(404);
      assertThat(alertCommand(ADMIN_B, pumpA, typeA, action, body).statusCode()).as("other admin " + action)
          .isEqualTo(404);
    }
    // Identity comes from the token, never from the body: an on-call nurse claiming to be an admin
    // of clinic B acknowledges as herself, in her own clinic.
    try (KafkaConsumer<String, AlertCommand> commands = stack.consumer(Topics.ALERT_COMMANDS)) {
      HttpResponse<String> ack = alertCommand(ON_CALL_A, pumpA, typeA, "acknowledge",
          "{\"reason\":\"seen\",\"userId\":\"staff-admin-b\",\"role\":\"ADMIN\",\"clinicId\":\"" + CLINIC_B + "\"}");
      assertThat(ack.statusCode()).as(ack.body()).isEqualTo(202);
      String commandId = json.readTree(ack.body()).path("commandId").asText();
      AlertCommand written = null;
      long deadline = System.nanoTime() + WAIT.toNanos();
      while (written == null && System.nanoTime() < deadline) {
        for (ConsumerRecord<String, AlertCommand> r : commands.poll(Duration.ofMillis(200))) {
          if (r.value().getCommandId().equals(commandId)) {
            written = r.value();
          }
        }
      }
      assertThat(written).isNotNull();
      assertThat(written.getUserId()).isEqualTo("staff-oncall-a");
      assertThat(written.getRole()).isEqualTo(StaffRole.ON_CALL);
      assertThat(written.getClinicId()).isEqualTo(CLINIC_A);
      assertThat(written.getPumpSerial()).isEqualTo(pumpA);
    }
    // A path that tries to reach another pump through encoding or traversal finds nothing.
    for (String serial : List.of(URLEncoder.encode(pumpA + "/../" + pumpB, StandardCharsets.UTF_8),
        pumpA.toLowerCase(), pumpA + "%00")) {
      assertThat(alertCommand(ON_CALL_B, serial, typeA, "acknowledge", body).statusCode()).as(serial)
          .isIn(400, 404);
    }
  }

  // ---------------------------------------------------------------------------------------------
  // The dashboard

  @Test
  @Order(6)
  void theDashboardShowsAndActsOnlyWithinTheCallersClinicsAndRole() throws Exception {
    // Sign-in: an unknown token gets no session; a known one does, and signing out ends it.
    assertThat(dashboardApi(null, "POST", "/api/session", "{\"token\":\"" + UNKNOWN + "\"}").statusCode())
        .isEqualTo(401);
    assertThat(dashboardApi(null, "POST", "/api/session", "{\"token\":\"\"}").statusCode()).isEqualTo(401);
    HttpResponse<String> signedIn = dashboardApi(null, "POST", "/api/session", "{\"token\":\"" + ON_CALL_B + "\"}");
    assertThat(signedIn.statusCode()).isEqualTo(200);
    String cookie = signedIn.headers().allValues("Set-Cookie").stream()
        .filter(c -> c.startsWith("pumptwin_session=")).findFirst().orElseThrow();
    assertThat(cookie).containsIgnoringCase("HttpOnly").containsIgnoringCase("SameSite=Strict");
    String session = cookie.split(";", 2)[0];
    HttpResponse<String> fleetB = cookieGet(session, "/api/fleet");
    assertThat(fleetB.statusCode()).isEqualTo(200);
    assertThat(fleetB.body()).contains(pumpB).doesNotContain(pumpA);
    assertThat(cookieGet(session, "/api/fleet?clinic=" + CLINIC_A).body()).doesNotContain(pumpA);
    assertThat(cookieGet(session, "/api/pumps/" + pumpA).statusCode()).isEqualTo(404);
    assertThat(cookieGet(session, "/api/alerts").body()).contains(pumpB).doesNotContain(pumpA);
    HttpRequest signOut = HttpRequest.newBuilder(URI.create(baseOf(dashboard.port()) + "/api/session"))
        .header("Cookie", session).DELETE().build();
    assertThat(http.send(signOut, HttpResponse.BodyHandlers.ofString()).statusCode()).isEqualTo(204);
    assertThat(cookieGet(session, "/api/fleet").statusCode()).as("the session is gone").isEqualTo(401);

    // Scoping with a staff token: clinic A's pump, alert and stream are invisible to clinic B.
    assertThat(dashboardApi(ON_CALL_A, "GET", "/api/pumps/" + pumpA, null).statusCode()).isEqualTo(200);
    assertThat(dashboardApi(ADMIN_B, "GET", "/api/pumps/" + pumpA, null).statusCode()).isEqualTo(404);
    assertThat(dashboardApi(ADMIN_B, "GET", "/api/fleet?clinic=" + CLINIC_A, null).body()).doesNotContain(pumpA);
    assertThat(dashboardApi(ADMIN_B, "GET", "/api/alerts", null).body()).doesNotContain(pumpA);
    assertThat(dashboardApi(ADMIN_B, "GET", "/api/me", null).body()).contains("staff-admin-b")
        .doesNotContain(CLINIC_A);

    String alertA = openAlertId(ON_CALL_A, pumpA);
    for (String action : List.of("acknowledge", "silence")) {
      String body = "{\"reason\":\"attack\",\"hours\":1}";
      assertThat(dashboardApi(VIEWER_A, "POST", "/api/alerts/" + alertA + "/" + action, body).statusCode())
          .as("viewer " + action).isEqualTo(403);
      assertThat(dashboardApi(ON_CALL_B, "POST", "/api/alerts/" + alertA + "/" + action, body).statusCode())
          .as("other clinic " + action).isEqualTo(404);
      assertThat(dashboardApi(ADMIN_B, "POST", "/api/alerts/" + alertA + "/" + action, body).statusCode())
          .as("other clinic's admin " + action).isEqualTo(404);
    }
    // The same command by the right person goes through (the refusals above are not a broken route).
    assertThat(dashboardApi(ON_CALL_A, "POST", "/api/alerts/" + alertA + "/silence",
        "{\"reason\":\"planned work\",\"hours\":1}").statusCode()).isEqualTo(202);

    String stream = baseOf(dashboard.port()) + "/api/alerts/stream";
    try (SseListener b = SseListener.open(http, stream, Map.of("Authorization", "Bearer " + ON_CALL_B))) {
      assertThat(b.status()).isEqualTo(200);
      String marker = stack.uniqueId("SECB3");
      sendTwinEvent(twinEvent(pumpA, CLINIC_A, Instant.now(), RiskLevel.URGENT));
      sendTwinEvent(twinEvent(marker, CLINIC_B, Instant.now(), RiskLevel.URGENT));
      assertThat(b.await(l -> l.contains(marker), WAIT)).as("B's stream got its own clinic's alert").isTrue();
      assertThat(b.await(l -> l.contains(pumpB), WAIT)).isTrue();
      assertThat(b.lines()).noneMatch(l -> l.contains(pumpA) || l.contains(CLINIC_A));
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Helpers

  private static String token(String token, String userId, StaffRole role, String clinic) {
    return "  - sha256: " + QueryAccess.sha256(token) + "\n    userId: " + userId + "\n    role: " + role
        + "\n    clinics: [" + clinic + "]\n";
  }

  private TelemetryEnvelope report(String pump, String clinic, Instant at) {
    long seq = sequence++;
    return TelemetryEnvelope.newBuilder(SampleRecords.statusReport(pump, seq))
        .setEventId(UUID.randomUUID().toString())
        .setPatientPseudonym("PSN-" + pump)
        .setClinicId(clinic)
        .setEventTime(at)
        .build();
  }

  private static TwinEvent twinEvent(String serial, String clinic, Instant at) {
    return twinEvent(serial, clinic, at, RiskLevel.URGENT);
  }

  private static TwinEvent twinEvent(String serial, String clinic, Instant at, RiskLevel level) {
    return TwinEvent.newBuilder()
        .setEventId(serial + ":UNDERDOSE_RISK:" + level + ":" + at.toEpochMilli())
        .setPumpSerial(serial)
        .setPatientPseudonym("PSN-" + serial)
        .setClinicId(clinic)
        .setEventTime(at)
        .setType(TwinEventType.UNDERDOSE_RISK)
        .setTransition(level == RiskLevel.URGENT ? TwinEventTransition.RAISED : TwinEventTransition.UPDATED)
        .setRiskLevel(level)
        .setHeadline("delivery stopped")
        .setDueAt(null)
        .setDoseMcgPerDay(650.0)
        .setEvidence(List.of(new Evidence("MOTOR_STALL", at, "motor stall logged by the pump", 2.0, "tel-1")))
        .setTwinValues(Map.of("doseMcgPerDay", 650.0, "hoursSinceDeliveryStopped", 3.0))
        .setSourceEventId("tel-1")
        .build();
  }

  private void sendTwinEvent(TwinEvent e) throws Exception {
    try (KafkaProducer<String, TwinEvent> events = stack.producer(Topics.TWIN_EVENTS)) {
      events.send(new ProducerRecord<>(Topics.TWIN_EVENTS.name(), null, e.getEventTime().toEpochMilli(),
          e.getPumpSerial(), e)).get();
    }
  }

  private byte[] body(TelemetryEnvelope event) {
    return writer.batch(List.of(event));
  }

  private static String millis(Instant at) {
    return Long.toString(at.toEpochMilli());
  }

  private static String sign(String secret, Instant at, byte[] body) {
    return RequestSignature.sign(secret, millis(at), body);
  }

  private static String sign(String secret, String timestamp, byte[] body) {
    return RequestSignature.sign(secret, timestamp, body);
  }

  private HttpResponse<String> postSigned(Device device, List<TelemetryEnvelope> events) throws Exception {
    Instant now = Instant.now();
    byte[] body = writer.batch(events);
    return post(device.deviceId(), now, body, sign(device.secret(), now, body));
  }

  private HttpResponse<String> post(String deviceId, Instant at, byte[] body, String signature) throws Exception {
    return send(body, Map.of(RequestSignature.DEVICE_HEADER, deviceId, RequestSignature.TIMESTAMP_HEADER, millis(at),
        RequestSignature.SIGNATURE_HEADER, signature));
  }

  private HttpResponse<String> send(byte[] body, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseOf(gateway.port()) + "/v1/telemetry"))
        .header("Content-Type", "application/json").timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    headers.forEach(b::header);
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private void assertRefused(HttpResponse<String> r, int status) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
    JsonNode problem = json.readTree(r.body());
    assertThat(problem.path("detail").asText()).as("every refusal is explained").isNotBlank();
    if (status == 401) {
      assertThat(r.headers().firstValue("WWW-Authenticate")).isPresent();
    }
  }

  private static String baseOf(int port) {
    return "http://127.0.0.1:" + port;
  }

  private HttpResponse<String> get(String url, Map<String, String> headers) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(30));
    headers.forEach(b::header);
    return http.send(b.GET().build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> twinQuery(String token, String path) throws Exception {
    return get(baseOf(twin.port()) + path, Map.of("Authorization", "Bearer " + token));
  }

  private HttpResponse<String> alertsApi(String token, String path) throws Exception {
    return get(baseOf(alerting.apiPort()) + path, Map.of("Authorization", "Bearer " + token));
  }

  private HttpResponse<String> alertCommand(String token, String serial, String type, String action, String body)
      throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create(baseOf(alerting.apiPort()) + "/v1/alerts/" + serial + "/"
            + type + "/" + action)).header("Authorization", "Bearer " + token).timeout(Duration.ofSeconds(30))
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> dashboardApi(String token, String method, String path, String body) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseOf(dashboard.port()) + path))
        .timeout(Duration.ofSeconds(30)).header("Content-Type", "application/json")
        .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private HttpResponse<String> cookieGet(String cookie, String path) throws Exception {
    return get(baseOf(dashboard.port()) + path, Map.of("Cookie", cookie));
  }

  private String openAlertId(String token, String serial) throws Exception {
    for (JsonNode a : json.readTree(alertsApi(token, "/v1/alerts").body())) {
      if (a.path("pumpSerial").asText().equals(serial)) {
        return a.path("alertId").asText();
      }
    }
    throw new AssertionError("no open alert for " + serial);
  }

  private String alertTypeOf(String token, String serial) throws Exception {
    for (JsonNode a : json.readTree(alertsApi(token, "/v1/alerts").body())) {
      if (a.path("pumpSerial").asText().equals(serial)) {
        return a.path("alertType").asText();
      }
    }
    throw new AssertionError("no open alert for " + serial);
  }
}
