package io.pumptwin.gateway;

import static io.pumptwin.gateway.TelemetryFixtures.JSON;
import static io.pumptwin.gateway.TelemetryGatewayTest.batch;
import static io.pumptwin.gateway.TelemetryGatewayTest.outcomes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.embedded.EmbeddedKafka;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.gateway.ingest.IngestLimits;
import io.pumptwin.gateway.ingest.ProducerSettings;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
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
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker goes away under the gateway and comes back. Runs its own broker (the shared one must
 * not stop under other tests) with the shared stack's real registry.
 */
@RealKafka
class BrokerStoppedTest {
  private static final String SECRET = ProvisionDevice.newSecret(new SecureRandom());

  @TempDir Path dir;
  private EmbeddedKafka kafka;
  private TelemetryGateway gateway;

  @AfterEach
  void stop() {
    if (gateway != null) {
      gateway.close();
    }
    if (kafka != null) {
      kafka.close();
    }
  }

  @Test
  void brokerStoppedMeans503AndNothingAcknowledgedIsMissingWhenItReturns(RealStack stack) throws Exception {
    int[] ports = FreePorts.pick(2);
    EmbeddedKafka.Settings brokerSettings = EmbeddedKafka.Settings.of(ports[0], ports[1], dir.resolve("kafka"));
    kafka = EmbeddedKafka.start(brokerSettings);
    createTopics(kafka.bootstrapServers(), Topics.TELEMETRY, Topics.TELEMETRY_DLQ);
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device("sim", SECRET, Set.of(Device.ANY_PUMP))));
    // Short producer bounds so the 503 comes in seconds; room for 10 events in flight so a second
    // request is refused for load while the first waits on the absent broker.
    GatewayConfig config = GatewayConfig.defaults(kafka.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0)
        .withProducer(new ProducerSettings(Duration.ofSeconds(3), Duration.ofSeconds(1),
            Duration.ofSeconds(1), Duration.ofMillis(5), Map.of()))
        .withLimits(new IngestLimits(1 << 20, 10, 10, 16L << 20, Duration.ofSeconds(1)));
    gateway = new TelemetryGateway(config).start();
    GatewayClient client = new GatewayClient(gateway.port());

    String pump = stack.uniqueId("NGP");
    List<ObjectNode> before = events(pump, 1, 5);
    List<ObjectNode> during = events(pump, 6, 10);
    HttpResponse<String> first = client.post("sim", SECRET, "application/json", batch(before));
    assertThat(first.statusCode()).as(first.body()).isEqualTo(202);

    kafka.close();

    CompletableFuture<HttpResponse<String>> waiting =
        client.postAsync("sim", SECRET, "application/json", batch(during));
    awaitInFlightEvents(5);
    HttpResponse<String> overload = client.post("sim", SECRET, "application/json", batch(events(pump, 11, 16)));
    assertThat(overload.statusCode()).as(overload.body()).isEqualTo(503);
    assertThat(JSON.readTree(overload.body()).path("type").asText()).isEqualTo("urn:pumptwin:problem:overloaded");
    assertThat(overload.headers().firstValue("Retry-After")).hasValue("1");

    HttpResponse<String> refused = waiting.get(30, TimeUnit.SECONDS);
    assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);
    assertThat(refused.headers().firstValue("Retry-After")).isPresent();
    assertThat(outcomes(refused)).containsOnly("NOT_STORED").hasSize(5);
    assertThat(client.get("/ready").statusCode()).isEqualTo(503);

    kafka = EmbeddedKafka.start(brokerSettings);

    // The device retries (signed anew each time) until the gateway's producer has reconnected.
    HttpResponse<String> retried = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (System.nanoTime() < deadline) {
      retried = client.post("sim", SECRET, "application/json", batch(during));
      if (retried.statusCode() == 202) {
        break;
      }
      assertThat(retried.statusCode()).as(retried.body()).isEqualTo(503);
      Thread.sleep(500); // the Retry-After a device would honour
    }
    assertThat(retried.statusCode()).as(retried.body()).isEqualTo(202);
    assertThat(outcomes(retried)).doesNotContain("NOT_STORED", "REJECTED");
    HttpResponse<String> beforeAgain = client.post("sim", SECRET, "application/json", batch(before));
    assertThat(outcomes(beforeAgain)).containsOnly("DUPLICATE");

    var deserializer = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().deserializer();
    List<TelemetryEnvelope> stored = TopicContents.readAll(kafka.bootstrapServers(), Topics.TELEMETRY.name(),
        deserializer).stream().filter(r -> pump.equals(r.key())).map(ConsumerRecord::value).toList();
    List<String> acknowledged = new ArrayList<>();
    before.forEach(e -> acknowledged.add(e.get("eventId").asText()));
    during.forEach(e -> acknowledged.add(e.get("eventId").asText()));
    assertThat(stored).extracting(TelemetryEnvelope::getEventId).containsExactlyInAnyOrderElementsOf(acknowledged);
  }

  private void awaitInFlightEvents(int events) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (gateway.meterRegistry().get("gateway.inflight.events").gauge().value() < events) {
      assertThat(System.nanoTime()).as("request in flight within 10 s").isLessThan(deadline);
      Thread.sleep(20); // polling interval of a bounded wait
    }
  }

  private static List<ObjectNode> events(String pump, int from, int to) {
    return IntStream.rangeClosed(from, to)
        .mapToObj(i -> TelemetryFixtures.status(pump, i, Instant.now().minusSeconds(60))).toList();
  }

  private static void createTopics(String bootstrap, TopicSpec<?>... specs) throws Exception {
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap))) {
      List<NewTopic> topics = new ArrayList<>();
      for (TopicSpec<?> s : specs) {
        topics.add(new NewTopic(s.name(), s.partitions(), (short) 1).configs(s.configs()));
      }
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
    }
  }
}
