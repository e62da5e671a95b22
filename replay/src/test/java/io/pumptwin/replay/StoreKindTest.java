package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.SimulationSink;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The replay keeps the topologies' state in memory without changelog, production in RocksDB with
 * changelogs: the listener is told exactly the same either way (twin states, twin events, alert
 * events, in the same order), so the speed costs nothing in fidelity. Pumps that fall silent make
 * the silent-pump sweep iterate the twin store, whose key order both store kinds must agree on.
 */
class StoreKindTest {
  private static final Set<String> QUIET = Set.of("SKS-0000001", "SKS-0000004", "SKS-0000007");
  private static final int QUIET_AFTER_RECORDS = 500;

  static List<TelemetryEnvelope> fleet() {
    // Avro trusts the generated classes once a serde of ours exists (JVM-global).
    new TopicRegistry(new InMemorySchemaRegistryClient(), SerdeSettings.autoRegistering())
        .topic(Topics.TELEMETRY).valueSerde().serializer();
    List<TelemetryEnvelope> out = new ArrayList<>();
    Map<String, Integer> heard = new HashMap<>();
    SimulationSink sink = SimulatedTelemetry.telemetryTo(e -> {
      // Three pumps' communicators go quiet after about five days: the sweep must find them silent.
      int n = heard.merge(e.getPumpSerial(), 1, Integer::sum);
      if (n > QUIET_AFTER_RECORDS && QUIET.contains(e.getPumpSerial())) {
        return;
      }
      out.add(e);
    });
    new FleetSimulation(SimulatedTelemetry.scenario("occlusion", 10, 30), 77)
        .runToEnd(new SimulatedTelemetry.RenamingSink("SKS", sink));
    new FleetSimulation(SimulatedTelemetry.scenario("missed-refill", 6, 30), 78)
        .runToEnd(new SimulatedTelemetry.RenamingSink("SKM", sink));
    return out;
  }

  static WorkerThreadsTest.Recording replay(List<TelemetryEnvelope> input, InProcessPipeline.Stores stores) {
    WorkerThreadsTest.Recording r = new WorkerThreadsTest.Recording();
    try (InProcessPipeline p = new InProcessPipeline(PipelineParameters.production(),
        Topics.TELEMETRY.partitions(), r, 1, stores)) {
      input.forEach(p::send);
      assertThat(p.deadLetters()).isZero();
    }
    return r;
  }

  @Test
  void inMemoryStoresPublishWhatProductionStoresPublish() {
    List<TelemetryEnvelope> input = fleet();
    WorkerThreadsTest.Recording production = replay(input, InProcessPipeline.Stores.AS_PRODUCTION);
    WorkerThreadsTest.Recording inMemory = replay(input, InProcessPipeline.Stores.IN_MEMORY);

    // The input exercised what differs between the kinds: the sweep over the store and alert deadlines.
    long silent = production.calls.stream()
        .filter(c -> c.contains(" event ") && c.contains("\"type\": \"" + TwinEventType.PUMP_SILENT + "\"")).count();
    assertThat(silent).as("PUMP_SILENT twin events").isGreaterThanOrEqualTo(QUIET.size());
    assertThat(production.alerts).extracting(AlertEvent::getTransition)
        .contains(AlertTransition.OPENED, AlertTransition.RENOTIFIED);
    assertThat(production.calls).hasSizeGreaterThan(input.size() / 20);
    assertThat(inMemory.calls.size()).isEqualTo(production.calls.size());
    for (int i = 0; i < production.calls.size(); i++) {
      assertThat(inMemory.calls.get(i)).as("call %d", i).isEqualTo(production.calls.get(i));
    }
  }
}
