package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.metrics.SimulatorMetrics;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.testsupport.RealKafka;
import io.pumptwin.testsupport.RealStack;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Backfill through a real broker and registry: what a consumer reads is what the simulator produced. */
@RealKafka
class KafkaSinkTest {

    @Test
    void backfillArrivesKeyedByPumpInOrderAndReadableWithTheRegistrySerdes(RealStack stack) {
        Scenario scenario = new ScenarioLoader().load("occlusion").withOverrides(5, 2.0);
        InMemorySink expected = new InMemorySink();
        new FleetSimulation(scenario, 99).runToEnd(expected);
        try (KafkaSink sink = new KafkaSink(stack.topicRegistry(), new HashMap<>(stack.producerConfig()), true)) {
            new FleetSimulation(scenario, 99).runToEnd(sink);
        }

        try (KafkaConsumer<String, TelemetryEnvelope> telemetry = stack.consumer(Topics.TELEMETRY);
             KafkaConsumer<String, GroundTruth> truth = stack.consumer(Topics.GROUND_TRUTH)) {
            List<ConsumerRecord<String, TelemetryEnvelope>> read =
                    RealStack.poll(telemetry, expected.telemetry().size(), Duration.ofSeconds(60));
            List<ConsumerRecord<String, GroundTruth>> readTruth =
                    RealStack.poll(truth, expected.groundTruth().size(), Duration.ofSeconds(60));
            assertThat(read).hasSize(expected.telemetry().size());
            assertThat(readTruth).hasSize(expected.groundTruth().size());
            Map<String, Long> lastSequence = new HashMap<>();
            for (ConsumerRecord<String, TelemetryEnvelope> record : read) {
                assertThat(record.key()).isEqualTo(record.value().getPumpSerial());
                assertThat(record.timestamp()).isEqualTo(record.value().getEventTime().toEpochMilli());
                assertThat(record.value().getSequence()).isEqualTo(lastSequence.getOrDefault(record.key(), 0L) + 1);
                lastSequence.put(record.key(), record.value().getSequence());
            }
            assertThat(read.stream().map(ConsumerRecord::value).toList())
                    .containsExactlyInAnyOrderElementsOf(expected.telemetry());
        }
    }

    @Test
    void withMetricsEveryAcknowledgedRecordCountsAsSentByKindAndTheProducersClientMetricsAreBound(RealStack stack) {
        Scenario scenario = new ScenarioLoader().load("motor-stall").withOverrides(3, 2.0);
        InMemorySink expected = new InMemorySink();
        new FleetSimulation(scenario, 7).runToEnd(expected);
        SimulatorMetrics metrics = new SimulatorMetrics();
        try (KafkaSink sink = new KafkaSink(stack.topicRegistry(), new HashMap<>(stack.producerConfig()), true,
                metrics)) {
            new FleetSimulation(scenario, 7).runToEnd(sink);
            // runToEnd flushed: every record is acknowledged, so every one is counted, none as failed.
            var registry = metrics.registry();
            double telemetry = registry.find("simulator.events.sent").counters().stream()
                    .filter(c -> !SimulatorMetrics.GROUND_TRUTH.equals(c.getId().getTag("kind")))
                    .mapToDouble(c -> c.count()).sum();
            assertThat(telemetry).isEqualTo(expected.telemetry().size());
            assertThat(registry.get("simulator.events.sent").tag("kind", SimulatorMetrics.GROUND_TRUTH).counter()
                    .count()).isEqualTo(expected.groundTruth().size());
            assertThat(registry.get("simulator.send.failures").counter().count()).isZero();
            assertThat(registry.find("kafka.producer.record.send.total").tag("client.id", "pumptwin-fleet-simulator")
                    .functionCounters()).isNotEmpty();
        }
    }
}
