package io.pumptwin.gateway.refusal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.events.DeadLetter;
import io.pumptwin.gateway.GatewayClient;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryFixtures;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
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
 * A flood of forged requests from one address: each is answered 401, the first ones (the
 * address's burst, then its rate) get a dead letter each, the rest are counted into
 * REFUSALS_SUPPRESSED summaries, and individual records plus summarised counts equal the refusals
 * exactly. The gateway stays healthy and ready throughout.
 */
@RealKafka
class RefusalFloodTest {
  private static final int FORGED = 2000;
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;
  private TelemetryGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
  }

  @Test
  void aFloodOfForgeriesIsDeadLetteredUpToTheRateAndSummarisedBeyondItEveryRefusalAccountedFor(
      RealStack stack) throws Exception {
    SecureRandom random = new SecureRandom();
    String device = stack.uniqueId("hc-flood");
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device(device, ProvisionDevice.newSecret(random), Set.of(Device.ANY_PUMP))));
    // The default limit (20/s, burst 100 per address); summaries every second so the test is short.
    RefusalDeadLetterSettings settings = RefusalDeadLetterSettings.defaults()
        .withSummaryInterval(Duration.ofSeconds(1));
    gateway = new TelemetryGateway(GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0).withRefusalDeadLetters(settings)).start();
    GatewayClient client = new GatewayClient(gateway.port());
    Map<TopicPartition, Long> start = endOffsets(stack);
    String forgerySecret = ProvisionDevice.newSecret(random);
    byte[] body = TelemetryFixtures.status(stack.uniqueId("NGP"), 1, Instant.now().minusSeconds(60))
        .toString().getBytes(java.nio.charset.StandardCharsets.UTF_8);

    Map<Integer, Integer> statuses = new ConcurrentHashMap<>();
    Semaphore inFlight = new Semaphore(16);
    List<CompletableFuture<?>> sent = new ArrayList<>();
    long began = System.nanoTime();
    for (int i = 0; i < FORGED; i++) {
      inFlight.acquire();
      sent.add(client.postAsync(device, forgerySecret, "application/json", body)
          .thenAccept(r -> statuses.merge(r.statusCode(), 1, Integer::sum))
          .whenComplete((v, e) -> inFlight.release()));
      if (i == FORGED / 2) {
        HttpResponse<String> ready = client.get("/ready");
        assertThat(ready.statusCode()).as("ready during the flood: " + ready.body()).isEqualTo(200);
      }
    }
    CompletableFuture.allOf(sent.toArray(CompletableFuture[]::new)).get(5, TimeUnit.MINUTES);
    double floodSeconds = (System.nanoTime() - began) / 1e9;
    assertThat(statuses).isEqualTo(Map.of(401, FORGED));

    // Summaries come every second; wait until the counts on the topic cover every refusal.
    long[] counts = new long[3];
    await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
      long individual = 0;
      long summarised = 0;
      long summaries = 0;
      for (DeadLetter d : readFrom(stack, start)) {
        if (d.getReasonCode().equals("BAD_SIGNATURE") && d.getReason().contains("claimed device " + device + ":")) {
          individual++;
        } else if (d.getReasonCode().equals(RefusalDeadLetters.SUPPRESSED)) {
          JsonNode summary = JSON.readTree(DoorRefusalsTest.bytesOf(d.getRawValue()));
          assertThat(d.getReason()).contains("further 401 refusals from " + summary.path("remoteAddress").asText()
              + " suppressed between");
          summarised += summary.path("suppressed").asLong();
          summaries++;
        }
      }
      counts[0] = individual;
      counts[1] = summarised;
      counts[2] = summaries;
      assertThat(individual + summarised).as("individual " + individual + " + summarised " + summarised)
          .isEqualTo(FORGED);
    });
    long individual = counts[0];
    long summarised = counts[1];
    System.out.printf("refusal flood: forged=%d individualDeadLetters=%d summarised=%d summaryRecords=%d"
        + " floodSeconds=%.1f%n", FORGED, individual, summarised, counts[2], floodSeconds);

    // The bucket starts full (100) and refills at 20/s while the flood lasts: no more got through.
    assertThat(individual).isGreaterThanOrEqualTo(100)
        .isLessThanOrEqualTo(100 + (long) Math.ceil(20 * floodSeconds) + 1);
    assertThat(summarised).isEqualTo(FORGED - individual);
    String metrics = client.get("/metrics").body();
    assertThat(sumOf(metrics, "gateway_auth_refusals_total")).isEqualTo(FORGED);
    assertThat(sumOf(metrics, "gateway_refusals_suppressed_total")).isEqualTo(summarised);
    assertThat(metrics).contains("gateway_refusal_dead_letters_total{kind=\"individual\",outcome=\"written\"} "
        + individual + ".0");
    assertThat(metrics).doesNotContain("outcome=\"failed\"");
    assertThat(client.get("/health").statusCode()).isEqualTo(200);
    HttpResponse<String> ready = client.get("/ready");
    assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
  }

  private static Map<TopicPartition, Long> endOffsets(RealStack stack) {
    try (KafkaConsumer<String, byte[]> consumer = rawConsumer(stack)) {
      String topic = Topics.TELEMETRY_DLQ.name();
      List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
          .map(p -> new TopicPartition(topic, p.partition())).toList();
      return consumer.endOffsets(partitions, Duration.ofSeconds(30));
    }
  }

  /** The dead-letter topic from the given offsets to its current end, read_committed. */
  private static List<DeadLetter> readFrom(RealStack stack, Map<TopicPartition, Long> from) {
    var values = stack.topicRegistry().topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer();
    try (KafkaConsumer<String, byte[]> consumer = rawConsumer(stack)) {
      consumer.assign(from.keySet());
      from.forEach(consumer::seek);
      Map<TopicPartition, Long> end = consumer.endOffsets(from.keySet(), Duration.ofSeconds(30));
      List<DeadLetter> out = new ArrayList<>();
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        assertThat(System.nanoTime()).as("reading the dead-letter topic to its end").isLessThan(deadline);
        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          out.add(values.deserialize(r.topic(), r.value()));
        }
      }
      return out;
    }
  }

  private static KafkaConsumer<String, byte[]> rawConsumer(RealStack stack) {
    return new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, stack.bootstrapServers(),
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false, ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000), new StringDeserializer(), new ByteArrayDeserializer());
  }

  private static long sumOf(String prometheus, String metric) {
    return (long) prometheus.lines().filter(l -> l.startsWith(metric + "{") || l.startsWith(metric + " "))
        .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1))).sum();
  }
}
