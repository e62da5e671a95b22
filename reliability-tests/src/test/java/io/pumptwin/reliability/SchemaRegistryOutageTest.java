package io.pumptwin.reliability;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.pumptwin.embedded.EmbeddedSchemaRegistry;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.twin.engine.TwinEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The schema registry (a child process) is stopped for a minute while devices keep sending through
 * the gateway and the twin engine keeps consuming, then started again on the same port and the same
 * H2 storage. The gateway may refuse with declared back-pressure (503 and Retry-After), never with
 * another 5xx, and never loses what it acknowledged; the engine ends with the twins and twin events
 * of an undisturbed run over the same stored telemetry.
 */
class SchemaRegistryOutageTest {
  private static final String TWIN_APP = "reliability-twin-registry-outage";
  private static final String SECRET = "reliability-device-secret-registry-0123";
  private static final Duration PACE = Duration.ofMillis(750);
  private static final Duration OUTAGE = Duration.ofSeconds(60);

  @TempDir Path dir;

  @Test
  void a_minute_without_the_registry_loses_nothing_acknowledged_and_processing_continues() throws Exception {
    FaultReport report = new FaultReport("schema-registry-outage",
        "the schema registry child process stopped for " + OUTAGE.toSeconds() + " s under device load, then "
            + "restarted on the same port and the same storage");
    report.figure("outcome", "FAILED (see the test output)");
    SyntheticFleet fleet = SyntheticFleet.endingNow("RO", 12, 120);
    int registryPort = FreePorts.pick(1)[0];
    EmbeddedSchemaRegistry.Settings registrySettings = EmbeddedSchemaRegistry.Settings.of(registryPort,
        dir.resolve("registry"));
    EmbeddedSchemaRegistry[] registry = {EmbeddedSchemaRegistry.launch(registrySettings)};
    try (SingleBroker broker = SingleBroker.start(dir.resolve("kafka"))) {
      registry[0].awaitReady();
      String bootstrap = broker.bootstrapServers();
      String registryUrl = registry[0].ccompatUrl();
      HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(registryUrl));
      client.setCompatibility(null, "BACKWARD");
      TopicRegistry topics = new TopicRegistry(client, SerdeSettings.autoRegistering());
      topics.registerAll();
      Path devices = dir.resolve("devices.json");
      DeviceFile.write(devices, List.of(new Device("load-sim", SECRET, Set.of(Device.ANY_PUMP))));

      DeviceLoad load;
      List<ConsumerRecord<String, TelemetryEnvelope>> stored;
      JsonNode twins;
      List<String> twinEvents;
      try (TelemetryGateway gateway = new TelemetryGateway(GatewayConfig.defaults(bootstrap, registryUrl, devices)
              .withListener("127.0.0.1", 0)).start();
          TwinEngine engine = new TwinEngine(TwinEngineProcess.config(bootstrap, registryUrl,
              dir.resolve("twin-state"), TWIN_APP, 0)).start()) {
        Awaiting.until("twin engine running", Duration.ofSeconds(180), () -> TwinQuery.ready(engine.port()));
        load = new DeviceLoad(gateway.port(), "load-sim", SECRET);
        long[] stoppedAt = {0};
        load.send(fleet, PACE, slot -> {
          if (slot == 8) {
            registry[0].close();
            stoppedAt[0] = System.nanoTime();
            report.injected("registry stopped (port " + registryPort + ") before slot " + slot);
          } else if (stoppedAt[0] != 0 && System.nanoTime() - stoppedAt[0] >= OUTAGE.toNanos()) {
            stoppedAt[0] = 0;
            // Launched, not awaited: the devices keep sending while it boots.
            registry[0] = EmbeddedSchemaRegistry.launch(registrySettings);
            report.injected("registry started again, same port and storage, before slot " + slot);
          }
        });
        assertThat(report.injectionCount()).as("registry stopped and started again during the load").isEqualTo(2);
        registry[0].awaitReady();
        stored = TopicContents.readAll(bootstrap, Topics.TELEMETRY.name(),
            topics.topic(Topics.TELEMETRY).valueSerde().deserializer());
        Awaiting.until("twin engine processed all telemetry", Duration.ofSeconds(300),
            () -> TopicContents.processedAll(bootstrap, TWIN_APP, Topics.TELEMETRY.name(), stored));
        twins = TwinQuery.fleet(engine.port());
        assertThat(engine.state().toString()).isEqualTo("RUNNING");
        twinEvents = UndisturbedTwins.eventIds(bootstrap, topics, Topics.TWIN_EVENTS.name());
      }

      UndisturbedTwins reference = UndisturbedTwins.of(bootstrap, registryUrl, topics, broker::createTopic, stored,
          TWIN_APP + "-reference", dir.resolve("reference-state"));
      reference.compare(report, fleet, load, stored, twins, twinEvents);
      report.figure("outcome", "passed");
    } finally {
      registry[0].close();
      report.write();
    }
  }
}
