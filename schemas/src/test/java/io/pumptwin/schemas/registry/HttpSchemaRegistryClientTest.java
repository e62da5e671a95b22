package io.pumptwin.schemas.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.pumptwin.schemas.topics.Topics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The client's error mapping and retry policy against a real HTTP server on loopback that answers
 * as a registry would in each failure case. The happy path against a real registry (Apicurio) is
 * covered in the integration-tests module.
 */
class HttpSchemaRegistryClientTest {
  private HttpServer server;
  private final List<String> authHeaders = new CopyOnWriteArrayList<>();

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  private String serve(String path, int[] statuses, String okBody) throws IOException {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    AtomicInteger call = new AtomicInteger();
    server.createContext(path, (HttpExchange ex) -> {
      authHeaders.add(String.valueOf(ex.getRequestHeaders().getFirst("Authorization")));
      int i = Math.min(call.getAndIncrement(), statuses.length - 1);
      int status = statuses[i];
      byte[] body = (status == 200 ? okBody : "{\"error_code\":" + status + "01,\"message\":\"x\"}")
          .getBytes(StandardCharsets.UTF_8);
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
      ex.close();
    });
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private static RegistrySettings fast(String url) {
    return RegistrySettings.of(url).withRetries(3, Duration.ofMillis(10));
  }

  @Test
  void unreachableRegistryFailsAfterBoundedRetriesWithATypedError() throws IOException {
    int closedPort;
    try (ServerSocket s = new ServerSocket(0)) {
      closedPort = s.getLocalPort();
    }
    var client = new HttpSchemaRegistryClient(fast("http://127.0.0.1:" + closedPort));

    assertThatThrownBy(() -> client.schemaById(1))
        .isInstanceOf(SchemaRegistryException.RegistryUnavailable.class)
        .hasMessageContaining("attempts=3");
  }

  @Test
  void serverErrorsAreRetriedThenSucceed() throws IOException {
    String schema = Topics.ALERTS.valueSchema().toString().replace("\"", "\\\"");
    String url = serve("/schemas/ids/7", new int[] {503, 500, 200}, "{\"schema\":\"" + schema + "\"}");
    var client = new HttpSchemaRegistryClient(fast(url));

    assertThat(client.schemaById(7)).isEqualTo(Topics.ALERTS.valueSchema());
    // Cached: a schema id never changes meaning, so the server is not asked again.
    assertThat(client.schemaById(7)).isEqualTo(Topics.ALERTS.valueSchema());
    assertThat(authHeaders).hasSize(3);
  }

  @Test
  void unknownSchemaIdIsTyped() throws IOException {
    var client = new HttpSchemaRegistryClient(fast(serve("/schemas/ids/42", new int[] {404}, "")));
    assertThatThrownBy(() -> client.schemaById(42))
        .isInstanceOf(SchemaRegistryException.UnknownSchemaId.class);
  }

  @Test
  void refusedCredentialsAreTypedAndNotRetried() throws IOException {
    var client = new HttpSchemaRegistryClient(fast(serve("/subjects", new int[] {401}, ""))
        .withCredentials(new RegistrySettings.Credentials.Basic("svc", "s3cret")));
    assertThatThrownBy(client::subjects)
        .isInstanceOf(SchemaRegistryException.Unauthorized.class)
        .hasMessageNotContaining("s3cret");
    assertThat(authHeaders).containsExactly("Basic c3ZjOnMzY3JldA==");
  }

  @Test
  void bearerTokenIsSent() throws IOException {
    var client = new HttpSchemaRegistryClient(fast(serve("/subjects", new int[] {200}, "[\"a-value\"]"))
        .withCredentials(new RegistrySettings.Credentials.Bearer("tok")));
    assertThat(client.subjects()).containsExactly("a-value");
    assertThat(authHeaders).containsExactly("Bearer tok");
  }

  @Test
  void incompatibleSchemaIsTyped() throws IOException {
    var client = new HttpSchemaRegistryClient(
        fast(serve("/subjects/pump.alerts.v1-value/versions", new int[] {409}, "")));
    assertThatThrownBy(() -> client.register("pump.alerts.v1-value", Topics.ALERTS.valueSchema()))
        .isInstanceOf(SchemaRegistryException.IncompatibleSchema.class)
        .hasMessageContaining("pump.alerts.v1-value");
  }

  @Test
  void credentialsNeverPrintThemselves() {
    assertThat(new RegistrySettings.Credentials.Basic("u", "pw").toString()).doesNotContain("pw");
    assertThat(new RegistrySettings.Credentials.Bearer("tok").toString()).doesNotContain("tok");
  }
}
