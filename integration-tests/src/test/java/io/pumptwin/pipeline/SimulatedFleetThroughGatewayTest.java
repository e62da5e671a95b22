package io.pumptwin.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.GatewayConfig;
import io.pumptwin.gateway.TelemetryGateway;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.DeviceCredential;
import io.pumptwin.simulator.output.GatewaySink;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/**
 * The simulator is a client of the gateway like any real device: each simulated pump's home
 * communicator is provisioned with its own secret, signs its batches, and everything it sends
 * lands on pump.telemetry.v1 exactly once and unchanged (but for the gateway's receipt time).
 */
@RealKafka
class SimulatedFleetThroughGatewayTest {

  @Test
  void everySimulatedEventArrivesOnceThroughTheGateway(RealStack stack) throws Exception {
    Scenario scenario = new ScenarioLoader().load("occlusion").withOverrides(6, 3.0);
    FleetSimulation simulation = new FleetSimulation(scenario, 99);
    SecureRandom random = new SecureRandom();
    Map<String, DeviceCredential> credentials = new HashMap<>();
    for (String serial : simulation.pumpSerials()) {
      credentials.put(serial, new DeviceCredential("hc-" + serial, ProvisionDevice.newSecret(random)));
    }
    Path devices = Files.createTempDirectory("devices").resolve("devices.json");
    DeviceFile.write(devices, credentials.entrySet().stream()
        .map(e -> new Device(e.getValue().deviceId(), e.getValue().secret(), Set.of(e.getKey())))
        .toList());

    InMemorySink expected = new InMemorySink();
    new FleetSimulation(scenario, 99).runToEnd(expected);

    GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), stack.registryUrl(), devices)
        .withListener("127.0.0.1", 0);
    try (TelemetryGateway gateway = new TelemetryGateway(config).start();
        var consumer = stack.consumer(Topics.TELEMETRY)) {
      InMemorySink truth = new InMemorySink();
      Function<String, DeviceCredential> lookup = credentials::get;
      try (GatewaySink sink = new GatewaySink("http://127.0.0.1:" + gateway.port(), lookup, truth)) {
        simulation.runToEnd(sink);
        assertThat(sink.refusedRequests()).isZero();
      }

      int count = expected.telemetry().size();
      List<ConsumerRecord<String, TelemetryEnvelope>> read = RealStack.poll(consumer, count,
          Duration.ofSeconds(60)).stream()
          .filter(r -> credentials.containsKey(r.key())).toList();

      assertThat(read).hasSize(count);
      Map<String, TelemetryEnvelope> byId = read.stream().collect(Collectors.toMap(
          r -> r.value().getEventId(), r -> withoutReceipt(r.value())));
      assertThat(byId).hasSize(count);
      for (TelemetryEnvelope sent : expected.telemetry()) {
        assertThat(byId.get(sent.getEventId())).isEqualTo(sent);
      }
      assertThat(read).allSatisfy(r -> assertThat(r.value().getReceivedTime()).isNotNull());
      assertThat(truth.groundTruth()).hasSameSizeAs(expected.groundTruth());
    }
  }

  private static TelemetryEnvelope withoutReceipt(TelemetryEnvelope e) {
    return TelemetryEnvelope.newBuilder(e).setReceivedTime(null).build();
  }
}
