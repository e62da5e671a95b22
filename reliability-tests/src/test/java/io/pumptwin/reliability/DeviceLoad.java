package io.pumptwin.reliability;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * A home communicator's behaviour under faults, against the real gateway: it sends one slot of the
 * fleet per signed batch request, and keeps sending the batch again (signed anew) until every event
 * has a final outcome, waiting as long as a 503's {@code Retry-After} asks. What the gateway
 * acknowledged is recorded event by event: those are the events that must never be lost.
 */
final class DeviceLoad {
  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper json = new ObjectMapper();
  private final TelemetryJsonWriter writer = new TelemetryJsonWriter();
  private final URI telemetry;
  private final String deviceId;
  private final String secret;
  private final Set<String> acknowledged = ConcurrentHashMap.newKeySet();
  private final Map<Integer, AtomicInteger> statuses = new ConcurrentHashMap<>();
  private final AtomicInteger transportFailures = new AtomicInteger();
  private final AtomicInteger rejected = new AtomicInteger();
  private final List<String> undeclared5xx = new ArrayList<>();

  DeviceLoad(int gatewayPort, String deviceId, String secret) {
    this.telemetry = URI.create("http://127.0.0.1:" + gatewayPort + "/v1/telemetry");
    this.deviceId = deviceId;
    this.secret = secret;
  }

  /**
   * Sends every slot of the fleet in order, one slot every {@code pace}; {@code beforeSlot} runs
   * before each slot is sent (the test injects its fault from there, mid-stream).
   */
  void send(SyntheticFleet fleet, Duration pace, IntConsumer beforeSlot) throws InterruptedException {
    for (int s = 0; s < fleet.slots(); s++) {
      beforeSlot.accept(s);
      long started = System.nanoTime();
      sendUntilStored(fleet.slot(s));
      long left = pace.toNanos() - (System.nanoTime() - started);
      if (left > 0) {
        Thread.sleep(left / 1_000_000); // pacing a sustained load, not waiting for a result
      }
    }
  }

  /** One batch, sent again until every event is ACCEPTED, DUPLICATE or REJECTED. */
  void sendUntilStored(List<TelemetryEnvelope> batch) throws InterruptedException {
    byte[] body = writer.batch(batch);
    long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
    while (true) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("the gateway did not store a batch within 3 minutes; statuses " + statuses());
      }
      HttpResponse<String> response;
      try {
        response = http.send(signed(body), HttpResponse.BodyHandlers.ofString());
      } catch (IOException e) {
        transportFailures.incrementAndGet();
        Thread.sleep(500); // a device backs off before it tries again
        continue;
      }
      int status = response.statusCode();
      statuses.computeIfAbsent(status, k -> new AtomicInteger()).incrementAndGet();
      boolean finished = record(response);
      if (status == 202 && finished) {
        return;
      }
      if (status == 503) {
        long retryAfter = response.headers().firstValue("Retry-After").map(Long::parseLong).orElse(1L);
        Thread.sleep(Math.min(2_000, retryAfter * 1000)); // declared back-pressure: wait as asked
        continue;
      }
      if (status >= 500) {
        synchronized (undeclared5xx) {
          undeclared5xx.add(status + " " + response.body());
        }
      }
      throw new AssertionError("unexpected answer " + status + ": " + response.body());
    }
  }

  /** Records each event's outcome; true when none is left NOT_STORED. */
  private boolean record(HttpResponse<String> response) {
    JsonNode results;
    try {
      results = json.readTree(response.body()).path("results");
    } catch (IOException e) {
      return false;
    }
    boolean finished = results.size() > 0;
    for (JsonNode r : results) {
      String outcome = r.path("outcome").asText();
      switch (outcome) {
        case "ACCEPTED", "DUPLICATE" -> acknowledged.add(r.path("eventId").asText());
        case "REJECTED" -> rejected.incrementAndGet();
        default -> finished = false;
      }
    }
    return finished;
  }

  private HttpRequest signed(byte[] body) {
    String ts = Long.toString(Instant.now().toEpochMilli());
    return HttpRequest.newBuilder(telemetry).timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header(RequestSignature.DEVICE_HEADER, deviceId)
        .header(RequestSignature.TIMESTAMP_HEADER, ts)
        .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
  }

  /** Event ids the gateway answered ACCEPTED or DUPLICATE for: stored, by its promise. */
  Set<String> acknowledged() {
    return Set.copyOf(acknowledged);
  }

  Map<Integer, Integer> statuses() {
    Map<Integer, Integer> copy = new TreeMap<>();
    statuses.forEach((k, v) -> copy.put(k, v.get()));
    return copy;
  }

  int transportFailures() {
    return transportFailures.get();
  }

  int rejected() {
    return rejected.get();
  }

  List<String> undeclared5xx() {
    synchronized (undeclared5xx) {
      return List.copyOf(undeclared5xx);
    }
  }
}
