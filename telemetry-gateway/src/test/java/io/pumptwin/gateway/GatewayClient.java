package io.pumptwin.gateway;

import io.pumptwin.schemas.device.RequestSignature;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;

/** A device's view of the gateway over the JDK's HTTP client (keep-alive by default). */
public final class GatewayClient {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI base;

  public GatewayClient(int port) {
    this.base = URI.create("http://127.0.0.1:" + port);
  }

  /** A request signed now, as a device sends it (a retry is signed again, hence a new signature). */
  public HttpResponse<String> post(String deviceId, String secret, String contentType, byte[] body) {
    return send(signed(deviceId, secret, contentType, body, Instant.now()));
  }

  public CompletableFuture<HttpResponse<String>> postAsync(String deviceId, String secret,
      String contentType, byte[] body) {
    return http.sendAsync(signed(deviceId, secret, contentType, body, Instant.now()),
        HttpResponse.BodyHandlers.ofString());
  }

  public CompletableFuture<HttpResponse<String>> sendAsync(HttpRequest request) {
    return http.sendAsync(request, HttpResponse.BodyHandlers.ofString());
  }

  public HttpRequest signed(String deviceId, String secret, String contentType, byte[] body, Instant at) {
    String ts = Long.toString(at.toEpochMilli());
    return HttpRequest.newBuilder(base.resolve("/v1/telemetry"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType)
        .header(RequestSignature.DEVICE_HEADER, deviceId)
        .header(RequestSignature.TIMESTAMP_HEADER, ts)
        .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
  }

  public HttpRequest.Builder unsigned(String contentType, byte[] body) {
    return HttpRequest.newBuilder(base.resolve("/v1/telemetry")).timeout(Duration.ofSeconds(60))
        .header("Content-Type", contentType).POST(HttpRequest.BodyPublishers.ofByteArray(body));
  }

  public HttpResponse<String> get(String path) {
    return send(HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build());
  }

  public HttpResponse<String> send(HttpRequest request) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
