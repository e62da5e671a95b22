package io.pumptwin.gateway.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.gateway.json.TelemetryJson;
import io.pumptwin.gateway.refusal.RefusalDeadLetters;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import java.util.function.IntPredicate;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.sessions.JqwikSession;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fuzzes a real gateway over HTTP, in front of the real broker and registry, with more than 10,000
 * hostile inputs: property-based (jqwik generators: wrong types, extreme numbers, random documents
 * and bytes) and mutation-based (valid signed JSON and Avro requests with bytes, tokens, headers,
 * signatures and clocks broken), plus replays, wrong content types and huge bodies.
 *
 * <p>What must hold for every response: no 5xx but declared back-pressure (503 with Retry-After);
 * every refusal is a problem document a person can act on; every refusal is accounted for on the
 * dead-letter topic. Refusals after authentication (400, 403, 415, and events refused inside a 202)
 * have exactly one record each, matched byte for byte where the refusal is of the whole body;
 * refusals at the door (401, 413) have a record each up to the per-address rate and are counted in
 * REFUSALS_SUPPRESSED summaries beyond it, and individual records plus summarised counts equal
 * the 401 and 413 responses exactly. Every 401 is also counted in its metric. Afterwards the gateway
 * is healthy, ready and accepts a valid event. The counts go to
 * {@code target/gateway-fuzz-report.md} for the README.
 */
@RealKafka
class GatewayFuzzTest {
  /** Override with -Dpumptwin.fuzz.seed=N to explore; a failure prints the seed to rerun it. */
  private static final long SEED = Long.getLong("pumptwin.fuzz.seed", 20_261_202L);
  /** Requests in flight at once: enough to keep both cores busy, few enough not to hit the limiter. */
  private static final int CONCURRENCY = 16;
  private static final String JSON = "application/json";
  private static final String AVRO = "application/vnd.pumptwin.avro";
  private static final ObjectMapper MAPPER = new ObjectMapper();
  /** Dead-letter reason codes of refusals at the door (401, 413), written one by one. */
  private static final Set<String> DOOR_REASONS = Set.of("MISSING_CREDENTIALS", "BAD_TIMESTAMP",
      "UNKNOWN_DEVICE", "BAD_SIGNATURE", "REPLAYED", "BODY_TOO_LARGE", "TOO_MANY_EVENTS", "UNREADABLE_BODY");
  private static final String COMMAND = "./mvnw -B -pl telemetry-gateway verify -Dtest=GatewayFuzzTest"
      + " -Dsurefire.failIfNoSpecifiedTests=false";

  @TempDir Path dir;
  private TelemetryGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  /** How one input is sent: its body, and a request built at send time (signatures are timed). */
  private record Shot(String category, byte[] body, Function<Instant, HttpRequest> request,
      boolean sentTwice, IntPredicate expected, String expectation) {}

  @Test
  void hostileInputIsRefusedWithAReasonDeadLetteredAndLeavesTheGatewayHealthy(RealStack stack)
      throws Exception {
    SecureRandom secrets = new SecureRandom();
    String anySecret = ProvisionDevice.newSecret(secrets);
    String ownSecret = ProvisionDevice.newSecret(secrets);
    String ownPump = stack.uniqueId("FZOWN");
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device("fuzz-any", anySecret, Set.of(Device.ANY_PUMP)),
        new Device("fuzz-own", ownSecret, Set.of(ownPump))));
    gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(),
        devices).withListener("127.0.0.1", 0)).start();
    URI base = URI.create("http://127.0.0.1:" + gateway.port());
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(10)).build();
    Topic<TelemetryEnvelope> telemetry = stack.topicRegistry().topic(Topics.TELEMETRY);
    Map<TopicPartition, Long> dlqStart = endOffsets(stack, Topics.TELEMETRY_DLQ.name());

    Requests requests = new Requests(base, anySecret, ownSecret, new AtomicLong());
    List<Shot> shots;
    // jqwik's generators memoize in a session; outside a property, a session is opened by hand.
    JqwikSession.start(Long.toString(SEED));
    try {
      shots = new Inputs(new Random(SEED), requests, telemetry, stack.uniqueId("FZ"), ownPump).all();
    } finally {
      JqwikSession.finish();
    }

    FuzzTally tally = new FuzzTally();
    Map<ByteBuffer, Integer> wholeBodyRefusals = new HashMap<>();
    AtomicLong unauthenticated = new AtomicLong();
    Semaphore inFlight = new Semaphore(CONCURRENCY);
    List<CompletableFuture<Void>> sent = new ArrayList<>(shots.size());
    for (Shot shot : shots) {
      tally.input(shot.category());
      inFlight.acquire();
      HttpRequest request = shot.request().apply(Instant.now());
      CompletableFuture<Void> done = http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
          .thenCompose(first -> {
            check(shot, first, false, tally, wholeBodyRefusals, unauthenticated);
            if (!shot.sentTwice()) {
              return CompletableFuture.completedFuture(null);
            }
            return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .thenAccept(replay -> check(shot, replay, true, tally, wholeBodyRefusals, unauthenticated));
          })
          .exceptionally(error -> {
            tally.violation(shot.category() + ": no response: " + error);
            return null;
          })
          .whenComplete((v, e) -> inFlight.release());
      sent.add(done);
    }
    // A bound, not a speed check: on a loaded machine the run takes several times its usual minute.
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(20, TimeUnit.MINUTES);

    // Afterwards: alive, ready, and a valid event is accepted and stored.
    List<String> afterwards = new ArrayList<>();
    HttpResponse<String> health = http.send(HttpRequest.newBuilder(base.resolve("/health")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    HttpResponse<String> ready = http.send(HttpRequest.newBuilder(base.resolve("/ready")).GET().build(),
        HttpResponse.BodyHandlers.ofString());
    String finalPump = stack.uniqueId("FZOK");
    byte[] valid = TelemetryArbitraries.bytes(TelemetryFixtures.status(finalPump, 1, Instant.now().minusSeconds(5)));
    HttpResponse<String> accepted = http.send(requests.signed(JSON, valid, "fuzz-any", anySecret)
        .apply(Instant.now()), HttpResponse.BodyHandlers.ofString());
    String metrics = http.send(HttpRequest.newBuilder(base.resolve("/metrics")).GET().build(),
        HttpResponse.BodyHandlers.ofString()).body();
    long authRefusalsCounted = sumOf(metrics, "gateway_auth_refusals_total");
    // A clean shutdown writes the last summaries of counted refusals and waits for their records,
    // so the topic is complete when read below.
    gateway.close();
    gateway = null;

    // Every refusal has its dead-letter record: whole-body refusals byte for byte, events refused
    // inside a batch by count (their raw bytes are the re-serialized element), refusals at the door
    // one by one or counted in a summary.
    List<DeadLetter> deadLetters = readFrom(stack, Topics.TELEMETRY_DLQ.name(), dlqStart);
    Map<ByteBuffer, Integer> unmatched = new HashMap<>(wholeBodyRefusals);
    long otherDeadLetters = 0;
    long doorIndividual = 0;
    long doorSummarised = 0;
    long summaries = 0;
    Map<String, Long> doorByReason = new TreeMap<>();
    for (DeadLetter d : deadLetters) {
      if (!"telemetry-gateway".equals(d.getStage()) || isBlank(d.getReasonCode()) || isBlank(d.getReason())) {
        tally.violation("dead letter without stage, code or reason: " + d.getDeadLetterId());
      }
      if (DOOR_REASONS.contains(d.getReasonCode())) {
        doorIndividual++;
        doorByReason.merge(d.getReasonCode(), 1L, Long::sum);
        if (d.getRawValue().remaining() > 4096) {
          tally.violation("door refusal stored more than 4096 bytes: " + d.getDeadLetterId());
        }
        continue;
      }
      if (RefusalDeadLetters.SUPPRESSED.equals(d.getReasonCode())) {
        JsonNode summary = MAPPER.readTree(StandardCharsets.UTF_8.decode(d.getRawValue().duplicate()).toString());
        doorSummarised += summary.path("suppressed").asLong();
        summaries++;
        summary.path("byReason").fields().forEachRemaining(
            e -> doorByReason.merge("suppressed " + e.getKey(), e.getValue().asLong(), Long::sum));
        continue;
      }
      ByteBuffer raw = d.getRawValue().duplicate();
      Integer left = unmatched.get(raw);
      if (left == null) {
        otherDeadLetters++;
      } else if (left == 1) {
        unmatched.remove(raw);
      } else {
        unmatched.put(raw, left - 1);
      }
    }
    long expectedOther = tally.expectedDeadLetters.get()
        - wholeBodyRefusals.values().stream().mapToLong(Integer::longValue).sum();
    long doorRecords = doorIndividual + summaries;
    long matched = deadLetters.size() - otherDeadLetters - doorRecords;

    afterwards.add("`GET /health` " + health.statusCode() + ", `GET /ready` " + ready.statusCode()
        + ", a valid event afterwards: " + accepted.statusCode());
    afterwards.add("401 responses: " + unauthenticated.get() + "; counted in `gateway.auth.refusals`: "
        + authRefusalsCounted);
    afterwards.add("refusals at the door (401 and 413): " + tally.doorRefusals.get() + " = " + doorIndividual
        + " dead-lettered one by one + " + doorSummarised + " counted in " + summaries
        + " REFUSALS_SUPPRESSED summaries (per-address limit 20/s, burst 100); by reason: " + doorByReason);
    afterwards.add("dead letters: " + deadLetters.size() + " = " + matched
        + " whole-body refusals matched byte for byte + " + otherDeadLetters
        + " events refused inside batches (expected " + expectedOther + ") + " + doorIndividual
        + " door refusals + " + summaries + " summaries");

    String summary = tally.summaryLine(deadLetters.size(), SEED) + " doorRefusals=" + tally.doorRefusals.get()
        + " doorDeadLetters=" + doorIndividual + " doorSummarised=" + doorSummarised + " summaries=" + summaries;
    System.out.println(summary);
    tally.writeMarkdown(Path.of(System.getProperty("basedir", ".")).resolve("target/gateway-fuzz-report.md"),
        deadLetters.size(), SEED, COMMAND, afterwards);

    assertThat(tally.inputs()).as("inputs").isGreaterThanOrEqualTo(10_000);
    assertThat(tally.violations()).as(summary).isEmpty();
    assertThat(tally.serverErrors.get()).as("5xx other than declared back-pressure")
        .isEqualTo(tally.backPressure.get());
    assertThat(unmatched).as("whole-body refusals without their dead-letter record").isEmpty();
    assertThat(otherDeadLetters).as("dead letters of events refused inside batches").isEqualTo(expectedOther);
    assertThat(doorIndividual + doorSummarised).as("401 and 413 refusals, one by one or summarised")
        .isEqualTo(tally.doorRefusals.get());
    assertThat((long) deadLetters.size()).as("dead letters")
        .isEqualTo(tally.expectedDeadLetters.get() + doorRecords);
    assertThat(authRefusalsCounted).as("every 401 counted").isEqualTo(unauthenticated.get());
    assertThat(health.statusCode()).isEqualTo(200);
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
    assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
    assertThat(MAPPER.readTree(accepted.body()).path("results").get(0).path("outcome").asText())
        .isEqualTo("ACCEPTED");
  }

  /** The invariants every single response must satisfy; breaches are collected, not thrown. */
  private static void check(Shot shot, HttpResponse<String> r, boolean replay, FuzzTally tally,
      Map<ByteBuffer, Integer> wholeBodyRefusals, AtomicLong unauthenticated) {
    int status = r.statusCode();
    String where = shot.category() + (replay ? " (replayed)" : "") + ": " + status + " " + abbreviate(r.body());
    tally.requests.incrementAndGet();
    tally.status(status);
    if (replay ? status != 401 || !r.body().contains("already received") : !shot.expected().test(status)) {
      tally.violation(where + " (expected " + (replay ? "401 already received" : shot.expectation()) + ")");
    }
    if (status >= 500) {
      tally.serverErrors.incrementAndGet();
      // Declared back-pressure (README): 503 with Retry-After when the in-flight limits are reached
      // (overloaded) or Kafka or the registry did not answer in time (unavailable; on a loaded
      // machine the registry lookups of random schema ids time out). Counted by reason in the report.
      if (status == 503 && r.headers().firstValue("Retry-After").isPresent()
          && (r.body().contains("urn:pumptwin:problem:overloaded")
              || r.body().contains("urn:pumptwin:problem:unavailable"))) {
        tally.backPressure.incrementAndGet();
      } else {
        tally.violation(where + " (5xx that is not declared back-pressure)");
      }
    }
    JsonNode body;
    try {
      body = MAPPER.readTree(r.body());
    } catch (Exception e) {
      tally.violation(where + " (body is not JSON)");
      return;
    }
    if (status == 202) {
      countResults(body.path("results"), where, tally);
      return;
    }
    if (status < 400) {
      tally.violation(where + " (unexpected status)");
      return;
    }
    // A refusal: an RFC 9457 problem a person can act on.
    if (!r.headers().firstValue("Content-Type").orElse("").startsWith("application/problem+json")
        || !body.path("type").asText().startsWith("urn:pumptwin:problem:")
        || body.path("status").asInt() != status || isBlank(body.path("detail").asText(null))
        || isBlank(body.path("title").asText(null))) {
      tally.violation(where + " (refusal without a complete problem document)");
    }
    String reason = body.hasNonNull("code") ? body.get("code").asText()
        : body.path("type").asText().replace("urn:pumptwin:problem:", "");
    tally.refused(status + " " + reason);
    switch (status) {
      case 400, 403, 415 -> {
        if (isBlank(body.path("reason").asText(null)) || isBlank(body.path("code").asText(null))) {
          tally.violation(where + " (refusal without code and reason)");
        }
        if (body.has("results")) {
          countResults(body.get("results"), where, tally);
        } else {
          tally.rejectedEvents.incrementAndGet();
          tally.expectedDeadLetters.incrementAndGet();
          synchronized (wholeBodyRefusals) {
            wholeBodyRefusals.merge(ByteBuffer.wrap(shot.body()), 1, Integer::sum);
          }
        }
      }
      case 401 -> {
        unauthenticated.incrementAndGet();
        tally.doorRefusals.incrementAndGet();
        if (r.headers().firstValue("WWW-Authenticate").isEmpty()) {
          tally.violation(where + " (401 without WWW-Authenticate)");
        }
      }
      case 413 -> tally.doorRefusals.incrementAndGet();
      case 503 -> {
        // Checked above.
      }
      default -> tally.violation(where + " (status the gateway does not declare)");
    }
  }

  private static void countResults(JsonNode results, String where, FuzzTally tally) {
    if (!results.isArray() || results.isEmpty()) {
      tally.violation(where + " (no per-event results)");
      return;
    }
    for (JsonNode result : results) {
      switch (result.path("outcome").asText()) {
        case "ACCEPTED" -> tally.acceptedEvents.incrementAndGet();
        case "DUPLICATE" -> tally.duplicateEvents.incrementAndGet();
        case "REJECTED" -> {
          tally.rejectedEvents.incrementAndGet();
          tally.expectedDeadLetters.incrementAndGet();
          JsonNode problem = result.path("problem");
          tally.refused("event " + problem.path("code").asText("?"));
          if (isBlank(problem.path("reason").asText(null))) {
            tally.violation(where + " (refused event without a reason)");
          }
        }
        default -> tally.violation(where + " (event without an outcome)");
      }
    }
  }

  /** Builds the requests a device (or an attacker) would send. */
  private record Requests(URI base, String anySecret, String ownSecret, AtomicLong clock) {
    /**
     * Each request is signed at its own millisecond: two requests with the same body signed in the
     * same millisecond carry the same signature, and the gateway rightly refuses the second as a replay.
     */
    Instant stamp(Instant now) {
      return Instant.ofEpochMilli(clock.updateAndGet(last -> Math.max(last + 1, now.toEpochMilli())));
    }

    Function<Instant, HttpRequest> signed(String contentType, byte[] body, String device, String secret) {
      return skewed(contentType, body, device, secret, Duration.ZERO);
    }

    Function<Instant, HttpRequest> skewed(String contentType, byte[] body, String device, String secret,
        Duration skew) {
      return now -> {
        String ts = Long.toString(stamp(now).plus(skew).toEpochMilli());
        return builder(contentType, body).header(RequestSignature.DEVICE_HEADER, device)
            .header(RequestSignature.TIMESTAMP_HEADER, ts)
            .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts, body)).build();
      };
    }

    /** Headers as given (null leaves one out), signature computed over the body if sign is set. */
    Function<Instant, HttpRequest> raw(String contentType, byte[] body, String device, String timestamp,
        String signature) {
      return now -> {
        HttpRequest.Builder b = builder(contentType, body);
        if (device != null) {
          b.header(RequestSignature.DEVICE_HEADER, device);
        }
        String ts = timestamp == null ? null : timestamp.replace("NOW", Long.toString(stamp(now).toEpochMilli()));
        if (ts != null) {
          b.header(RequestSignature.TIMESTAMP_HEADER, ts);
        }
        if (signature != null) {
          b.header(RequestSignature.SIGNATURE_HEADER, signature.equals("VALID")
              ? RequestSignature.sign(anySecret, ts == null ? "" : ts, body) : signature);
        }
        return b.build();
      };
    }

    private HttpRequest.Builder builder(String contentType, byte[] body) {
      HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve("/v1/telemetry"))
          .timeout(Duration.ofSeconds(60)).POST(HttpRequest.BodyPublishers.ofByteArray(body));
      if (contentType != null) {
        b.header("Content-Type", contentType);
      }
      return b;
    }
  }

  /** The inputs, by category; sizes chosen so the whole run stays near a minute on two cores. */
  private static final class Inputs {
    private static final IntPredicate ANY_DECLARED = s -> Set.of(202, 400, 401, 403, 413, 415, 503).contains(s);
    private static final IntPredicate CONTENT_REFUSAL_OR_ACCEPT = s -> s == 202 || s == 400;

    private final Random random;
    private final Mutator mutator;
    private final Requests requests;
    private final Topic<TelemetryEnvelope> telemetry;
    private final String pumpPrefix;
    private final String ownPump;
    private final TelemetryJson mapper = new TelemetryJson();
    private final Instant now = Instant.now();
    private final List<Shot> shots = new ArrayList<>();
    private long sequence;
    private int pumps;

    Inputs(Random random, Requests requests, Topic<TelemetryEnvelope> telemetry, String pumpPrefix,
        String ownPump) {
      this.random = random;
      this.mutator = new Mutator(random);
      this.requests = requests;
      this.telemetry = telemetry;
      this.pumpPrefix = pumpPrefix;
      this.ownPump = ownPump;
    }

    List<Shot> all() {
      // Property-based: jqwik generators, seeded.
      repeat(2000, () -> json("property: one field of a wrong type or hostile value",
          sample(TelemetryArbitraries.eventWithOneHostileField(pump(), seq(), now))));
      repeat(1500, () -> json("property: extreme or negative number",
          sample(TelemetryArbitraries.eventWithExtremeNumber(pump(), seq(), now))));
      repeat(1000, () -> json("property: field removed, nulled, added or payload type changed",
          sample(TelemetryArbitraries.eventWithShapeChange(pump(), seq(), now))));
      repeat(1200, () -> signedAny("property: random JSON document or bytes", JSON,
          sample(TelemetryArbitraries.randomBody()), CONTENT_REFUSAL_OR_ACCEPT, "202 or 400"));
      repeat(400, () -> avroOf("property: Avro body of an event with extreme numbers",
          sample(TelemetryArbitraries.eventWithExtremeNumber(pump(), seq(), now))));
      repeat(400, this::avroWithRandomTail);

      // Mutation-based: valid signed requests with their bytes broken, then signed (so parsing and
      // validation are reached), or with their credentials broken (so authentication is).
      repeat(1500, () -> signedAny("mutation: bytes of a valid JSON event", JSON,
          mutator.mutateBytes(validJson()), CONTENT_REFUSAL_OR_ACCEPT, "202 or 400"));
      repeat(800, () -> signedAny("mutation: JSON tokens of a valid event", JSON,
          mutator.mutateJsonText(validJson()), CONTENT_REFUSAL_OR_ACCEPT, "202 or 400"));
      repeat(1000, () -> signedAny("mutation: bytes of a valid Avro event", AVRO,
          mutator.mutateAvro(validAvro()), CONTENT_REFUSAL_OR_ACCEPT, "202 or 400"));
      repeat(250, this::mixedBatch);
      repeat(400, this::badSignature);
      repeat(300, this::missingOrGarbledHeaders);
      repeat(300, this::clockSkew);
      repeat(200, () -> {
        byte[] body = validJson();
        shots.add(new Shot("mutation: replay of a signed request (sent twice)", body,
            requests.signed(JSON, body, "fuzz-any", requests.anySecret()), true, s -> s == 202, "202"));
      });
      repeat(200, () -> {
        // A device retry: the same event signed again is a DUPLICATE, not stored twice.
        byte[] body = validJson();
        shots.add(new Shot("mutation: valid request", body,
            requests.signed(JSON, body, "fuzz-any", requests.anySecret()), false, s -> s == 202, "202"));
        shots.add(new Shot("mutation: same event signed again (device retry)", body,
            requests.signed(JSON, body, "fuzz-any", requests.anySecret()), false, s -> s == 202, "202"));
      });
      repeat(300, this::contentType);
      repeat(100, () -> {
        byte[] body = TelemetryArbitraries.bytes(TelemetryFixtures.status(pump(), 1, now.minusSeconds(60)));
        shots.add(new Shot("mutation: device names a pump not its own", body,
            requests.signed(JSON, body, "fuzz-own", requests.ownSecret()), false, s -> s == 403, "403"));
      });
      huge();
      return shots;
    }

    private void avroWithRandomTail() {
      byte[] valid = validAvro();
      int n = random.nextInt(200);
      byte[] body = new byte[5 + n];
      // A known schema id (ours or another topic's) or a random one, then random Avro binary.
      System.arraycopy(valid, 0, body, 0, 5);
      if (random.nextBoolean()) {
        ByteBuffer.wrap(body).putInt(1, random.nextBoolean() ? random.nextInt(40) : random.nextInt());
      }
      for (int i = 5; i < body.length; i++) {
        body[i] = (byte) random.nextInt(256);
      }
      signedAny("property: Avro header with a known or random schema id, random binary", AVRO, body,
          CONTENT_REFUSAL_OR_ACCEPT, "202 or 400");
    }

    private void mixedBatch() {
      ArrayNode events = MAPPER.createArrayNode();
      int n = 2 + random.nextInt(19);
      for (int i = 0; i < n; i++) {
        switch (random.nextInt(3)) {
          case 0 -> events.add(sample(TelemetryArbitraries.validEvent(pump(), seq(), now)));
          case 1 -> events.add(sample(TelemetryArbitraries.eventWithOneHostileField(pump(), seq(), now)));
          default -> events.add(sample(TelemetryArbitraries.eventWithExtremeNumber(pump(), seq(), now)));
        }
      }
      ObjectNode root = MAPPER.createObjectNode();
      root.set("events", events);
      byte[] body = TelemetryArbitraries.bytes(root);
      signedAny("mutation: batch of valid and hostile events", JSON, body, CONTENT_REFUSAL_OR_ACCEPT,
          "202 or 400");
    }

    private void badSignature() {
      byte[] body = validJson();
      String ts = "NOW";
      Function<Instant, HttpRequest> request = switch (random.nextInt(5)) {
        case 0 -> requests.signed(JSON, body, "fuzz-any", ProvisionDevice.newSecret(new SecureRandom()));
        case 1 -> requests.signed(JSON, body, "unknown-" + random.nextInt(1000), requests.anySecret());
        case 2 -> now -> {
          // One hex digit of a valid signature changed.
          HttpRequest valid = requests.signed(JSON, body, "fuzz-any", requests.anySecret()).apply(now);
          String sig = valid.headers().firstValue(RequestSignature.SIGNATURE_HEADER).orElseThrow();
          int at = random.nextInt(sig.length());
          char c = sig.charAt(at) == '0' ? '1' : '0';
          String forged = sig.substring(0, at) + c + sig.substring(at + 1);
          return requests.raw(JSON, body, "fuzz-any",
              valid.headers().firstValue(RequestSignature.TIMESTAMP_HEADER).orElseThrow(), forged).apply(now);
        };
        case 3 -> now -> {
          // A valid signature of another body.
          byte[] other = validJson();
          String t = Long.toString(requests.stamp(now).toEpochMilli());
          return requests.raw(JSON, body, "fuzz-any", t, RequestSignature.sign(requests.anySecret(), t, other))
              .apply(now);
        };
        default -> requests.raw(JSON, body, "fuzz-any", ts, randomPrintable(random.nextInt(80)));
      };
      shots.add(new Shot("mutation: bad signature", body, request, false, s -> s == 401, "401"));
    }

    private void missingOrGarbledHeaders() {
      byte[] body = validJson();
      String[] timestamps = {"NOW", "", " ", "abc", "-1", "NOW0", "1e12", "9223372036854775807",
          "-9223372036854775808", "99999999999999999999", "NOW ", "0x10", "NOW.5"};
      Function<Instant, HttpRequest> request = switch (random.nextInt(4)) {
        case 0 -> requests.raw(JSON, body, null, "NOW", "VALID");
        case 1 -> requests.raw(JSON, body, "fuzz-any", null, "VALID");
        case 2 -> requests.raw(JSON, body, "fuzz-any", "NOW", null);
        default -> requests.raw(JSON, body, "fuzz-any", timestamps[random.nextInt(timestamps.length)],
            "VALID");
      };
      // A garbled timestamp that still parses to now (trailing space) may authenticate: 202 too.
      shots.add(new Shot("mutation: missing or garbled auth headers", body, request, false,
          s -> s == 401 || s == 202, "401 (or 202 for a timestamp that still reads as now)"));
    }

    private void clockSkew() {
      byte[] body = validJson();
      long skewSeconds = (random.nextBoolean() ? 1 : -1) * (long) random.nextInt(15 * 60);
      if (random.nextInt(10) == 0) {
        skewSeconds = random.nextBoolean() ? 400L * 24 * 3600 : -50L * 365 * 24 * 3600;
      }
      long skew = skewSeconds;
      // The window is 5 minutes; a few seconds either side of it the answer depends on timing.
      IntPredicate expected = Math.abs(skew) > 310 ? s -> s == 401
          : Math.abs(skew) < 290 ? s -> s == 202 : s -> s == 202 || s == 401;
      shots.add(new Shot("mutation: clock skew of the signing device", body,
          requests.skewed(JSON, body, "fuzz-any", requests.anySecret(), Duration.ofSeconds(skew)), false,
          expected, Math.abs(skew) > 310 ? "401" : "202"));
    }

    private void contentType() {
      boolean avro = random.nextBoolean();
      byte[] body = avro ? validAvro() : validJson();
      String[] accepted = avro
          ? new String[] {AVRO, "APPLICATION/VND.PUMPTWIN.AVRO", AVRO + "; v=1"}
          : new String[] {JSON, "application/json; charset=utf-8", "Application/JSON"};
      String[] refused = {"text/plain", "application/xml", "application/x-www-form-urlencoded",
          "multipart/form-data; boundary=x", "application/octet-stream", "application/jsonx",
          "json", "*/*", avro ? JSON : AVRO, null};
      int pick = random.nextInt(accepted.length + refused.length);
      if (pick < accepted.length) {
        shots.add(new Shot("mutation: content type", body,
            requests.signed(accepted[pick], body, "fuzz-any", requests.anySecret()), false, s -> s == 202, "202"));
      } else {
        String type = refused[pick - accepted.length];
        // Avro bytes declared as JSON (or the reverse) are read in the declared format and refused.
        IntPredicate expected = type != null && (type.equals(JSON) || type.equals(AVRO)) ? s -> s == 400 : s -> s == 415;
        shots.add(new Shot("mutation: content type", body,
            requests.signed(type, body, "fuzz-any", requests.anySecret()), false, expected, "415 (400 swapped)"));
      }
    }

    private void huge() {
      String category = "huge payloads";
      for (int i = 0; i < 8; i++) {
        byte[] over = padded(validJson(), (1 << 20) + 1 + random.nextInt(1 << 16));
        signedAny(category, JSON, over, s -> s == 413, "413");
        byte[] under = padded(validJson(), (1 << 20) - random.nextInt(64));
        signedAny(category, JSON, under, s -> s == 202, "202");
        ObjectNode longString = TelemetryFixtures.status(pump(), seq(), now.minusSeconds(60));
        longString.put("pumpSerial", "N".repeat(70_000 + random.nextInt(300_000)));
        signedAny(category, JSON, TelemetryArbitraries.bytes(longString), s -> s == 400, "400");
        signedAny(category, JSON, ("[".repeat(200_000 + i)).getBytes(StandardCharsets.US_ASCII),
            s -> s == 400, "400");
        byte[] noise = new byte[(1 << 20) - random.nextInt(1000)];
        random.nextBytes(noise);
        signedAny(category, AVRO, noise, s -> s == 400, "400");
      }
      for (int i = 0; i < 4; i++) {
        ArrayNode events = MAPPER.createArrayNode();
        String pump = pump();
        for (int k = 0; k < 500 + (i % 2); k++) {
          events.add(TelemetryFixtures.status(pump, k + 1, now.minusSeconds(600)));
        }
        ObjectNode root = MAPPER.createObjectNode().set("events", events);
        signedAny(category, JSON, TelemetryArbitraries.bytes(root), i % 2 == 0 ? s -> s == 202 : s -> s == 413,
            i % 2 == 0 ? "202" : "413");
      }
    }

    private static byte[] padded(byte[] json, int size) {
      byte[] out = new byte[size];
      System.arraycopy(json, 0, out, 0, json.length);
      java.util.Arrays.fill(out, json.length, size, (byte) ' ');
      return out;
    }

    private void json(String category, ObjectNode event) {
      signedAny(category, JSON, TelemetryArbitraries.bytes(event), CONTENT_REFUSAL_OR_ACCEPT, "202 or 400");
    }

    private void avroOf(String category, ObjectNode event) {
      TelemetryJson.Mapped mapped = mapper.map(event);
      if (mapped instanceof TelemetryJson.Mapped.Ok ok) {
        byte[] body = telemetry.valueSerde().serializer().serialize(telemetry.name(), ok.event());
        signedAny(category, AVRO, body, CONTENT_REFUSAL_OR_ACCEPT, "202 or 400");
      } else {
        json(category, event);
      }
    }

    private void signedAny(String category, String contentType, byte[] body, IntPredicate expected,
        String expectation) {
      shots.add(new Shot(category, body, requests.signed(contentType, body, "fuzz-any", requests.anySecret()),
          false, expected.or(s -> s == 503), expectation));
    }

    private byte[] validJson() {
      return TelemetryArbitraries.bytes(sample(TelemetryArbitraries.validEvent(pump(), seq(), now)));
    }

    private byte[] validAvro() {
      ObjectNode event = sample(TelemetryArbitraries.validEvent(pump(), seq(), now));
      TelemetryEnvelope e = ((TelemetryJson.Mapped.Ok) mapper.map(event)).event();
      return telemetry.valueSerde().serializer().serialize(telemetry.name(), e);
    }

    private <T> T sample(Arbitrary<T> arbitrary) {
      return arbitrary.generator(100).next(random).value();
    }

    private String pump() {
      return pumpPrefix + "-" + (pumps++ % 500);
    }

    private long seq() {
      return ++sequence;
    }

    private String randomPrintable(int length) {
      StringBuilder s = new StringBuilder();
      for (int i = 0; i < length; i++) {
        s.append((char) (0x21 + random.nextInt(0x7e - 0x21)));
      }
      return s.toString();
    }

    private static void repeat(int times, Runnable action) {
      for (int i = 0; i < times; i++) {
        action.run();
      }
    }
  }

  private static Map<TopicPartition, Long> endOffsets(RealStack stack, String topic) {
    try (KafkaConsumer<String, byte[]> consumer = rawConsumer(stack)) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }
  }

  /** Every record of the topic from the given offsets to its current end, decoded. */
  private static List<DeadLetter> readFrom(RealStack stack, String topic, Map<TopicPartition, Long> from) {
    var values = stack.topicRegistry().topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer();
    try (KafkaConsumer<String, byte[]> consumer = rawConsumer(stack)) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet(), Duration.ofSeconds(30));
      List<DeadLetter> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(System.nanoTime()).as("reading " + topic + " to its end").isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(values.deserialize(topic, r.value()));
        }
      }
      return out;
    }
  }

  private static KafkaConsumer<String, byte[]> rawConsumer(RealStack stack) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000),
        new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static long sumOf(String prometheus, String metric) {
    return (long) prometheus.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }

  private static boolean isBlank(String s) {
    return s == null || s.isBlank();
  }

  private static String abbreviate(String s) {
    return s == null ? "" : s.length() <= 300 ? s : s.substring(0, 300) + "...";
  }
}
