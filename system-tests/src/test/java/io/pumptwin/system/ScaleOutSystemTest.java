package io.pumptwin.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.pumptwin.embedded.EmbeddedSchemaRegistry;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.StaffRole;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.TopicSpec;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.twin.engine.TwinEngine;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.query.QueryAccess;
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
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * Scale-out as deploy/ runs it, on a real three-broker cluster with a separate controller and a real schema
 * registry: two twin-engine instances of one application split the telemetry partitions; the query API of
 * either answers for every pump (interactive queries route to the owner); when one instance stops, its pumps
 * move to the other (a warm standby, num.standby.replicas=1) and every twin is what it was.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ScaleOutSystemTest {
  private static final int PUMPS = 24;
  private static final int REPORTS = 12;
  private static final Instant T0 = Instant.parse("2026-03-02T00:00:00Z");
  private static final Duration PATIENCE = Duration.ofMinutes(2);
  /**
   * Short commit interval and session timeout, so the hand-over happens within the test's patience; internal
   * topics (changelog, repartition) replicated like the project's.
   */
  private static final Map<String, Object> STREAMS_OVERRIDES = Map.of("commit.interval.ms", 200,
      "consumer.session.timeout.ms", 10_000, "replication.factor", 3);

  /** A viewer of the test's three clinics: the query API answers staff only, scoped to their clinics. */
  private static final String STAFF_TOKEN = "viewer-" + UUID.randomUUID();
  private static final QueryAccess ACCESS = new QueryAccess(Map.of(QueryAccess.sha256(STAFF_TOKEN),
      new QueryAccess.Staff("staff-0907", StaffRole.VIEWER, Set.of("clinic-0", "clinic-1", "clinic-2"))));

  private Path dir;
  private ThreeBrokerCluster cluster;
  private EmbeddedSchemaRegistry registry;
  private HttpSchemaRegistryClient registryClient;
  private final HttpClient http = HttpClient.newHttpClient();
  private final ObjectMapper json = new ObjectMapper();

  @BeforeAll
  void startClusterAndRegistry(@TempDir Path dir) throws Exception {
    this.dir = dir;
    // The registry (a child JVM) starts while the cluster does: both take tens of seconds on two cores. Any port:
    // the cluster's servers (binding port 0) may take the one it picks first (CI, 2026-12-04); it then picks another.
    registry = EmbeddedSchemaRegistry.launch(EmbeddedSchemaRegistry.Settings.anyPort(dir.resolve("registry")));
    cluster = ThreeBrokerCluster.start(Files.createDirectories(dir.resolve("kafka")));
    cluster.createProjectTopics();
    registry.awaitReady();
    registryClient = new HttpSchemaRegistryClient(new RegistrySettings(URI.create(registry.ccompatUrl()),
        new RegistrySettings.Credentials.None(), 5, Duration.ofMillis(200), Duration.ofSeconds(5)));
  }

  @AfterAll
  void stop() throws Exception {
    if (registryClient != null) {
      registryClient.close();
    }
    if (registry != null) {
      registry.close();
    }
    if (cluster != null) {
      cluster.close();
    }
  }

  @Test
  void twoEnginesSplitThePumpsEitherAnswersForEveryPumpAndTheSurvivorKeepsEveryTwin() throws Exception {
    assertProjectTopicsReplicatedThreeTimesWithMinIsrTwo();
    TopicRegistry topics = new TopicRegistry(registryClient, SerdeSettings.autoRegistering());
    int sent = produceTelemetry(topics);

    int[] ports = FreePorts.pick(2);
    String applicationId = "pumptwin-twin-engine";
    TwinEngine a = new TwinEngine(engineConfig(applicationId, ports[0], "a")).start();
    TwinEngine b = new TwinEngine(engineConfig(applicationId, ports[1], "b")).start();
    try {
      await("both instances running and all telemetry applied").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
          .until(() -> ready(ports[0]) && ready(ports[1]) && committed(applicationId) >= sent);

      // Either instance answers for every pump, the same twin; the one that does not own a pump relays the
      // question to its owner and says so (X-Twin-Instance).
      Map<String, JsonNode> before = new TreeMap<>();
      Map<String, Integer> ownerPort = new HashMap<>();
      for (int p = 0; p < PUMPS; p++) {
        String serial = serial(p);
        Answer fromA = askUntilAnswered(ports[0], serial);
        Answer fromB = askUntilAnswered(ports[1], serial);
        assertThat(fromA.twin()).as("twin of %s from either instance", serial).isEqualTo(fromB.twin());
        assertThat(fromA.twin().path("pumpSerial").asText()).isEqualTo(serial);
        // Exactly one of the two relayed: the other owns the pump.
        assertThat(fromA.relayedTo().isPresent()).as("%s relayed by exactly one instance", serial)
            .isNotEqualTo(fromB.relayedTo().isPresent());
        int owner = fromA.relayedTo().isPresent() ? ports[1] : ports[0];
        fromA.relayedTo().ifPresent(to -> assertThat(to).isEqualTo("127.0.0.1:" + ports[1]));
        fromB.relayedTo().ifPresent(to -> assertThat(to).isEqualTo("127.0.0.1:" + ports[0]));
        ownerPort.put(serial, owner);
        before.put(serial, fromA.twin());
      }
      assertThat(ownerPort.values()).as("the pumps are split between the two instances")
          .contains(ports[0], ports[1]);
      // The fleet view of either instance gathers every pump, whoever owns it.
      assertThat(fleet(ports[0])).isEqualTo(fleet(ports[1]));
      assertThat(fleet(ports[0]).path("count").asInt()).isEqualTo(PUMPS);

      // Instance b stops; its partitions move to a (which kept standby copies of b's stores).
      b.close();
      await("every pump answered by a from its own store").atMost(PATIENCE).pollInterval(Duration.ofMillis(500))
          .until(() -> everyPumpLocalTo(ports[0]));
      for (Map.Entry<String, JsonNode> e : before.entrySet()) {
        Answer after = askUntilAnswered(ports[0], e.getKey());
        assertThat(after.relayedTo()).isEmpty();
        assertThat(after.twin()).as("twin of %s after the hand-over", e.getKey()).isEqualTo(e.getValue());
      }
    } finally {
      b.close();
      a.close();
    }
  }

  private void assertProjectTopicsReplicatedThreeTimesWithMinIsrTwo() throws Exception {
    try (Admin admin = cluster.admin()) {
      List<String> names = Topics.ALL.stream().map(TopicSpec::name).toList();
      Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
          .get(30, TimeUnit.SECONDS);
      List<ConfigResource> resources = names.stream()
          .map(n -> new ConfigResource(ConfigResource.Type.TOPIC, n)).toList();
      Map<ConfigResource, Config> configs = admin.describeConfigs(resources).all().get(30, TimeUnit.SECONDS);
      for (TopicSpec<?> spec : Topics.ALL) {
        TopicDescription d = described.get(spec.name());
        assertThat(d.partitions()).as(spec.name()).hasSize(spec.partitions());
        assertThat(d.partitions()).as(spec.name() + " replicas and in-sync replicas")
            .allSatisfy(p -> {
              assertThat(p.replicas()).hasSize(ThreeBrokerCluster.REPLICATION_FACTOR);
              assertThat(p.isr()).hasSize(ThreeBrokerCluster.REPLICATION_FACTOR);
            });
        Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, spec.name()));
        assertThat(config.get("min.insync.replicas").value()).as(spec.name()).isEqualTo("2");
        spec.configs().forEach((k, v) -> assertThat(config.get(k).value()).as(spec.name() + " " + k).isEqualTo(v));
      }
    }
  }

  /** Every pump: a refill, then status reports every 6 hours; odd pumps' refill residual shows excess. */
  private int produceTelemetry(TopicRegistry topics) {
    Topic<TelemetryEnvelope> telemetry = topics.topic(Topics.TELEMETRY);
    Map<String, Object> config = new HashMap<>();
    config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, cluster.bootstrapServers());
    config.put(ProducerConfig.ACKS_CONFIG, "all");
    config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    int count = 0;
    try (KafkaProducer<String, TelemetryEnvelope> producer = new KafkaProducer<>(config,
        telemetry.keySerde().serializer(), telemetry.valueSerde().serializer())) {
      for (int slot = 0; slot < REPORTS; slot++) {
        for (int p = 0; p < PUMPS; p++) {
          TelemetryEnvelope e = envelope(p, slot);
          producer.send(new ProducerRecord<>(Topics.TELEMETRY.name(), e.getPumpSerial(), e));
          count++;
        }
      }
      producer.flush();
    }
    return count;
  }

  private static TelemetryEnvelope envelope(int p, int slot) {
    Object payload;
    if (slot == 0) {
      payload = RefillRecord.newBuilder().setExpectedResidualMl(2.0).setMeasuredResidualMl(p % 2 == 1 ? 3.5 : 2.0)
          .setFilledVolumeMl(20).setReservoirCapacityMl(20).setConcentrationMcgPerMl(2000)
          .setDoseMcgPerDay(500).setLowReservoirAlarmMl(2.0).setProgrammedConcentrationMcgPerMl(null)
          .setPocketFillSuspected(false).build();
    } else {
      payload = StatusReport.newBuilder().setPumpComputedReservoirMl(20 - slot * 0.25 * 0.25)
          .setReservoirCapacityMl(20).setLowReservoirAlarmMl(2.0).setConcentrationMcgPerMl(2000)
          .setDoseMcgPerDay(400 + 10 * p).setInfusionMode(InfusionMode.SIMPLE_CONTINUOUS)
          .setBatteryRemainingPercent(80 - p).setBatteryVoltageV(null).setActiveAlarms(List.of())
          .setManufacturedOn(null).build();
    }
    return TelemetryEnvelope.newBuilder().setEventId(serial(p) + "-" + slot)
        .setPumpSerial(serial(p)).setPatientPseudonym("pt-so-" + p).setClinicId("clinic-" + (p % 3))
        .setEventTime(T0.plus(Duration.ofHours(6L * slot)).plusSeconds(p)).setSequence(slot)
        .setSource(TelemetrySource.HOME_COMMUNICATOR).setReceivedTime(null).setPayload(payload).build();
  }

  private static String serial(int p) {
    return String.format("SO%05d", p);
  }

  private TwinEngineConfig engineConfig(String applicationId, int port, String instance) {
    // Defaults: the project's topics, one standby replica per task (as the StatefulSet in deploy/k8s runs).
    return TwinEngineConfig.defaults(cluster.bootstrapServers(), registry.ccompatUrl(), dir.resolve("state-" + instance))
        .withApplicationId(applicationId)
        .withQueryServer(port, "127.0.0.1:" + port)
        .withQueryAccess(ACCESS)
        .withStreamsOverrides(STREAMS_OVERRIDES);
  }

  /** A twin as one instance answered it, and the instance it relayed the question to, if any. */
  private record Answer(JsonNode twin, Optional<String> relayedTo) {}

  /**
   * GET a pump's twin, asking again while the instance answers 503 (a rebalance makes the store briefly
   * unqueryable, which the API reports for the client to retry).
   */
  private Answer askUntilAnswered(int port, String serial) throws Exception {
    HttpResponse<String>[] last = new HttpResponse[1];
    await("twin of " + serial + " from port " + port).atMost(PATIENCE).pollInterval(Duration.ofMillis(300))
        .until(() -> {
          last[0] = get(port, "/v1/pumps/" + serial);
          return last[0].statusCode() != 503;
        });
    assertThat(last[0].statusCode()).as(last[0].body()).isEqualTo(200);
    return new Answer(json.readTree(last[0].body()), last[0].headers().firstValue("X-Twin-Instance"));
  }

  private boolean everyPumpLocalTo(int port) {
    try {
      for (int p = 0; p < PUMPS; p++) {
        HttpResponse<String> r = get(port, "/v1/pumps/" + serial(p));
        if (r.statusCode() != 200 || r.headers().firstValue("X-Twin-Instance").isPresent()) {
          return false;
        }
      }
      return true;
    } catch (Exception e) {
      return false; // the owner that left still named by stale metadata: a relay that cannot connect
    }
  }

  private JsonNode fleet(int port) throws Exception {
    HttpResponse<String>[] last = new HttpResponse[1];
    await("fleet from port " + port).atMost(PATIENCE).pollInterval(Duration.ofMillis(300))
        .until(() -> {
          last[0] = get(port, "/v1/pumps?limit=1000");
          return last[0].statusCode() != 503;
        });
    assertThat(last[0].statusCode()).as(last[0].body()).isEqualTo(200);
    return json.readTree(last[0].body());
  }

  private HttpResponse<String> get(int port, String path) throws Exception {
    return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + STAFF_TOKEN)
        .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private boolean ready(int port) {
    try {
      return get(port, "/ready").statusCode() == 200;
    } catch (Exception e) {
      return false; // not listening yet
    }
  }

  private long committed(String groupId) {
    try (Admin admin = cluster.admin()) {
      Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets(groupId)
          .partitionsToOffsetAndMetadata().get(10, TimeUnit.SECONDS);
      return offsets.entrySet().stream()
          .filter(e -> e.getKey().topic().equals(Topics.TELEMETRY.name()) && e.getValue() != null)
          .mapToLong(e -> e.getValue().offset()).sum();
    } catch (Exception e) {
      return -1; // the group has not committed yet
    }
  }
}
