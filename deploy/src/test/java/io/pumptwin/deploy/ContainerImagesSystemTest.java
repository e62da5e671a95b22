package io.pumptwin.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import io.pumptwin.schemas.device.RequestSignature;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.ConfluentAvroSerde;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.Topics;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.Network;
import org.testcontainers.containers.output.Slf4jLogConsumer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.lifecycle.Startables;
import org.testcontainers.utility.DockerImageName;

/**
 * The images run (issue 9): the locally built images of the broker, the schema registry, the twin
 * engine, alerting and the gateway, started by Testcontainers on one Docker network and configured
 * only through their environment, as an operator would. A device is provisioned with the gateway
 * image's own command, sends signed telemetry to the gateway container (a status report, then a
 * critical motor-stall alarm), and the alert alerting raises from the twin's event is read from
 * {@code pump.alerts.v1} through the broker's external listener.
 *
 * <p>Docker and the images are required where {@code PUMPTWIN_REQUIRE_DOCKER=1} (CI: {@code .ci/run}
 * starts an engine and builds the images first); elsewhere, without them, the class is skipped and
 * says how to get them (README "Container images").
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ContainerImagesSystemTest {
  private static final Logger log = LoggerFactory.getLogger(ContainerImagesSystemTest.class);
  private static final String TAG = System.getProperty("pumptwin.imageTag", "latest");
  private static final List<String> IMAGES = List.of("kafka", "schema-registry", "twin-engine", "alerting",
      "telemetry-gateway");
  // The machine is shared and slow: JVM start-up in five containers at once takes minutes there.
  private static final Duration START = Duration.ofMinutes(10);
  // Quick start over peak speed: a handful of requests each, five JVMs on two shared cores.
  private static final String JAVA_OPTS = "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmx256m";
  private static final Duration ALERT_WAIT = Duration.ofMinutes(4);
  private static final String BOOTSTRAP = "kafka:9092";
  private static final String REGISTRY = "http://schema-registry:8081/apis/ccompat/v7";
  private static final String DEVICE_FILE = "/var/lib/pumptwin/gateway/devices.json";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
  private final List<GenericContainer<?>> containers = new ArrayList<>();
  private Network network;
  private int kafkaExternalPort;
  private GenericContainer<?> registry;
  private GenericContainer<?> gateway;

  static boolean dockerRequired() {
    return "1".equals(System.getenv("PUMPTWIN_REQUIRE_DOCKER")) || Boolean.getBoolean("pumptwin.requireDocker");
  }

  /** Fails where Docker is required, skips (saying why) elsewhere. */
  private static void unavailable(String why) {
    String how = why + " (README \"Container images\": deploy/images/start-docker.sh, "
        + "./mvnw -DskipTests install, deploy/images/build.sh; DOCKER_HOST=" + System.getenv("DOCKER_HOST") + ")";
    if (dockerRequired()) {
      Assertions.fail("PUMPTWIN_REQUIRE_DOCKER=1 but " + how);
    }
    Assumptions.abort(how);
  }

  static DockerImageName image(String name) {
    return DockerImageName.parse("pumptwin/" + name + ":" + TAG);
  }

  @BeforeAll
  void startImages() throws Exception {
    if (!DockerClientFactory.instance().isDockerAvailable()) {
      unavailable("no Docker engine");
    }
    for (String name : IMAGES) {
      try {
        DockerClientFactory.instance().client().inspectImageCmd(image(name).asCanonicalNameString()).exec();
      } catch (NotFoundException e) {
        unavailable("image " + image(name) + " is not built");
      }
    }
    network = Network.newNetwork();
    kafkaExternalPort = freePort();
    GenericContainer<?> kafka = service("kafka", "kafka")
        .withEnv("KAFKA_HEAP_OPTS", "-Xmx384m")
        // Two listeners: containers use kafka:9092, this test the fixed host port (advertised as
        // localhost, so the port inside and outside must be the same).
        .withEnv("KAFKA_LISTENERS", "PLAINTEXT://:9092,CONTROLLER://:9093,EXTERNAL://:" + kafkaExternalPort)
        .withEnv("KAFKA_ADVERTISED_LISTENERS",
            "PLAINTEXT://" + BOOTSTRAP + ",EXTERNAL://localhost:" + kafkaExternalPort)
        .withCreateContainerCmdModifier(cmd -> {
          ExposedPort external = ExposedPort.tcp(kafkaExternalPort);
          cmd.withExposedPorts(external);
          cmd.getHostConfig().withPortBindings(new Ports(new PortBinding(Ports.Binding.bindPort(kafkaExternalPort),
              external)));
        });
    registry = service("schema-registry", "schema-registry").withExposedPorts(8081);
    Startables.deepStart(Stream.of(kafka, registry)).join();

    GenericContainer<?> twin = service("twin-engine", "twin-engine")
        .withEnv("TWIN_APPLICATION_SERVER", "twin-engine:8083");
    GenericContainer<?> alerting = service("alerting", "alerting");
    gateway = service("telemetry-gateway", "gateway").withExposedPorts(8080);
    Startables.deepStart(Stream.of(twin, alerting, gateway)).join();
    log.info("event=images.started tag={} kafka_external_port={} gateway={} registry={}", TAG, kafkaExternalPort,
        gatewayUrl(), registryUrl());
  }

  private GenericContainer<?> service(String image, String alias) {
    GenericContainer<?> c = new GenericContainer<>(image(image))
        .withNetwork(network)
        .withNetworkAliases(alias)
        .withEnv("KAFKA_BOOTSTRAP_SERVERS", BOOTSTRAP)
        .withEnv("SCHEMA_REGISTRY_URL", REGISTRY)
        .withEnv("JAVA_OPTS", JAVA_OPTS)
        .withLogConsumer(new Slf4jLogConsumer(LoggerFactory.getLogger("container." + alias)))
        // Each image's own HEALTHCHECK decides when it is up: that is what is being tested.
        .waitingFor(Wait.forHealthcheck().withStartupTimeout(START));
    containers.add(c);
    return c;
  }

  @AfterAll
  void stopImages() {
    for (int i = containers.size() - 1; i >= 0; i--) {
      containers.get(i).stop();
    }
    if (network != null) {
      network.close();
    }
  }

  @Test
  void aCriticalAlarmPostedToTheGatewayContainerComesOutAsAnAlertOnTheAlertsTopic() throws Exception {
    String pump = "NGP" + (100_000 + (int) (Math.random() * 800_000)) + "H";
    String device = "hc-" + UUID.randomUUID().toString().substring(0, 8);

    // Provisioned with the gateway image's own command, in the running container.
    Container.ExecResult provisioned = gateway.execInContainer("pumptwin", "provision-device",
        "--file", DEVICE_FILE, "--device", device, "--pump", pump);
    assertThat(provisioned.getExitCode()).as(provisioned.getStderr()).isZero();
    String secret = provisioned.getStdout().lines().filter(l -> l.startsWith("secret="))
        .map(l -> l.substring("secret=".length())).findFirst().orElseThrow();

    Instant t = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofMinutes(2));
    ObjectNode batch = JSON.createObjectNode();
    batch.putArray("events")
        .add(envelope(pump, 1, t, statusReport()))
        .add(envelope(pump, 2, t.plusSeconds(60), motorStall()));
    byte[] body = JSON.writeValueAsBytes(batch);

    // The gateway re-reads its device file every 2 s: until then the device is unknown (401).
    // Every attempt is signed anew (a signature is accepted once).
    await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofSeconds(2)).untilAsserted(() -> {
      HttpResponse<String> response = post(device, secret, body);
      assertThat(response.statusCode()).as(response.body()).isEqualTo(202);
    });

    try (KafkaConsumer<String, AlertEvent> consumer = alertsConsumer()) {
      consumer.subscribe(List.of(Topics.ALERTS.name()));
      List<AlertEvent> mine = new ArrayList<>();
      await().atMost(ALERT_WAIT).pollInterval(Duration.ofMillis(200)).until(() -> {
        for (ConsumerRecord<String, AlertEvent> r : consumer.poll(Duration.ofMillis(500))) {
          if (r.key().equals(pump)) {
            mine.add(r.value());
          }
        }
        return mine.stream().anyMatch(a -> a.getAlertType() == AlertType.PUMP_CRITICAL_ALARM);
      });
      AlertEvent alert = mine.stream().filter(a -> a.getAlertType() == AlertType.PUMP_CRITICAL_ALARM)
          .findFirst().orElseThrow();
      assertThat(alert.getPumpSerial()).isEqualTo(pump);
      assertThat(alert.getTransition()).isEqualTo(AlertTransition.OPENED);
      assertThat(alert.getClinicId()).isEqualTo("clinic-sys");
      log.info("event=alert.seen pump={} alert_id={} type={} severity={} event_time={}", pump,
          alert.getAlertId(), alert.getAlertType(), alert.getSeverity(), alert.getEventTime());
    }
  }

  private HttpResponse<String> post(String device, String secret, byte[] body) throws IOException, InterruptedException {
    String ts = Long.toString(Instant.now().toEpochMilli());
    HttpRequest request = HttpRequest.newBuilder(URI.create(gatewayUrl() + "/v1/telemetry"))
        .timeout(Duration.ofSeconds(60))
        .header("Content-Type", "application/json")
        .header(RequestSignature.DEVICE_HEADER, device)
        .header(RequestSignature.TIMESTAMP_HEADER, ts)
        .header(RequestSignature.SIGNATURE_HEADER, RequestSignature.sign(secret, ts, body))
        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
        .build();
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private KafkaConsumer<String, AlertEvent> alertsConsumer() {
    HttpSchemaRegistryClient schemas = new HttpSchemaRegistryClient(RegistrySettings.of(registryUrl()));
    ConfluentAvroSerde<AlertEvent> serde = new ConfluentAvroSerde<>(schemas, AlertEvent.class,
        SerdeSettings.preRegistered());
    return new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "localhost:" + kafkaExternalPort,
        ConsumerConfig.GROUP_ID_CONFIG, "system-test-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        // Alerting writes exactly once: only committed alerts count.
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"),
        new StringDeserializer(), serde.deserializer());
  }

  private String gatewayUrl() {
    return "http://" + gateway.getHost() + ":" + gateway.getMappedPort(8080);
  }

  private String registryUrl() {
    return "http://" + registry.getHost() + ":" + registry.getMappedPort(8081) + "/apis/ccompat/v7";
  }

  private static ObjectNode envelope(String pump, long sequence, Instant eventTime, ObjectNode payload) {
    ObjectNode e = JSON.createObjectNode();
    e.put("eventId", UUID.randomUUID().toString());
    e.put("pumpSerial", pump);
    e.put("patientPseudonym", "p-sys-" + pump.toLowerCase(java.util.Locale.ROOT));
    e.put("clinicId", "clinic-sys");
    e.put("eventTime", eventTime.toString());
    e.put("sequence", sequence);
    e.put("source", "HOME_COMMUNICATOR");
    e.set("payload", payload);
    return e;
  }

  /** 40 mL pump at 2000 mcg/mL delivering 500 mcg/day (DOMAIN.md's example). */
  private static ObjectNode statusReport() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "STATUS_REPORT");
    p.put("pumpComputedReservoirMl", 12.5);
    p.put("reservoirCapacityMl", 40);
    p.put("lowReservoirAlarmMl", 2.0);
    p.put("concentrationMcgPerMl", 2000);
    p.put("doseMcgPerDay", 500);
    p.put("infusionMode", "SIMPLE_CONTINUOUS");
    p.put("batteryRemainingPercent", 71.0);
    p.putArray("activeAlarms");
    return p;
  }

  /** A motor stall: delivery has stopped, which the pump reports as a critical alarm. */
  private static ObjectNode motorStall() {
    ObjectNode p = JSON.createObjectNode();
    p.put("type", "PUMP_ALARM");
    p.put("kind", "MOTOR_STALL");
    p.put("critical", true);
    return p;
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
