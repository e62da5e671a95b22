package io.pumptwin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.AlertingService;
import io.pumptwin.dashboard.DashboardConfig;
import io.pumptwin.dashboard.DashboardService;
import io.pumptwin.events.StaffRole;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.service.security.SelfSignedCertificate;
import io.pumptwin.service.security.TlsSettings;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Every HTTP service configured with a key store serves HTTPS, and only HTTPS: a client that
 * trusts the (self-signed, made in the test) certificate gets its answers, the staff token and
 * clinic rules still hold, plain HTTP to the same port gets no answer, and a client that does not
 * trust the certificate does not connect.
 */
@RealKafka
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HttpsEndpointsTest {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final String TOKEN = "tok-https-" + UUID.randomUUID();

  SelfSignedCertificate certificate;
  HttpClient trusting;
  final HttpClient plain = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
  TelemetryGateway gateway;
  TwinEngine twin;
  AlertingService alerting;
  DashboardService dashboard;

  @BeforeAll
  void startEveryServiceWithTls(RealStack stack) throws Exception {
    Path dir = Files.createTempDirectory("security-https-");
    certificate = SelfSignedCertificate.create(dir, "https");
    trusting = HttpClient.newBuilder().sslContext(certificate.trustingClient())
        .connectTimeout(Duration.ofSeconds(30)).build();
    Path tokens = dir.resolve("tokens.yaml");
    Files.writeString(tokens, "tokens:\n  - sha256: " + QueryAccess.sha256(TOKEN)
        + "\n    userId: staff-https\n    role: " + StaffRole.ON_CALL + "\n    clinics: [clinic-https]\n");
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of());

    gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0)
        .withTls(TlsSettings.pkcs12(certificate.keyStore(), certificate.password())))
        .start();
    twin = new TwinEngine(TwinEngineConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
            dir.resolve("twin-state"))
        .withApplicationId(stack.uniqueId("https-twin"))
        .withQueryServer(0, null)
        .withQueryAccess(QueryAccess.load(tokens))
        .withTls(TlsSettings.pkcs12(certificate.keyStore(), certificate.password())))
        .start();
    Map<String, Object> streams = stack.streamsConfig("https-alerting");
    AlertingConfig local = AlertingConfig.local(stack.bootstrapServers(), Path.of((String) streams.get("state.dir")),
        tokens, null, null);
    alerting = new AlertingService(new AlertingConfig(local.bootstrapServers(), (String) streams.get("application.id"),
        local.stateDir(), local.severityPolicy(), local.escalationPolicy(), local.sweepInterval(), 0,
        "127.0.0.1", 0, local.access(), local.routing(), null, local.deliveryRetry(), local.webhookTimeout(),
        Map.of()).withTls(TlsSettings.pkcs12(certificate.keyStore(), certificate.password())),
        stack.topicRegistry());
    alerting.start();
    dashboard = new DashboardService(DashboardConfig.local(stack.bootstrapServers(), tokens).withPort(0)
        .withTls(TlsSettings.pkcs12(certificate.keyStore(), certificate.password())),
        stack.topicRegistry(), Clock.systemUTC());
    dashboard.start();
  }

  @AfterAll
  void stop() {
    for (AutoCloseable c : new AutoCloseable[] {dashboard, alerting, twin, gateway}) {
      try {
        if (c != null) {
          c.close();
        }
      } catch (Exception e) {
        // closing what the test started
      }
    }
  }

  @Test
  void theGatewayServesHttpsOnly() throws Exception {
    for (String path : List.of("/health", "/openapi", "/metrics")) {
      assertThat(https(gateway.port(), path, null).statusCode()).as(path).isEqualTo(200);
    }
    // Device authentication still applies over TLS.
    HttpResponse<String> unsigned = trusting.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + gateway.port() + "/v1/telemetry"))
        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString("{\"events\":[]}"))
        .build(), HttpResponse.BodyHandlers.ofString());
    assertThat(unsigned.statusCode()).isEqualTo(401);
    assertNoPlainHttpAndNoUntrustedClient(gateway.port(), "/health");
  }

  @Test
  void theTwinQueryApiServesHttpsOnly() throws Exception {
    assertThat(https(twin.port(), "/health", null).statusCode()).isEqualTo(200);
    assertThat(https(twin.port(), "/metrics", null).statusCode()).isEqualTo(200);
    await().atMost(WAIT).until(() -> twin.state() == KafkaStreams.State.RUNNING);
    assertThat(https(twin.port(), "/v1/pumps/NO-SUCH-PUMP", null).statusCode()).isEqualTo(401);
    await().atMost(WAIT).until(() -> https(twin.port(), "/v1/pumps?limit=10", TOKEN).statusCode() == 200);
    assertThat(https(twin.port(), "/v1/pumps/NO-SUCH-PUMP", TOKEN).statusCode()).isEqualTo(404);
    assertNoPlainHttpAndNoUntrustedClient(twin.port(), "/health");
  }

  @Test
  void theAlertApiAndItsLiveStreamServeHttpsOnly() throws Exception {
    assertThat(https(alerting.apiPort(), "/health", null).statusCode()).isEqualTo(200);
    assertThat(https(alerting.apiPort(), "/v1/alerts", null).statusCode()).isEqualTo(401);
    assertThat(https(alerting.apiPort(), "/v1/alerts", TOKEN).statusCode()).isEqualTo(200);
    try (SseListener stream = SseListener.open(trusting, "https://127.0.0.1:" + alerting.apiPort()
        + "/v1/alerts/stream", Map.of("Authorization", "Bearer " + TOKEN))) {
      assertThat(stream.status()).isEqualTo(200);
    }
    assertNoPlainHttpAndNoUntrustedClient(alerting.apiPort(), "/health");
  }

  @Test
  void theDashboardServesHttpsOnlyWithASecureSessionCookie() throws Exception {
    assertThat(https(dashboard.port(), "/api/health", null).statusCode()).isEqualTo(200);
    assertThat(https(dashboard.port(), "/fleet.html", null).statusCode()).isEqualTo(200);
    assertThat(https(dashboard.port(), "/api/fleet", null).statusCode()).isEqualTo(401);
    HttpResponse<String> signIn = trusting.send(HttpRequest.newBuilder(
            URI.create("https://127.0.0.1:" + dashboard.port() + "/api/session"))
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString("{\"token\":\"" + TOKEN + "\"}")).build(),
        HttpResponse.BodyHandlers.ofString());
    assertThat(signIn.statusCode()).isEqualTo(200);
    assertThat(signIn.headers().allValues("Set-Cookie")).anyMatch(c -> c.startsWith("pumptwin_session=")
        && c.contains("Secure") && c.contains("HttpOnly"));
    assertThat(dashboard.url()).startsWith("https://");
    assertNoPlainHttpAndNoUntrustedClient(dashboard.port(), "/api/health");
  }

  private HttpResponse<String> https(int port, String path, String token) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return trusting.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * Plain HTTP to the service's port gets no HTTP answer (the TLS connector drops a request that is
   * not a TLS handshake) or at most a refusal, never the resource; a client trusting only the
   * JVM's default authorities refuses the self-signed certificate.
   */
  private void assertNoPlainHttpAndNoUntrustedClient(int port, String path) {
    URI plainUri = URI.create("http://127.0.0.1:" + port + path);
    try {
      HttpResponse<String> r = plain.send(HttpRequest.newBuilder(plainUri).timeout(Duration.ofSeconds(20)).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as("plain HTTP on the TLS port: " + r.body()).isGreaterThanOrEqualTo(400);
    } catch (IOException expected) {
      // no HTTP answer at all: the expected outcome
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
    HttpClient untrusting = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();
    assertThatThrownBy(() -> untrusting.send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(javax.net.ssl.SSLHandshakeException.class);
  }
}
