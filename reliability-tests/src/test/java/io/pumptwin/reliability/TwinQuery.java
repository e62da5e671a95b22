package io.pumptwin.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** The twin engine's query API, as a clinician's tools read it. */
final class TwinQuery {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private TwinQuery() {
  }

  static boolean ready(int port) {
    try {
      return get(port, "/ready").statusCode() == 200;
    } catch (IOException e) {
      return false; // not listening yet
    }
  }

  /**
   * Every twin the instance can answer for, asking again while it answers 503: a rebalance makes
   * the store briefly unqueryable, which the API reports as 503 for the client to retry.
   */
  static JsonNode fleet(int port) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
    HttpResponse<String> r = get(port, "/v1/pumps?limit=1000");
    while (r.statusCode() == 503 && System.nanoTime() < deadline) {
      Thread.sleep(250); // polling a rebalancing instance; the status, not the sleep, decides
      r = get(port, "/v1/pumps?limit=1000");
    }
    if (r.statusCode() != 200) {
      throw new AssertionError("twin query answered " + r.statusCode() + ": " + r.body());
    }
    return JSON.readTree(r.body());
  }

  private static HttpResponse<String> get(int port, String path) throws IOException {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
          .timeout(Duration.ofSeconds(20))
          .header("Authorization", "Bearer " + TwinEngineProcess.QUERY_TOKEN).build(), HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }
}
