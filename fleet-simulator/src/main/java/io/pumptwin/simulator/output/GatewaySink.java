package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends telemetry to the telemetry gateway over HTTP exactly as a home communicator would: JSON
 * batches per device, signed with the device's secret (HMAC-SHA256 over the timestamp, a line feed
 * and the body), re-signed and retried with backoff when the gateway answers 503 or cannot be
 * reached. A refusal (4xx) is a simulator bug or a provisioning error: it is counted and logged,
 * never retried. Ground truth does not go to the gateway (a device does not know it); it is handed
 * to {@code truthSink}.
 *
 * <p>Events of one simulated instant are batched per device and sent when simulated time moves on,
 * so a paced run delivers each step as it happens; a stored backlog goes with the instant of its upload.
 */
public final class GatewaySink implements SimulationSink {
  private static final Logger LOG = LoggerFactory.getLogger(GatewaySink.class);
  private static final int MAX_BATCH = 200;
  private static final int MAX_ATTEMPTS = 12;

  private final URI endpoint;
  private final Function<String, DeviceCredential> credentials;
  private final SimulationSink truthSink;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final TelemetryJsonWriter json = new TelemetryJsonWriter();
  private final Map<String, List<TelemetryEnvelope>> pendingByDevice = new LinkedHashMap<>();
  private long pendingTime = Long.MIN_VALUE;
  /** Devices are independent: their requests of one instant go out concurrently, as in reality. */
  private final java.util.concurrent.ExecutorService devices =
      java.util.concurrent.Executors.newFixedThreadPool(8, r -> {
        Thread t = new Thread(r, "gateway-sink-device");
        t.setDaemon(true);
        return t;
      });
  private final java.util.concurrent.atomic.AtomicLong sent = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong accepted = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong refusedRequests = new java.util.concurrent.atomic.AtomicLong();
  private final java.util.concurrent.atomic.AtomicLong retries = new java.util.concurrent.atomic.AtomicLong();

  /**
   * @param gatewayBaseUrl e.g. {@code http://127.0.0.1:8080}
   * @param credentials the provisioned credential of each pump's device, by pump serial
   */
  public GatewaySink(String gatewayBaseUrl, Function<String, DeviceCredential> credentials,
      SimulationSink truthSink) {
    this.endpoint = URI.create(gatewayBaseUrl.replaceAll("/$", "") + "/v1/telemetry");
    this.credentials = credentials;
    this.truthSink = truthSink;
  }

  @Override
  public void telemetry(TelemetryEnvelope event) {
    // A communicator's backlog goes out with the instant of its upload (receivedTime), not of its events.
    long time = (event.getReceivedTime() != null ? event.getReceivedTime() : event.getEventTime()).toEpochMilli();
    if (time > pendingTime) {
      sendPending();
      pendingTime = time;
    }
    DeviceCredential device = credentials.apply(event.getPumpSerial());
    List<TelemetryEnvelope> batch = pendingByDevice.computeIfAbsent(device.deviceId(), d -> new ArrayList<>());
    batch.add(event);
    if (batch.size() >= MAX_BATCH) {
      sendPending();
    }
  }

  @Override
  public void groundTruth(GroundTruth truth) {
    truthSink.groundTruth(truth);
  }

  @Override
  public void flush() {
    sendPending();
    truthSink.flush();
  }

  @Override
  public void close() {
    try {
      flush();
    } finally {
      truthSink.close();
      devices.shutdownNow();
      LOG.info("event=gateway_sink.closed events_sent={} events_accepted={} refused_requests={} retries={}",
          sent, accepted, refusedRequests, retries);
    }
  }

  public long eventsAccepted() {
    return accepted.get();
  }

  public long refusedRequests() {
    return refusedRequests.get();
  }

  /** Sends every device's pending batch, concurrently, and returns when all are answered. */
  private void sendPending() {
    List<java.util.concurrent.Future<?>> inFlight = new ArrayList<>();
    for (List<TelemetryEnvelope> batch : pendingByDevice.values()) {
      if (!batch.isEmpty()) {
        DeviceCredential device = credentials.apply(batch.get(0).getPumpSerial());
        List<TelemetryEnvelope> copy = List.copyOf(batch);
        inFlight.add(devices.submit(() -> send(device, copy)));
      }
    }
    pendingByDevice.clear();
    for (java.util.concurrent.Future<?> f : inFlight) {
      try {
        f.get();
      } catch (java.util.concurrent.ExecutionException e) {
        throw e.getCause() instanceof SinkFailedException s ? s
            : new SinkFailedException("sending to the gateway failed: " + e.getCause(), e.getCause());
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SinkFailedException("interrupted sending to the gateway", e);
      }
    }
  }

  private void send(DeviceCredential device, List<TelemetryEnvelope> batch) {
    byte[] body = json.batch(batch);
    Duration backoff = Duration.ofMillis(100);
    for (int attempt = 1; ; attempt++) {
      // A retry is signed anew: the gateway refuses a signature it has already seen (replay).
      String timestamp = Long.toString(System.currentTimeMillis());
      HttpRequest request = HttpRequest.newBuilder(endpoint)
          .timeout(Duration.ofSeconds(30))
          .header("Content-Type", "application/json")
          .header(RequestSignature.DEVICE_HEADER, device.deviceId())
          .header(RequestSignature.TIMESTAMP_HEADER, timestamp)
          .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(device.secret(), timestamp, body))
          .POST(HttpRequest.BodyPublishers.ofByteArray(body))
          .build();
      String failure;
      Duration wait = backoff;
      try {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        int status = response.statusCode();
        if (status == 200 || status == 202) {
          sent.addAndGet(batch.size());
          accepted.addAndGet(batch.size());
          return;
        }
        if (status != 503 && status != 429 && status < 500) {
          refusedRequests.incrementAndGet();
          sent.addAndGet(batch.size());
          LOG.error("event=gateway_sink.refused status={} device={} events={} problem={}", status,
              device.deviceId(), batch.size(), truncate(response.body()));
          return;
        }
        failure = "HTTP " + status;
        wait = response.headers().firstValue("Retry-After")
            .map(s -> Duration.ofSeconds(Math.max(1, Long.parseLong(s.trim())))).orElse(backoff);
      } catch (IOException e) {
        failure = e.toString();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new SinkFailedException("interrupted sending to the gateway", e);
      }
      if (attempt >= MAX_ATTEMPTS) {
        throw new SinkFailedException("gateway unavailable after " + attempt + " attempts: " + failure, null);
      }
      retries.incrementAndGet();
      LOG.warn("event=gateway_sink.retry attempt={} device={} reason={} wait_ms={}", attempt,
          device.deviceId(), failure, wait.toMillis());
      sleep(wait);
      backoff = backoff.multipliedBy(2).compareTo(Duration.ofSeconds(5)) > 0 ? Duration.ofSeconds(5) : backoff.multipliedBy(2);
    }
  }

  private static String truncate(String s) {
    return s.length() > 400 ? s.substring(0, 400) + "..." : s;
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d.toMillis()); // backoff before re-sending to an unavailable gateway
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SinkFailedException("interrupted while backing off", e);
    }
  }
}
