package io.pumptwin.service.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.javalin.Javalin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLHandshakeException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A service given a key store serves HTTPS with it, and only HTTPS; the password never shows in a
 * log line; a key store that cannot be read is refused with a reason an operator can act on.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class TlsSettingsTest {
  static final Duration TIMEOUT = Duration.ofSeconds(30);

  Path dir;
  SelfSignedCertificate certificate;
  Javalin app;

  @BeforeAll
  void makeKeyStore(@TempDir Path dir) {
    this.dir = dir;
    certificate = SelfSignedCertificate.create(dir, "service");
  }

  @AfterEach
  void stop() {
    if (app != null) {
      app.stop();
    }
  }

  private int serve(TlsSettings tls) {
    app = Javalin.create(c -> tls.serveOn(c, "127.0.0.1", 0))
        .get("/health", ctx -> ctx.result("UP"))
        .start();
    return app.port();
  }

  private static HttpClient client(SSLContext context) {
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(TIMEOUT);
    return (context == null ? b : b.sslContext(context)).build();
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(TIMEOUT).GET().build();
  }

  @Test
  void servesHttpsToAClientThatTrustsTheCertificate() throws Exception {
    int port = serve(TlsSettings.pkcs12(certificate.keyStore(), certificate.password()));

    HttpResponse<String> answer = client(certificate.trustingClient())
        .send(get("https://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
    assertThat(answer.body()).isEqualTo("UP");
    assertThat(answer.sslSession()).hasValueSatisfying(s -> assertThat(s.getProtocol()).startsWith("TLS"));
  }

  @Test
  void itsClientContextTrustsInstancesWithTheSameCertificateAndNoOthers() throws Exception {
    // Instances of one service call each other (the twin query API forwards to the instance that
    // holds a pump) with this context: it must trust their certificate, not any certificate.
    TlsSettings tls = TlsSettings.pkcs12(certificate.keyStore(), certificate.password());
    int port = serve(tls);

    HttpResponse<String> answer = client(tls.trustingClientContext())
        .send(get("https://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString());
    assertThat(answer.statusCode()).isEqualTo(200);

    SelfSignedCertificate stranger = SelfSignedCertificate.create(dir, "stranger");
    TlsSettings strangers = TlsSettings.pkcs12(stranger.keyStore(), stranger.password());
    assertThatThrownBy(() -> client(strangers.trustingClientContext())
        .send(get("https://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void answersARequestForAHostNameTheCertificateDoesNotList() throws Exception {
    // Callers reach a service through names the certificate may not carry (a load balancer's): the
    // certificate check is the client's job, so the server must not refuse on the SNI name.
    int port = serve(TlsSettings.pkcs12(certificate.keyStore(), certificate.password()));
    String unlisted = "pumps.clinic.example";

    try (SSLSocket socket = (SSLSocket) certificate.trustingClient().getSocketFactory()
        .createSocket("127.0.0.1", port)) {
      socket.setSoTimeout((int) TIMEOUT.toMillis());
      SSLParameters parameters = socket.getSSLParameters();
      parameters.setServerNames(List.of(new SNIHostName(unlisted)));
      socket.setSSLParameters(parameters);
      socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: " + unlisted
          + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
      socket.getOutputStream().flush();
      String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.US_ASCII);

      assertThat(answer).startsWith("HTTP/1.1 200").endsWith("UP");
    }
  }

  @Test
  void leavesNoPlainHttpPortOpen() {
    int port = serve(TlsSettings.pkcs12(certificate.keyStore(), certificate.password()));

    assertThatThrownBy(() -> client(null)
        .send(get("http://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(IOException.class);
  }

  @Test
  void aClientThatDoesNotTrustTheCertificateDoesNotConnect() throws Exception {
    int port = serve(TlsSettings.pkcs12(certificate.keyStore(), certificate.password()));
    HttpClient defaultTrust = client(SSLContext.getDefault());

    assertThatThrownBy(() -> defaultTrust
        .send(get("https://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString()))
        .isInstanceOf(SSLHandshakeException.class);
  }

  @Test
  void servesFromAJksKeyStoreWhenToldItsType() throws Exception {
    SelfSignedCertificate jks = SelfSignedCertificate.create(dir, "legacy", "JKS");
    int port = serve(new TlsSettings(jks.keyStore(), jks.password(), "JKS"));

    HttpResponse<String> answer = client(jks.trustingClient())
        .send(get("https://127.0.0.1:" + port + "/health"), HttpResponse.BodyHandlers.ofString());

    assertThat(answer.statusCode()).isEqualTo(200);
  }

  @Test
  void aMissingKeyStoreTypeMeansPkcs12() {
    assertThat(new TlsSettings(certificate.keyStore(), certificate.password(), null).keyStoreType()).isEqualTo("PKCS12");
    assertThat(new TlsSettings(certificate.keyStore(), certificate.password(), " ").keyStoreType()).isEqualTo("PKCS12");
    assertThat(TlsSettings.pkcs12(certificate.keyStore(), certificate.password()).keyStoreType()).isEqualTo("PKCS12");
  }

  @Test
  void theTextOfTheSettingsNeverHoldsThePassword() {
    TlsSettings tls = TlsSettings.pkcs12(certificate.keyStore(), certificate.password());

    assertThat(tls.toString())
        .isEqualTo("TlsSettings[keyStore=" + certificate.keyStore() + ", keyStoreType=PKCS12]")
        .doesNotContain(certificate.password());
  }

  @Test
  void refusesAKeyStoreThatCannotBeRead() {
    Path missing = dir.resolve("no-such-keystore.p12");

    assertThatThrownBy(() -> TlsSettings.pkcs12(missing, "pw"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("TLS key store not readable: " + missing);
    assertThatThrownBy(() -> TlsSettings.pkcs12(null, "pw"))
        .isInstanceOf(NullPointerException.class).hasMessage("keyStore");
    assertThatThrownBy(() -> TlsSettings.pkcs12(certificate.keyStore(), null))
        .isInstanceOf(NullPointerException.class).hasMessage("keyStorePassword");
  }

  @Test
  void aWrongPasswordIsReportedWithTheKeyStoreNotThePassword() throws IOException {
    String wrong = "not-the-password";
    TlsSettings tls = TlsSettings.pkcs12(certificate.keyStore(), wrong);

    assertThatThrownBy(tls::trustingClientContext)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot read TLS key store " + certificate.keyStore() + ": ")
        .message().doesNotContain(wrong);
    assertThat(Files.size(certificate.keyStore())).isPositive();
  }
}
