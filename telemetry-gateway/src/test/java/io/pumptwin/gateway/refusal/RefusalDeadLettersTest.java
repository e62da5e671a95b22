package io.pumptwin.gateway.refusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.gateway.metrics.GatewayMetrics;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** The per-address limit and its summaries, with time moved by hand and records kept in a list. */
class RefusalDeadLettersTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
  private final List<DeadLetter> written = new ArrayList<>();
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final Clock clock = Clock.fixed(Instant.parse("2026-12-02T22:00:00Z"), ZoneOffset.UTC);

  private RefusalDeadLetters recorder(RefusalDeadLetterSettings settings) {
    return recorder(settings, record -> {
      written.add(record);
      return CompletableFuture.completedFuture(null);
    });
  }

  private RefusalDeadLetters recorder(RefusalDeadLetterSettings settings,
      Function<DeadLetter, CompletableFuture<?>> sink) {
    return new RefusalDeadLetters(settings, sink, new GatewayMetrics(meters), clock, nanos::get, Runnable::run);
  }

  private static DoorRefusal forged(String address, byte[] body) {
    return new DoorRefusal(401, "BAD_SIGNATURE", "X-Signature", "signature does not verify", address,
        "hc-000123", "application/json", body, body.length, body.length, -1, false);
  }

  @Test
  void withinTheBurstEachRefusalIsWrittenBeyondItTheyAreCountedAndSummarised() throws Exception {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults());
    byte[] body = "{\"pumpSerial\":\"NGP1\"}".getBytes(StandardCharsets.UTF_8);

    for (int i = 0; i < 250; i++) {
      refusals.record(forged("10.0.0.1", body));
    }
    assertThat(written).hasSize(100).allSatisfy(d -> assertThat(d.getReasonCode()).isEqualTo("BAD_SIGNATURE"));
    refusals.flushSummaries();

    assertThat(written).hasSize(101);
    DeadLetter summary = written.get(100);
    assertThat(summary.getReasonCode()).isEqualTo(RefusalDeadLetters.SUPPRESSED);
    assertThat(summary.getReason()).startsWith("150 further 401 refusals from 10.0.0.1 suppressed between "
        + "2026-12-02T22:00:00Z and 2026-12-02T22:00:00Z");
    JsonNode counts = JSON.readTree(bytes(summary.getRawValue()));
    assertThat(counts.path("suppressed").asLong()).isEqualTo(150);
    assertThat(counts.path("remoteAddress").asText()).isEqualTo("10.0.0.1");
    assertThat(counts.path("byReason").path("401 BAD_SIGNATURE").asLong()).isEqualTo(150);
    assertThat(meters.counter("gateway.refusals.suppressed", "reason", "BAD_SIGNATURE").count()).isEqualTo(150);
    assertThat(meters.counter("gateway.refusal.dead.letters", "kind", "individual", "outcome", "written").count())
        .isEqualTo(100);
    assertThat(meters.counter("gateway.refusal.dead.letters", "kind", "summary", "outcome", "written").count())
        .isEqualTo(1);

    // Nothing counted since: no further summary.
    refusals.flushSummaries();
    assertThat(written).hasSize(101);
  }

  @Test
  void theBucketRefillsAtTheRateAndEachAddressHasItsOwn() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults());
    byte[] body = new byte[10];
    for (int i = 0; i < 100; i++) {
      refusals.record(forged("10.0.0.1", body));
    }
    refusals.record(forged("10.0.0.1", body));
    assertThat(written).hasSize(100);

    nanos.addAndGet(1_000_000_000L);
    for (int i = 0; i < 30; i++) {
      refusals.record(forged("10.0.0.1", body));
    }
    assertThat(written).as("20 tokens a second").hasSize(120);

    refusals.record(forged("10.0.0.2", body));
    assertThat(written).as("another address has its own burst").hasSize(121);

    refusals.flushSummaries();
    assertThat(written).filteredOn(d -> d.getReasonCode().equals(RefusalDeadLetters.SUPPRESSED))
        .singleElement().satisfies(d -> assertThat(d.getReason()).startsWith("11 further 401 refusals from 10.0.0.1"));
  }

  @Test
  void everyRefusalIsAccountedForWhateverTheMixOfAddressesAndTimes() throws Exception {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults().withMaxAddresses(3));
    java.util.Random random = new java.util.Random(7);
    int sent = 0;
    for (int round = 0; round < 40; round++) {
      int n = random.nextInt(400);
      for (int i = 0; i < n; i++) {
        refusals.record(forged("10.0.0." + random.nextInt(6), new byte[random.nextInt(20)]));
        sent++;
      }
      nanos.addAndGet(random.nextInt(2_000_000_000));
      if (random.nextInt(3) == 0) {
        refusals.flushSummaries();
      }
    }
    refusals.flushSummaries();

    long individual = written.stream().filter(d -> d.getReasonCode().equals("BAD_SIGNATURE")).count();
    long summarised = 0;
    for (DeadLetter d : written) {
      if (d.getReasonCode().equals(RefusalDeadLetters.SUPPRESSED)) {
        summarised += JSON.readTree(bytes(d.getRawValue())).path("suppressed").asLong();
      }
    }
    assertThat(individual + summarised).isEqualTo(sent);
    assertThat(summarised).isPositive();
    assertThat(written).filteredOn(d -> d.getReasonCode().equals(RefusalDeadLetters.SUPPRESSED))
        .extracting(DeadLetter::getReason)
        .anySatisfy(r -> assertThat(r).contains("from addresses beyond the 3 tracked"));
  }

  @Test
  void theTotalRateLimitsManyAddressesTogether() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults().withTotalRate(10, 50));
    for (int a = 0; a < 10; a++) {
      for (int i = 0; i < 20; i++) {
        refusals.record(forged("10.0.1." + a, new byte[1]));
      }
    }
    assertThat(written).hasSize(50);
    refusals.flushSummaries();
    assertThat(written).filteredOn(d -> d.getReasonCode().equals(RefusalDeadLetters.SUPPRESSED)).hasSize(8);
  }

  @Test
  void aRefusedBodyIsStoredUpToThePayloadLimitAndTheReasonSaysItWasTruncated() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults());
    byte[] big = new byte[10_000];
    Arrays.fill(big, (byte) 'x');
    byte[] small = "{}".getBytes(StandardCharsets.UTF_8);

    refusals.record(forged("10.0.0.1", big));
    refusals.record(forged("10.0.0.1", small));

    assertThat(bytes(written.get(0).getRawValue())).hasSize(4096).containsOnly((byte) 'x');
    assertThat(written.get(0).getReason()).contains("body 10000 bytes, first 4096 bytes stored (payload truncated)")
        .contains("from 10.0.0.1").contains("claimed device hc-000123").contains("signature does not verify");
    assertThat(written.get(0).getField()).isEqualTo("X-Signature");
    assertThat(written.get(0).getStage()).isEqualTo("telemetry-gateway");
    assertThat(written.get(0).getContentType()).isEqualTo("application/json");
    assertThat(written.get(0).getPumpSerial()).isNull();
    assertThat(bytes(written.get(1).getRawValue())).isEqualTo(small);
    assertThat(written.get(1).getReason()).contains("body 2 bytes, stored in full");
  }

  @Test
  void aBodyOverTheSizeLimitIsDescribedByItsDeclaredLengthAndNotStored() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults());
    refusals.record(new DoorRefusal(413, "BODY_TOO_LARGE", "Content-Length", "at most 1048576 bytes",
        "10.0.0.1", null, "application/json", new byte[0], -1, 5_000_000, 1_048_576, false));
    byte[] chunkedHead = new byte[1_048_577];
    refusals.record(new DoorRefusal(413, "BODY_TOO_LARGE", "Content-Length", "at most 1048576 bytes",
        "10.0.0.1", null, "application/json", chunkedHead, -1, -1, 1_048_576, false));

    assertThat(bytes(written.get(0).getRawValue())).isEmpty();
    assertThat(written.get(0).getReason()).contains("declared Content-Length 5000000 bytes, over the limit of"
        + " 1048576 bytes; body not read, payload empty (truncated)");
    assertThat(bytes(written.get(1).getRawValue())).hasSize(4096);
    assertThat(written.get(1).getReason()).contains("body without Content-Length")
        .contains("first 4096 bytes stored (payload truncated)");
  }

  @Test
  void anAuthenticatedDevicesRefusalsAreNotRateLimited() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults().withPerAddressRate(1, 1));
    for (int i = 0; i < 5; i++) {
      refusals.record(new DoorRefusal(413, "TOO_MANY_EVENTS", "events", "at most 500 events", "10.0.0.1",
          "hc-1", "application/json", new byte[3], 3, 3, -1, true));
    }
    assertThat(written).hasSize(5).allSatisfy(d -> assertThat(d.getReasonCode()).isEqualTo("TOO_MANY_EVENTS"));
  }

  @Test
  void whenTheWriterIsBehindFurtherRefusalsAreCountedForTheSummaryNotQueued() throws Exception {
    List<Runnable> queued = new ArrayList<>();
    RefusalDeadLetterSettings settings = new RefusalDeadLetterSettings(4096, 20, 100, 200, 1000,
        java.time.Duration.ofSeconds(5), 10_000, 3);
    RefusalDeadLetters refusals = new RefusalDeadLetters(settings, record -> {
      written.add(record);
      return CompletableFuture.completedFuture(null);
    }, new GatewayMetrics(meters), clock, nanos::get, queued::add);

    for (int i = 0; i < 5; i++) {
      refusals.record(forged("10.0.0.1", new byte[1]));
    }
    refusals.record(new DoorRefusal(413, "TOO_MANY_EVENTS", "events", "at most 500 events", "10.0.0.1",
        "hc-1", "application/json", new byte[3], 3, 3, -1, true));
    assertThat(queued).hasSize(3);
    assertThat(refusals.pendingWrites()).isEqualTo(3);
    queued.forEach(Runnable::run);
    queued.clear();
    assertThat(refusals.pendingWrites()).isZero();

    refusals.flushSummaries();
    queued.forEach(Runnable::run);
    assertThat(written).hasSize(4);
    JsonNode counts = JSON.readTree(bytes(written.get(3).getRawValue()));
    assertThat(counts.path("suppressed").asLong()).isEqualTo(3);
    assertThat(counts.path("byReason").path("401 BAD_SIGNATURE").asLong()).isEqualTo(2);
    assertThat(counts.path("byReason").path("413 TOO_MANY_EVENTS").asLong()).isEqualTo(1);
    assertThat(written.get(3).getReason()).startsWith("3 further 401/413 refusals from 10.0.0.1");
  }

  @Test
  void aFailedWriteIsCountedNeverThrown() {
    RefusalDeadLetters failing = recorder(RefusalDeadLetterSettings.defaults(),
        record -> CompletableFuture.failedFuture(new IllegalStateException("broker away")));
    RefusalDeadLetters throwing = recorder(RefusalDeadLetterSettings.defaults(), record -> {
      throw new IllegalStateException("serializer broke");
    });
    assertThatCode(() -> {
      failing.record(forged("10.0.0.1", new byte[1]));
      throwing.record(forged("10.0.0.1", new byte[1]));
    }).doesNotThrowAnyException();
    assertThat(meters.counter("gateway.refusal.dead.letters", "kind", "individual", "outcome", "failed").count())
        .isEqualTo(2);
    assertThat(failing.pendingWrites()).isZero();
  }

  @Test
  void headerTextFromTheSenderIsCutShortAndHasNoControlCharacters() {
    RefusalDeadLetters refusals = recorder(RefusalDeadLetterSettings.defaults());
    refusals.record(new DoorRefusal(401, "UNKNOWN_DEVICE", "X-Device-Id", "signature does not verify",
        "10.0.0.1", "evil\r\nINJECTED" + "d".repeat(500), "text/plain\u0000", new byte[0], 0, 0, -1, false));
    DeadLetter d = written.get(0);
    assertThat(d.getReason()).doesNotContain("\r").doesNotContain("\n").contains("evil??INJECTED")
        .doesNotContain("d".repeat(200));
    assertThat(d.getContentType()).isEqualTo("text/plain?");
  }

  private static byte[] bytes(ByteBuffer buffer) {
    ByteBuffer b = buffer.duplicate();
    byte[] out = new byte[b.remaining()];
    b.get(out);
    return out;
  }
}
