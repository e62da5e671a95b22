package io.pumptwin.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinState;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.fixtures.SampleRecords;
import io.pumptwin.schemas.json.TelemetryJsonWriter;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.SelfSignedCertificate;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;

/**
 * The services' Kafka clients against a real broker that requires SASL_SSL: the gateway produces
 * and the twin engine (Kafka Streams, exactly_once_v2) consumes and produces through it when
 * configured with the right credentials; a client with a wrong password, or without SASL, gets
 * nothing; and no password reaches a log line, Kafka's own client configuration dumps included.
 */
@RealKafka
class SaslSslKafkaTest {
  static final Duration WAIT = Duration.ofSeconds(120);

  @Test
  void servicesWorkThroughABrokerThatRequiresSaslSslAndAWrongPasswordIsRefused(RealStack stack) throws Exception {
    Path dir = Files.createTempDirectory("security-sasl-");
    SelfSignedCertificate certificate = SelfSignedCertificate.create(dir, "kafka");
    String gatewayPassword = "gw-" + UUID.randomUUID();
    String enginePassword = "engine-" + UUID.randomUUID();
    String adminPassword = "admin-" + UUID.randomUUID();
    String wrongPassword = "wrong-" + UUID.randomUUID();
    int[] ports = FreePorts.pick(2);
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(30)).build();

    try (CapturedLogs logs = CapturedLogs.attach();
         SaslSslBroker broker = SaslSslBroker.start(dir, certificate,
             Map.of("gateway", gatewayPassword, "engine", enginePassword, "admin", adminPassword), ports[0], ports[1])) {
      await().atMost(WAIT).ignoreExceptions().until(() -> {
        try (Admin admin = Admin.create(broker.clientConfig("admin", adminPassword))) {
          return !admin.describeCluster().nodes().get(10, TimeUnit.SECONDS).isEmpty();
        }
      });
      List<NewTopic> topics = new ArrayList<>();
      for (TopicSpec<?> spec : List.of(Topics.TELEMETRY, Topics.TELEMETRY_DLQ, Topics.TWIN_STATE, Topics.TWIN_EVENTS)) {
        topics.add(new NewTopic(spec.name(), spec.partitions(), (short) 1).configs(spec.configs()));
      }
      broker.createTopics("admin", adminPassword, topics);

      // A wrong password is refused by the broker, and so is a client that does not speak SASL.
      try (Admin intruder = Admin.create(broker.clientConfig("gateway", wrongPassword))) {
        assertThatThrownBy(() -> intruder.listTopics().names().get(30, TimeUnit.SECONDS))
            .isInstanceOf(ExecutionException.class).hasCauseInstanceOf(SaslAuthenticationException.class);
      }
      Map<String, Object> plaintext = new HashMap<>(Map.of("bootstrap.servers", broker.bootstrapServers(),
          "request.timeout.ms", 3000, "default.api.timeout.ms", 6000));
      try (Admin intruder = Admin.create(plaintext)) {
        // Its requests never get past the TLS listener: they time out, inside the client or here.
        assertThatThrownBy(() -> intruder.listTopics().names().get(30, TimeUnit.SECONDS))
            .isInstanceOfAny(ExecutionException.class, java.util.concurrent.TimeoutException.class);
      }

      // The gateway with a wrong password: not ready, and a device's telemetry is not stored (503).
      String pump = stack.uniqueId("SASL");
      Device device = new Device("hc-" + pump, "secret-" + UUID.randomUUID(), Set.of(pump));
      Path devices = dir.resolve("devices.json");
      DeviceFile.write(devices, List.of(device));
      GatewayConfig base = GatewayConfig.defaults(broker.bootstrapServers(), stack.registryUrl(), devices)
          .withListener("127.0.0.1", 0);
      try (TelemetryGateway refused = new TelemetryGateway(base.withKafkaSecurity(
          new KafkaSecurity(broker.clientSecurity("gateway", wrongPassword)))).start()) {
        HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
            URI.create("http://127.0.0.1:" + refused.port() + "/ready")).build(), HttpResponse.BodyHandlers.ofString());
        assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
        assertThat(post(http, refused.port(), device, report(pump, 1, Instant.now())).statusCode()).isEqualTo(503);
      }

      // The twin engine, configured with its own user, reads telemetry and writes twins through the broker.
      Path securityFile = dir.resolve("engine-kafka.properties");
      StringBuilder properties = new StringBuilder();
      broker.clientSecurity("engine", enginePassword).forEach((k, v) ->
          properties.append(k).append('=').append(v.replace("\\", "\\\\")).append('\n'));
      Files.writeString(securityFile, properties.toString());
      try (TwinEngine engine = new TwinEngine(TwinEngineConfig.defaults(broker.bootstrapServers(), stack.registryUrl(),
              dir.resolve("twin-state"))
              .withApplicationId(stack.uniqueId("sasl-twin"))
              .withQueryServer(0, null)
              .withStreamsOverrides(Map.of("commit.interval.ms", 200))
              .withReorder(new TwinEngineConfig.ReorderSettings(Duration.ZERO, Duration.ofMinutes(1),
                  Duration.ofHours(1), 10_000))
              .withKafkaSecurity(KafkaSecurity.load(securityFile))).start();
           TelemetryGateway gateway = new TelemetryGateway(base.withKafkaSecurity(
               new KafkaSecurity(broker.clientSecurity("gateway", gatewayPassword)))).start()) {
        await().atMost(WAIT).until(() -> http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + gateway.port() + "/ready")).build(),
            HttpResponse.BodyHandlers.ofString()).statusCode() == 200);
        List<String> sent = new ArrayList<>();
        Instant now = Instant.now();
        for (int i = 0; i < 4; i++) {
          TelemetryEnvelope e = report(pump, i + 2, now.minus(Duration.ofMinutes(20L * (3 - i))));
          HttpResponse<String> r = post(http, gateway.port(), device, e);
          assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
          sent.add(e.getEventId());
        }

        Topic<TelemetryEnvelope> telemetry = stack.topicRegistry().topic(Topics.TELEMETRY);
        Map<String, Object> consumerConfig = broker.clientConfig("admin", adminPassword);
        consumerConfig.put("group.id", stack.uniqueId("sasl-check"));
        consumerConfig.put("auto.offset.reset", "earliest");
        consumerConfig.put("isolation.level", "read_committed");
        try (KafkaConsumer<String, TelemetryEnvelope> consumer = new KafkaConsumer<>(consumerConfig,
            new StringDeserializer(), telemetry.valueSerde().deserializer())) {
          consumer.subscribe(List.of(Topics.TELEMETRY.name()));
          List<String> stored = new ArrayList<>();
          for (ConsumerRecord<String, TelemetryEnvelope> r : RealStack.poll(consumer, sent.size(), WAIT)) {
            stored.add(r.value().getEventId());
          }
          assertThat(stored).containsExactlyInAnyOrderElementsOf(sent);
        }
        await().atMost(WAIT).until(() -> engine.state() == KafkaStreams.State.RUNNING);
        Topic<TwinState> twinState = stack.topicRegistry().topic(Topics.TWIN_STATE);
        consumerConfig.put("group.id", stack.uniqueId("sasl-twin-check"));
        try (KafkaConsumer<String, TwinState> consumer = new KafkaConsumer<>(consumerConfig,
            new StringDeserializer(), twinState.valueSerde().deserializer())) {
          consumer.subscribe(List.of(Topics.TWIN_STATE.name()));
          List<ConsumerRecord<String, TwinState>> twins = RealStack.poll(consumer, 1, WAIT);
          assertThat(twins).as("a twin written by the engine through SASL_SSL").isNotEmpty();
          assertThat(twins.get(0).key()).isEqualTo(pump);
        }
      }

      // Passwords never reach a log line; Kafka's own configuration dump shows them hidden.
      List<String> lines = logs.lines();
      assertThat(lines).as("Kafka printed client configurations at INFO")
          .anyMatch(l -> l.contains("sasl.jaas.config = [hidden]"));
      for (String secret : List.of(gatewayPassword, enginePassword, adminPassword, wrongPassword,
          certificate.password(), device.secret())) {
        assertThat(lines).as("log lines containing a secret").noneMatch(l -> l.contains(secret));
      }
    }
  }

  private static TelemetryEnvelope report(String pump, long sequence, Instant at) {
    return TelemetryEnvelope.newBuilder(SampleRecords.statusReport(pump, sequence))
        .setEventId(UUID.randomUUID().toString()).setClinicId("clinic-sasl").setPatientPseudonym("PSN-" + pump)
        .setEventTime(at).build();
  }

  private static HttpResponse<String> post(HttpClient http, int port, Device device, TelemetryEnvelope event)
      throws Exception {
    byte[] body = new TelemetryJsonWriter().batch(List.of(event));
    String timestamp = Long.toString(Instant.now().toEpochMilli());
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/telemetry"))
        .header("Content-Type", "application/json")
        .header(RequestSignature.DEVICE_HEADER, device.deviceId())
        .header(RequestSignature.TIMESTAMP_HEADER, timestamp)
        .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(device.secret(), timestamp, body))
        .timeout(Duration.ofSeconds(60))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofString());
  }
}
