package io.pumptwin.gateway.refusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.gateway.GatewayClient;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.TopicContents;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.gateway.ingest.ProducerSettings;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Refusals at the door, end to end against the real broker and registry: each kind of 401 and 413
 * is answered as before and leaves a dead letter with its reason code on the dead-letter topic
 * (read with read_committed), with a bounded payload and never the signature.
 */
@RealKafka
class DoorRefusalsTest {
  private static final String JSON = "application/json";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SECRET = ProvisionDevice.newSecret(RANDOM);

  @TempDir static Path dir;
  private static RealStack stack;
  private static TelemetryGateway gateway;
  private static GatewayClient client;
  private static String device;

  @BeforeAll
  static void start(RealStack realStack) throws Exception {
    stack = realStack;
    device = stack.uniqueId("hc-door");
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device(device, SECRET, Set.of(Device.ANY_PUMP))));
    gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
        devices).withListener("127.0.0.1", 0)).start();
    client = new GatewayClient(gateway.port());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aForgedSignatureIs401AndDeadLetteredWithTheBodyButNotTheSignature() {
    byte[] body = event();
    HttpRequest forged = client.signed(device, ProvisionDevice.newSecret(RANDOM), JSON, body, Instant.now());
    String signature = forged.headers().firstValue(RequestSignature.SIGNATURE_HEADER).orElseThrow();

    assertThat(client.send(forged).statusCode()).isEqualTo(401);

    DeadLetter d = deadLetterOf(device, "BAD_SIGNATURE", body);
    assertThat(d.getField()).isEqualTo("X-Signature");
    assertThat(d.getContentType()).isEqualTo(JSON);
    assertThat(d.getReason()).startsWith("401 BAD_SIGNATURE from 127.0.0.1, claimed device " + device)
        .contains("stored in full");
    assertThat(d.toString()).doesNotContain(signature).doesNotContain(SECRET);
  }

  @Test
  void aReplayedRequestIs401AndDeadLettered() {
    byte[] body = event();
    HttpRequest genuine = client.signed(device, SECRET, JSON, body, Instant.now());
    assertThat(client.send(genuine).statusCode()).isEqualTo(202);

    HttpResponse<String> replay = client.send(genuine);

    assertThat(replay.statusCode()).isEqualTo(401);
    assertThat(deadLetterOf(device, "REPLAYED", body).getReason()).contains("already received");
  }

  @Test
  void aSkewedClockIs401AndDeadLettered() {
    byte[] body = event();
    assertThat(client.send(client.signed(device, SECRET, JSON, body, Instant.now().minusSeconds(900)))
        .statusCode()).isEqualTo(401);

    DeadLetter d = deadLetterOf(device, "BAD_TIMESTAMP", body);
    assertThat(d.getField()).isEqualTo("X-Timestamp");
    assertThat(d.getReason()).contains("away from the gateway clock");
  }

  @Test
  void anUnknownDeviceIs401AndDeadLetteredUnderTheIdItClaimed() {
    String unknown = stack.uniqueId("hc-nobody");
    byte[] body = event();
    HttpResponse<String> r = client.send(client.signed(unknown, SECRET, JSON, body, Instant.now()));

    assertThat(r.statusCode()).isEqualTo(401);
    // The client is told what a wrong signature is told; the dead letter says what it was.
    assertThat(r.body()).contains("signature does not verify");
    assertThat(deadLetterOf(unknown, "UNKNOWN_DEVICE", body).getField()).isEqualTo("X-Device-Id");
  }

  @Test
  void missingCredentialsAre401AndDeadLettered() {
    byte[] body = event();
    HttpResponse<String> r = client.send(client.unsigned(JSON, body)
        .header(RequestSignature.DEVICE_HEADER, device).build());

    assertThat(r.statusCode()).isEqualTo(401);
    deadLetterOf(device, "MISSING_CREDENTIALS", body);
  }

  @Test
  void aBodyOverTheLimitIs413AndDeadLetteredWithoutReadingIt() {
    String claimed = stack.uniqueId("hc-big");
    byte[] huge = new byte[(1 << 20) + 1];
    Arrays.fill(huge, (byte) ' ');
    HttpResponse<String> r = client.send(client.unsigned(JSON, huge)
        .header(RequestSignature.DEVICE_HEADER, claimed).build());

    assertThat(r.statusCode()).isEqualTo(413);
    DeadLetter d = deadLetterOf(claimed, "BODY_TOO_LARGE", new byte[0]);
    assertThat(d.getReason()).startsWith("413 BODY_TOO_LARGE")
        .contains("declared Content-Length 1048577 bytes, over the limit of 1048576 bytes")
        .contains("payload empty (truncated)");
  }

  @Test
  void tooManyEventsIs413AndDeadLetteredWithTheStartOfTheBody() {
    String pump = stack.uniqueId("NGP");
    List<ObjectNode> many = IntStream.rangeClosed(1, 501)
        .mapToObj(i -> TelemetryFixtures.status(pump, i, Instant.now().minusSeconds(60))).toList();
    byte[] body = batch(many);
    HttpResponse<String> r = client.post(device, SECRET, JSON, body);

    assertThat(r.statusCode()).isEqualTo(413);
    DeadLetter d = deadLetterOf(device, "TOO_MANY_EVENTS", Arrays.copyOf(body, 4096));
    assertThat(d.getReason()).contains("500 events").contains("body " + body.length
        + " bytes, first 4096 bytes stored (payload truncated)");
  }

  @Test
  void withoutABrokerTheRefusalIsStill401AndTheFailedDeadLetterIsCounted(@TempDir Path own) throws Exception {
    Path devices = own.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device(device, SECRET, Set.of(Device.ANY_PUMP))));
    String nowhere = "127.0.0.1:" + FreePorts.pick(1)[0];
    try (TelemetryGateway alone = new TelemetryGateway(GatewayConfig.defaults(nowhere, stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0)
        .withProducer(new ProducerSettings(Duration.ofSeconds(2), Duration.ofSeconds(1), Duration.ofSeconds(1),
            Duration.ofMillis(5), Map.of()))).start()) {
      GatewayClient lonely = new GatewayClient(alone.port());
      for (int i = 0; i < 3; i++) {
        assertThat(lonely.post(device, "not-the-secret", JSON, event()).statusCode()).isEqualTo(401);
      }
      await().atMost(Duration.ofSeconds(60)).untilAsserted(() -> assertThat(lonely.get("/metrics").body())
          .contains("gateway_refusal_dead_letters_total{kind=\"individual\",outcome=\"failed\"} 3.0"));
      assertThat(lonely.post(device, "not-the-secret", JSON, event()).statusCode()).isEqualTo(401);
    }
  }

  private static byte[] event() {
    return bytes(TelemetryFixtures.status(stack.uniqueId("NGP"), 1, Instant.now().minusSeconds(60)));
  }

  /** The one dead letter of this claimed device, reason code and payload; waits for its write. */
  private static DeadLetter deadLetterOf(String claimedDevice, String reasonCode, byte[] payload) {
    DeadLetter[] found = new DeadLetter[1];
    await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(300)).untilAsserted(() -> {
      List<DeadLetter> matching = deadLetters().stream()
          .filter(d -> d.getReasonCode().equals(reasonCode))
          .filter(d -> d.getReason().contains("claimed device " + claimedDevice + ":"))
          .filter(d -> Arrays.equals(bytesOf(d.getRawValue()), payload)).toList();
      assertThat(matching).as(reasonCode + " dead letter of " + claimedDevice).hasSize(1);
      found[0] = matching.get(0);
    });
    DeadLetter d = found[0];
    assertThat(d.getStage()).isEqualTo("telemetry-gateway");
    assertThat(d.getOccurredAt()).isNotNull();
    return d;
  }

  private static List<DeadLetter> deadLetters() {
    var values = stack.topicRegistry().topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer();
    return TopicContents.readAll(stack.bootstrapServers(), Topics.TELEMETRY_DLQ.name(), values).stream()
        .map(ConsumerRecord::value).toList();
  }

  static byte[] batch(List<ObjectNode> events) {
    ObjectNode root = TelemetryFixtures.JSON.createObjectNode();
    events.forEach(root.putArray("events")::add);
    return bytes(root);
  }

  static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }

  static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static String text(ByteBuffer buffer) {
    return new String(bytesOf(buffer), StandardCharsets.UTF_8);
  }
}
