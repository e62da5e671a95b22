package io.pumptwin.gateway;

import static io.pumptwin.gateway.TelemetryFixtures.JSON;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway end to end against the real broker and registry, through HTTP as a device sees it. */
@RealKafka
class TelemetryGatewayTest {
  private static final String AVRO = "application/vnd.pumptwin.avro";
  private static final String JSON_TYPE = "application/json";
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final String SIM_SECRET = ProvisionDevice.newSecret(RANDOM);
  private static final String OWN_SECRET = ProvisionDevice.newSecret(RANDOM);

  @TempDir static Path dir;
  private static RealStack stack;
  private static TelemetryGateway gateway;
  private static GatewayClient client;
  private static String ownPump;

  @BeforeAll
  static void start(RealStack realStack) throws Exception {
    stack = realStack;
    ownPump = stack.uniqueId("OWN");
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(
        new Device("sim", SIM_SECRET, Set.of(Device.ANY_PUMP)),
        new Device("hc-own", OWN_SECRET, Set.of(ownPump))));
    GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0);
    gateway = new TelemetryGateway(config).start();
    client = new GatewayClient(gateway.port());
  }

  @AfterAll
  static void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void acceptedEventsLandExactlyOnceAlsoWhenTheClientRetries() throws Exception {
    String pump = stack.uniqueId("NGP");
    List<ObjectNode> events = IntStream.rangeClosed(1, 5)
        .mapToObj(i -> TelemetryFixtures.status(pump, i, Instant.now().minusSeconds(600 - i))).toList();
    byte[] batch = batch(events);

    HttpResponse<String> first = client.post("sim", SIM_SECRET, JSON_TYPE, batch);
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);
    assertThat(outcomes(first)).containsOnly("ACCEPTED").hasSize(5);

    HttpResponse<String> retry = client.post("sim", SIM_SECRET, JSON_TYPE, batch);
    assertThat(retry.statusCode()).isEqualTo(202);
    assertThat(outcomes(retry)).containsOnly("DUPLICATE").hasSize(5);

    // A device that rebuilt the event with a new id but the same sequence number.
    ObjectNode rebuilt = events.get(2).deepCopy().put("eventId", java.util.UUID.randomUUID().toString());
    HttpResponse<String> again = client.post("sim", SIM_SECRET, JSON_TYPE, bytes(rebuilt));
    assertThat(outcomes(again)).containsExactly("DUPLICATE");

    List<TelemetryEnvelope> stored = telemetryOf(pump);
    assertThat(stored).extracting(TelemetryEnvelope::getEventId)
        .containsExactlyInAnyOrderElementsOf(events.stream().map(e -> e.get("eventId").asText()).toList());
    assertThat(stored).allSatisfy(e -> assertThat(e.getReceivedTime()).isNotNull());
    assertThat(stored).extracting(TelemetryEnvelope::getSequence).containsExactly(1L, 2L, 3L, 4L, 5L);
  }

  @Test
  void concurrentRetriesOfTheSameRequestStoreEachEventOnce() throws Exception {
    String pump = stack.uniqueId("NGP");
    List<ObjectNode> events = IntStream.rangeClosed(1, 20)
        .mapToObj(i -> TelemetryFixtures.status(pump, i, Instant.now().minusSeconds(60))).toList();
    byte[] batch = batch(events);

    List<CompletableFuture<HttpResponse<String>>> attempts = new ArrayList<>();
    Instant now = Instant.now();
    for (int i = 0; i < 6; i++) {
      // Each retry is signed anew (its own timestamp), as a device does.
      attempts.add(client.sendAsync(client.signed("sim", SIM_SECRET, JSON_TYPE, batch, now.minusMillis(i))));
    }
    List<String> all = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> a : attempts) {
      HttpResponse<String> r = a.get();
      assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
      all.addAll(outcomes(r));
    }
    assertThat(all.stream().filter("ACCEPTED"::equals)).hasSize(20);
    assertThat(all.stream().filter("DUPLICATE"::equals)).hasSize(100);
    assertThat(telemetryOf(pump)).hasSize(20);
  }

  @Test
  void anAvroBodyInTheConfluentWireFormatIsAccepted() throws Exception {
    String pump = stack.uniqueId("NGP");
    TelemetryEnvelope event = ((TelemetryJson.Mapped.Ok) new TelemetryJson()
        .map(TelemetryFixtures.status(pump, 1, Instant.now().minusSeconds(30)))).event();
    byte[] body = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().serializer()
        .serialize(Topics.TELEMETRY.name(), event);

    HttpResponse<String> response = client.post("sim", SIM_SECRET, AVRO, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    List<TelemetryEnvelope> stored = telemetryOf(pump);
    assertThat(stored).hasSize(1);
    assertThat(stored.get(0).getEventId()).isEqualTo(event.getEventId());
    assertThat(((StatusReport) stored.get(0).getPayload()).getReservoirCapacityMl()).isEqualTo(40);
  }

  @Test
  void everyClassOfBadInputGetsItsProblemAndItsDeadLetterRecord() throws Exception {
    String pump = stack.uniqueId("NGP");
    Instant t = Instant.now().minusSeconds(60);
    List<BadInput> cases = new ArrayList<>();
    cases.add(new BadInput("not JSON", JSON_TYPE, ("{\"pumpSerial\": \"" + pump + "\",").getBytes(StandardCharsets.UTF_8),
        400, "MALFORMED_BODY", null));
    ObjectNode missing = TelemetryFixtures.status(pump, 1, t);
    missing.with("payload").remove("doseMcgPerDay");
    cases.add(new BadInput("missing field", JSON_TYPE, bytes(missing), 400, "MISSING_FIELD", "payload.doseMcgPerDay"));
    ObjectNode unknown = TelemetryFixtures.status(pump, 2, t).put("patientName", "x");
    cases.add(new BadInput("unknown field", JSON_TYPE, bytes(unknown), 400, "UNKNOWN_FIELD", "patientName"));
    ObjectNode wrongType = TelemetryFixtures.status(pump, 3, t).put("sequence", "three");
    cases.add(new BadInput("wrong type", JSON_TYPE, bytes(wrongType), 400, "WRONG_TYPE", "sequence"));
    ObjectNode overfull = TelemetryFixtures.status(pump, 4, t);
    overfull.with("payload").put("pumpComputedReservoirMl", 55.0);
    cases.add(new BadInput("reservoir above capacity", JSON_TYPE, bytes(overfull), 400, "OUT_OF_RANGE",
        "payload.pumpComputedReservoirMl"));
    ObjectNode future = TelemetryFixtures.status(pump, 5, Instant.now().plusSeconds(3600));
    cases.add(new BadInput("event time in the future", JSON_TYPE, bytes(future), 400, "OUT_OF_RANGE", "eventTime"));
    cases.add(new BadInput("unsupported media type", "text/plain", bytes(TelemetryFixtures.status(pump, 6, t)),
        415, "UNSUPPORTED_MEDIA_TYPE", null));
    cases.add(new BadInput("not the wire format", AVRO, bytes(TelemetryFixtures.status(pump, 7, t)), 400,
        "UNDECODABLE", null));
    byte[] unknownId = ByteBuffer.allocate(9).put((byte) 0).putInt(987_654_321).putInt(42).array();
    cases.add(new BadInput("unknown schema id", AVRO, unknownId, 400, "UNKNOWN_SCHEMA_ID", null));
    byte[] truncated = Arrays.copyOf(stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().serializer()
        .serialize(Topics.TELEMETRY.name(), ((TelemetryJson.Mapped.Ok) new TelemetryJson()
            .map(TelemetryFixtures.status(pump, 8, t))).event()), 20);
    cases.add(new BadInput("truncated Avro", AVRO, truncated, 400, "UNDECODABLE", null));

    for (BadInput bad : cases) {
      HttpResponse<String> response = client.post("sim", SIM_SECRET, bad.contentType, bad.body);
      assertThat(response.statusCode()).as(bad.name + ": " + response.body()).isEqualTo(bad.status);
      assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
          ct -> assertThat(ct).startsWith("application/problem+json"));
      JsonNode problem = JSON.readTree(response.body());
      assertThat(problem.path("status").asInt()).as(bad.name).isEqualTo(bad.status);
      assertThat(problem.path("type").asText()).as(bad.name).startsWith("urn:pumptwin:problem:");
      assertThat(problem.path("code").asText()).as(bad.name).isEqualTo(bad.code);
      if (bad.field != null) {
        assertThat(problem.path("field").asText()).as(bad.name).isEqualTo(bad.field);
      }
      assertThat(problem.path("reason").asText()).as(bad.name).isNotBlank();
    }

    List<DeadLetter> deadLetters = deadLetters();
    for (BadInput bad : cases) {
      assertThat(deadLetters).as("dead letter for " + bad.name)
          .filteredOn(d -> Arrays.equals(bytesOf(d.getRawValue()), bad.body))
          .singleElement().satisfies(d -> {
            assertThat(d.getStage()).isEqualTo("telemetry-gateway");
            assertThat(d.getReasonCode()).isEqualTo(bad.code);
            assertThat(d.getReason()).isNotBlank();
            assertThat(d.getContentType()).isEqualTo(bad.contentType);
            if (bad.field != null) {
              assertThat(d.getField()).isEqualTo(bad.field);
              assertThat(d.getPumpSerial()).isEqualTo(pump);
            }
          });
    }
    assertThat(telemetryOf(pump)).as("nothing bad reached the telemetry topic").isEmpty();
  }

  /**
   * The clinic's explant is stored like its other records; sent from the patient's home communicator it is refused
   * and dead-lettered with the reason (an explant retires the pump's twin, silencing every alert on the serial).
   */
  @Test
  void anExplantFromTheClinicIsStoredAndOneFromTheHomeIsDeadLettered() throws Exception {
    String pump = stack.uniqueId("NGP");
    Instant t = Instant.now().minusSeconds(60);
    ObjectNode fromClinic = TelemetryFixtures.fromClinic(
        TelemetryFixtures.envelope(pump, 1, t, TelemetryFixtures.explantPayload()));
    ObjectNode fromHome = TelemetryFixtures.envelope(pump, 2, t, TelemetryFixtures.explantPayload());

    HttpResponse<String> response = client.post("sim", SIM_SECRET, JSON_TYPE, batch(List.of(fromClinic, fromHome)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(outcomes(response)).containsExactly("ACCEPTED", "REJECTED");
    assertThat(telemetryOf(pump)).singleElement().satisfies(e -> {
      assertThat(e.getPayload()).isInstanceOfSatisfying(io.pumptwin.events.PumpExplant.class, x -> {
        assertThat(x.getReason()).isEqualTo(io.pumptwin.events.ExplantReason.ELECTIVE_REPLACEMENT);
        assertThat(x.getReplacementPumpSerial()).isEqualTo("NGP-REPLACEMENT-1");
      });
      assertThat(e.getSource()).isEqualTo(io.pumptwin.events.TelemetrySource.CLINICIAN_PROGRAMMER);
    });
    assertThat(deadLetters()).filteredOn(d -> pump.equals(d.getPumpSerial())).singleElement()
        .satisfies(d -> {
          assertThat(d.getReasonCode()).isEqualTo("INCONSISTENT");
          assertThat(d.getField()).isEqualTo("source");
          assertThat(d.getReason()).contains("recorded by the clinic");
          assertThat(new String(bytesOf(d.getRawValue()), StandardCharsets.UTF_8))
              .contains(fromHome.get("eventId").asText());
        });
  }

  /**
   * The clinic's retraction of an explant recorded against the wrong serial is stored like the explant; sent from the
   * patient's home communicator it is refused and dead-lettered with the reason (it would reopen a retired twin's
   * alerts), and one that names no explant is dead-lettered saying what it lacks.
   */
  @Test
  void anExplantsRetractionFromTheClinicIsStoredAndOneFromTheHomeIsDeadLettered() throws Exception {
    String pump = stack.uniqueId("NGP");
    Instant t = Instant.now().minusSeconds(60);
    ObjectNode explant = TelemetryFixtures.fromClinic(
        TelemetryFixtures.envelope(pump, 1, t.minusSeconds(600), TelemetryFixtures.explantPayload()));
    String explantId = explant.get("eventId").asText();
    ObjectNode fromClinic = TelemetryFixtures.fromClinic(
        TelemetryFixtures.envelope(pump, 2, t, TelemetryFixtures.explantRetractionPayload(explantId)));
    ObjectNode fromHome = TelemetryFixtures.envelope(pump, 3, t, TelemetryFixtures.explantRetractionPayload(explantId));
    ObjectNode blank = TelemetryFixtures.fromClinic(
        TelemetryFixtures.envelope(pump, 4, t, TelemetryFixtures.explantRetractionPayload(" ")));

    HttpResponse<String> response = client.post("sim", SIM_SECRET, JSON_TYPE,
        batch(List.of(explant, fromClinic, fromHome, blank)));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(outcomes(response)).containsExactly("ACCEPTED", "ACCEPTED", "REJECTED", "REJECTED");
    assertThat(telemetryOf(pump)).hasSize(2).last().satisfies(e -> {
      assertThat(e.getPayload()).isInstanceOfSatisfying(io.pumptwin.events.PumpExplantRetraction.class, r -> {
        assertThat(r.getRetractedEventId()).isEqualTo(explantId);
        assertThat(r.getReason()).isEqualTo(io.pumptwin.events.ExplantRetractionReason.WRONG_SERIAL);
      });
      assertThat(e.getSource()).isEqualTo(io.pumptwin.events.TelemetrySource.CLINICIAN_PROGRAMMER);
    });
    List<DeadLetter> refused = deadLetters().stream()
        .filter(d -> pump.equals(d.getPumpSerial())).toList();
    assertThat(refused).extracting(d -> d.getField() + " " + d.getReasonCode()).containsExactlyInAnyOrder(
        "source INCONSISTENT", "payload.retractedEventId MISSING_FIELD");
    assertThat(refused).filteredOn(d -> d.getField().equals("source")).singleElement().satisfies(d -> {
      assertThat(d.getReason()).contains("retraction is recorded by the clinic");
      assertThat(new String(bytesOf(d.getRawValue()), StandardCharsets.UTF_8))
          .contains(fromHome.get("eventId").asText());
    });
  }

  @Test
  void aMixedBatchStoresTheGoodEventsAndDeadLettersTheBadOne() throws Exception {
    String pump = stack.uniqueId("NGP");
    Instant t = Instant.now().minusSeconds(60);
    ObjectNode bad = TelemetryFixtures.status(pump, 2, t);
    bad.with("payload").put("concentrationMcgPerMl", 750);
    List<ObjectNode> events = List.of(TelemetryFixtures.status(pump, 1, t), bad, TelemetryFixtures.status(pump, 3, t));

    HttpResponse<String> response = client.post("sim", SIM_SECRET, JSON_TYPE, batch(events));

    assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    assertThat(outcomes(response)).containsExactly("ACCEPTED", "REJECTED", "ACCEPTED");
    JsonNode rejected = JSON.readTree(response.body()).path("results").get(1).path("problem");
    assertThat(rejected.path("field").asText()).isEqualTo("payload.concentrationMcgPerMl");
    assertThat(telemetryOf(pump)).extracting(TelemetryEnvelope::getSequence).containsExactlyInAnyOrder(1L, 3L);
    assertThat(deadLetters()).filteredOn(d -> pump.equals(d.getPumpSerial())).singleElement()
        .satisfies(d -> {
          assertThat(d.getReasonCode()).isEqualTo("OUT_OF_RANGE");
          assertThat(new String(bytesOf(d.getRawValue()), StandardCharsets.UTF_8))
              .contains(bad.get("eventId").asText());
        });
  }

  @Test
  void aBatchWhereEveryEventIsRefusedIs400WithEveryReason() throws Exception {
    String pump = stack.uniqueId("NGP");
    ObjectNode a = TelemetryFixtures.status(pump, 1, Instant.now().minusSeconds(60));
    a.with("payload").put("reservoirCapacityMl", 30);
    ObjectNode b = TelemetryFixtures.status(pump, 2, Instant.now().minusSeconds(60));
    b.with("payload").put("doseMcgPerDay", 9000);

    HttpResponse<String> response = client.post("sim", SIM_SECRET, JSON_TYPE, batch(List.of(a, b)));

    assertThat(response.statusCode()).isEqualTo(400);
    JsonNode problem = JSON.readTree(response.body());
    assertThat(problem.path("errors")).extracting(e -> e.path("field").asText())
        .containsExactly("payload.reservoirCapacityMl", "payload.doseMcgPerDay");
    assertThat(deadLetters()).filteredOn(d -> pump.equals(d.getPumpSerial())).hasSize(2);
  }

  @Test
  void aDeviceSendingForAPumpNotItsOwnIsForbiddenAndRecorded() throws Exception {
    String other = stack.uniqueId("NGP");
    Instant t = Instant.now().minusSeconds(60);
    byte[] body = batch(List.of(TelemetryFixtures.status(ownPump, 1, t), TelemetryFixtures.status(other, 1, t)));

    HttpResponse<String> response = client.post("hc-own", OWN_SECRET, JSON_TYPE, body);

    assertThat(response.statusCode()).as(response.body()).isEqualTo(403);
    assertThat(JSON.readTree(response.body()).path("code").asText()).isEqualTo("PUMP_NOT_ALLOWED");
    assertThat(telemetryOf(ownPump)).as("nothing of a refused request is stored").isEmpty();
    assertThat(deadLetters()).filteredOn(d -> Arrays.equals(bytesOf(d.getRawValue()), body)).singleElement()
        .satisfies(d -> assertThat(d.getReasonCode()).isEqualTo("PUMP_NOT_ALLOWED"));

    HttpResponse<String> own = client.post("hc-own", OWN_SECRET, JSON_TYPE,
        bytes(TelemetryFixtures.status(ownPump, 1, t)));
    assertThat(own.statusCode()).as(own.body()).isEqualTo(202);
  }

  @Test
  void unauthenticatedForgedStaleAndReplayedRequestsAreRefused() throws Exception {
    String pump = stack.uniqueId("NGP");
    byte[] body = bytes(TelemetryFixtures.status(pump, 1, Instant.now().minusSeconds(60)));

    assertThat(client.send(client.unsigned(JSON_TYPE, body).build()).statusCode()).as("no credentials").isEqualTo(401);
    assertThat(client.post("nobody", SIM_SECRET, JSON_TYPE, body).statusCode()).as("unknown device").isEqualTo(401);
    assertThat(client.post("sim", ProvisionDevice.newSecret(RANDOM), JSON_TYPE, body).statusCode())
        .as("forged signature").isEqualTo(401);
    assertThat(client.send(client.signed("sim", SIM_SECRET, JSON_TYPE, body, Instant.now().minusSeconds(900)))
        .statusCode()).as("stale timestamp").isEqualTo(401);
    HttpRequest tampered = client.signed("sim", SIM_SECRET, JSON_TYPE, body, Instant.now());
    HttpRequest swapped = HttpRequest.newBuilder(tampered, (n, v) -> true)
        .POST(HttpRequest.BodyPublishers.ofByteArray(bytes(TelemetryFixtures.status(pump, 2, Instant.now()))))
        .build();
    assertThat(client.send(swapped).statusCode()).as("body swapped under a valid signature").isEqualTo(401);
    assertThat(telemetryOf(pump)).isEmpty();

    HttpRequest genuine = client.signed("sim", SIM_SECRET, JSON_TYPE, body, Instant.now());
    assertThat(client.send(genuine).statusCode()).isEqualTo(202);
    HttpResponse<String> replay = client.send(genuine);
    assertThat(replay.statusCode()).as("replayed").isEqualTo(401);
    assertThat(replay.body()).contains("already received");
    assertThat(telemetryOf(pump)).hasSize(1);
  }

  @Test
  void oversizedBodiesAndBatchesAre413() {
    String pump = stack.uniqueId("NGP");
    List<ObjectNode> many = IntStream.rangeClosed(1, 501)
        .mapToObj(i -> TelemetryFixtures.status(pump, i, Instant.now().minusSeconds(60))).toList();
    HttpResponse<String> tooMany = client.post("sim", SIM_SECRET, JSON_TYPE, batch(many));
    assertThat(tooMany.statusCode()).as(tooMany.body()).isEqualTo(413);
    assertThat(tooMany.body()).contains("500 events");

    byte[] huge = new byte[(1 << 20) + 1];
    Arrays.fill(huge, (byte) ' ');
    assertThat(client.post("sim", SIM_SECRET, JSON_TYPE, huge).statusCode()).isEqualTo(413);
  }

  @Test
  void servesHealthReadinessMetricsAndItsOpenApiDescription() throws Exception {
    String pump = stack.uniqueId("NGP");
    client.post("sim", SIM_SECRET, JSON_TYPE, bytes(TelemetryFixtures.status(pump, 1, Instant.now().minusSeconds(5))));

    assertThat(client.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = client.get("/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    HttpResponse<String> metrics = client.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains("gateway_requests_seconds_count{format=\"json\",status=\"202\"}")
        .contains("gateway_events_total{outcome=\"accepted\",reason=\"none\"}")
        .contains("gateway_produce_latency_seconds")
        .doesNotContain(pump).doesNotContain("NGP-");
    HttpResponse<String> openapi = client.get("/openapi");
    assertThat(openapi.statusCode()).isEqualTo(200);
    assertThat(openapi.body()).startsWith("openapi: 3").contains("/v1/telemetry").contains("X-Signature");
  }

  private record BadInput(String name, String contentType, byte[] body, int status, String code, String field) {}

  private static List<TelemetryEnvelope> telemetryOf(String pump) {
    var deserializer = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().deserializer();
    return TopicContents.readAll(stack.bootstrapServers(), Topics.TELEMETRY.name(), deserializer).stream()
        .filter(r -> pump.equals(r.key())).map(ConsumerRecord::value).toList();
  }

  private static List<DeadLetter> deadLetters() {
    var deserializer = stack.topicRegistry().topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer();
    return TopicContents.readAll(stack.bootstrapServers(), Topics.TELEMETRY_DLQ.name(), deserializer).stream()
        .map(ConsumerRecord::value).toList();
  }

  private static byte[] bytesOf(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }

  static List<String> outcomes(HttpResponse<String> response) throws Exception {
    List<String> out = new ArrayList<>();
    JSON.readTree(response.body()).path("results").forEach(r -> out.add(r.path("outcome").asText()));
    return out;
  }

  static byte[] batch(List<ObjectNode> events) {
    ObjectNode root = JSON.createObjectNode();
    ArrayNode list = root.putArray("events");
    events.forEach(list::add);
    return bytes(root);
  }

  static byte[] bytes(JsonNode node) {
    return node.toString().getBytes(StandardCharsets.UTF_8);
  }
}
