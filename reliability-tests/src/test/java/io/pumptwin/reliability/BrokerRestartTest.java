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
import io.pumptwin.twin.engine.TwinEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * One broker of a three-broker cluster (separate controller; replication factor 3, min ISR 2) is
 * stopped and started again while devices keep sending through the gateway and the twin engine
 * (exactly_once_v2) keeps consuming: nothing acknowledged is lost, nothing is written twice, and the
 * twins and twin events equal an undisturbed run's over the same stored telemetry.
 */
class BrokerRestartTest {
  private static final String TWIN_APP = "reliability-twin-broker-restart";
  private static final String SECRET = "reliability-device-secret-cluster-0123";
  private static final Duration PACE = Duration.ofMillis(500);
  private static final Duration DOWN = Duration.ofSeconds(20);

  @TempDir Path dir;

  @Test
  void restarting_a_broker_under_load_loses_and_duplicates_nothing() throws Exception {
    FaultReport report = new FaultReport("broker-restart",
        "one broker of a three-broker cluster (separate KRaft controller, RF 3, min ISR 2) stopped for "
            + DOWN.toSeconds() + " s under device load, then started again on its log directories");
    report.figure("outcome", "FAILED (see the test output)");
    SyntheticFleet fleet = SyntheticFleet.endingNow("BR", 12, 72);
    // Any port: the cluster's servers, starting meanwhile, may take the one it picks (it then picks another).
    EmbeddedSchemaRegistry registry = EmbeddedSchemaRegistry.launch(
        EmbeddedSchemaRegistry.Settings.anyPort(dir.resolve("registry")));
    try (RestartableCluster cluster = RestartableCluster.start(dir.resolve("cluster"))) {
      cluster.createProjectTopics();
      registry.awaitReady();
      String bootstrap = cluster.bootstrapServers();
      String registryUrl = registry.ccompatUrl();
      HttpSchemaRegistryClient client = new HttpSchemaRegistryClient(RegistrySettings.of(registryUrl));
      client.setCompatibility(null, "BACKWARD");
      TopicRegistry topics = new TopicRegistry(client, SerdeSettings.autoRegistering());
      topics.registerAll();
      Path devices = dir.resolve("devices.json");
      DeviceFile.write(devices, List.of(new Device("load-sim", SECRET, Set.of(Device.ANY_PUMP))));
      int victim = cluster.brokerIds().get(1);

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
          if (slot == fleet.slots() / 4) {
            cluster.stopBroker(victim);
            stoppedAt[0] = System.nanoTime();
            report.injected("broker " + victim + " stopped before slot " + slot);
          } else if (stoppedAt[0] != 0 && System.nanoTime() - stoppedAt[0] >= DOWN.toNanos()) {
            stoppedAt[0] = 0;
            cluster.startBroker(victim);
            report.injected("broker " + victim + " started again before slot " + slot);
          }
        });
        assertThat(report.injectionCount()).as("broker stopped and started again during the load").isEqualTo(2);
        stored = TopicContents.readAll(bootstrap, Topics.TELEMETRY.name(),
            topics.topic(Topics.TELEMETRY).valueSerde().deserializer());
        Awaiting.until("twin engine processed all telemetry", Duration.ofSeconds(300),
            () -> TopicContents.processedAll(bootstrap, TWIN_APP, Topics.TELEMETRY.name(), stored));
        twins = TwinQuery.fleet(engine.port());
        twinEvents = UndisturbedTwins.eventIds(bootstrap, topics, Topics.TWIN_EVENTS.name());
      }
      UndisturbedTwins reference = UndisturbedTwins.of(bootstrap, registryUrl, topics, cluster::createTopic, stored,
          TWIN_APP + "-reference", dir.resolve("reference-state"));
      reference.compare(report, fleet, load, stored, twins, twinEvents);
      report.figure("outcome", "passed");
    } finally {
      registry.close();
      report.write();
    }
  }
}
