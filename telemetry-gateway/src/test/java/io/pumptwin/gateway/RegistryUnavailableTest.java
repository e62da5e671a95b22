package io.pumptwin.gateway;

import static io.pumptwin.gateway.TelemetryGatewayTest.bytes;
import static io.pumptwin.gateway.TelemetryGatewayTest.outcomes;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.gateway.device.Device;
import io.pumptwin.gateway.device.DeviceFile;
import io.pumptwin.gateway.device.ProvisionDevice;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.testsupport.FreePorts;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real broker is up, but the gateway's registry is not reachable: nothing may be reported stored. */
@RealKafka
class RegistryUnavailableTest {
  private static final String SECRET = ProvisionDevice.newSecret(new SecureRandom());

  @TempDir Path dir;

  @Test
  void withoutTheRegistryEventsAndRefusalsAre503NeverAcceptedOr400(RealStack stack) throws Exception {
    Path devices = dir.resolve("devices.json");
    DeviceFile.write(devices, List.of(new Device("sim", SECRET, Set.of(Device.ANY_PUMP))));
    String nowhere = "http://127.0.0.1:" + FreePorts.pick(1)[0] + "/apis/ccompat/v7";
    GatewayConfig config = GatewayConfig.defaults(stack.bootstrapServers(), nowhere, devices)
        .withListener("127.0.0.1", 0);
    String pump = stack.uniqueId("NGP");

    try (TelemetryGateway gateway = new TelemetryGateway(config).start()) {
      GatewayClient client = new GatewayClient(gateway.port());

      HttpResponse<String> good = client.post("sim", SECRET, "application/json",
          bytes(TelemetryFixtures.status(pump, 1, Instant.now().minusSeconds(60))));
      assertThat(good.statusCode()).as(good.body()).isEqualTo(503);
      assertThat(good.headers().firstValue("Retry-After")).isPresent();
      assertThat(outcomes(good)).containsExactly("NOT_STORED");

      // Its dead-letter record cannot be written either, so the refusal is not final yet.
      ObjectNode bad = TelemetryFixtures.status(pump, 2, Instant.now().minusSeconds(60));
      bad.with("payload").put("reservoirCapacityMl", 30);
      HttpResponse<String> refused = client.post("sim", SECRET, "application/json", bytes(bad));
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(503);

      byte[] avro = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().serializer()
          .serialize(Topics.TELEMETRY.name(), ((io.pumptwin.gateway.json.TelemetryJson.Mapped.Ok)
              new io.pumptwin.gateway.json.TelemetryJson().map(
                  TelemetryFixtures.status(pump, 3, Instant.now().minusSeconds(60)))).event());
      HttpResponse<String> undecodable = client.post("sim", SECRET, "application/vnd.pumptwin.avro", avro);
      assertThat(undecodable.statusCode()).as("writer schema cannot be fetched").isEqualTo(503);
    }

    var deserializer = stack.topicRegistry().topic(Topics.TELEMETRY).valueSerde().deserializer();
    List<TelemetryEnvelope> stored = TopicContents.readAll(stack.bootstrapServers(), Topics.TELEMETRY.name(),
        deserializer).stream().filter(r -> pump.equals(r.key())).map(ConsumerRecord::value).toList();
    assertThat(stored).isEmpty();
  }
}
