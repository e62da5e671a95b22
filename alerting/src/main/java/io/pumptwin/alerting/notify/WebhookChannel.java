package io.pumptwin.alerting.notify;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.AlertEvent;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Webhooks as CloudEvents 1.0 in structured mode (one JSON document, content type
 * {@code application/cloudevents+json}). The CloudEvent id is the notification's idempotency key,
 * so a receiver that sees a retry or a post-crash re-delivery can drop it. Signed with HMAC-SHA256
 * over {@code <timestamp>.<body>} in {@value #SIGNATURE_HEADER}: the receiver checks who sent it
 * and, from the timestamp, that it is not an old message replayed.
 */
public final class WebhookChannel implements Channel<OnCallRouting.WebhookRecipient> {
  public static final String SIGNATURE_HEADER = "X-PumpTwin-Signature";
  public static final String CONTENT_TYPE = "application/cloudevents+json; charset=UTF-8";

  private final HttpClient http;
  private final Duration timeout;
  private final Clock clock;
  private final ObjectMapper json = new ObjectMapper();

  public WebhookChannel(Duration timeout, Clock clock) {
    this.http = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.timeout = timeout;
    this.clock = clock;
  }

  public String cloudEvent(AlertEvent alert, String notificationId) {
    ObjectNode ce = json.createObjectNode();
    ce.put("specversion", "1.0");
    ce.put("id", notificationId);
    ce.put("source", "urn:pumptwin:alerting");
    ce.put("type", "io.pumptwin.alert." + alert.getTransition().toString().toLowerCase());
    ce.put("subject", alert.getPumpSerial());
    ce.put("time", alert.getEventTime().toString());
    ce.put("datacontenttype", "application/json");
    ce.set("data", AlertMessage.json(json, alert));
    try {
      return json.writeValueAsString(ce);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write CloudEvent for " + notificationId, e);
    }
  }

  /** {@code t=<unix seconds>,v1=<hex HMAC-SHA256(secret, t + "." + body)>}. */
  public static String signature(String secret, long unixSeconds, String body) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      byte[] digest = mac.doFinal((unixSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
      return "t=" + unixSeconds + ",v1=" + HexFormat.of().formatHex(digest);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      throw new IllegalStateException("HmacSHA256 is part of every Java runtime", e);
    }
  }

  @Override
  public Attempt send(OnCallRouting.WebhookRecipient to, AlertEvent alert, String notificationId,
      int attempt) {
    String body = cloudEvent(alert, notificationId);
    HttpRequest request = HttpRequest.newBuilder(to.url())
        .timeout(timeout)
        .header("Content-Type", CONTENT_TYPE)
        .header(SIGNATURE_HEADER, signature(to.secret(), clock.instant().getEpochSecond(), body))
        .header("X-PumpTwin-Delivery-Attempt", Integer.toString(attempt))
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
    try {
      HttpResponse<Void> response = http.send(request, HttpResponse.BodyHandlers.discarding());
      int code = response.statusCode();
      if (code >= 200 && code < 300) {
        return Attempt.delivered(code);
      }
      boolean retryable = code >= 500 || code == 408 || code == 429;
      return Attempt.failed(code, "HTTP " + code, retryable);
    } catch (IOException e) {
      return Attempt.failed(null, e.toString(), true);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Attempt.failed(null, "interrupted", false);
    }
  }
}
