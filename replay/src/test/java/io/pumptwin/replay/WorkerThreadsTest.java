package io.pumptwin.replay;

import static org.assertj.core.api.Assertions.assertThat;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.pipeline.PipelineListener;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The partitions' drivers on worker threads hand the listener exactly what one thread hands it:
 * the same twin states, twin events and alert events (re-notifications and escalations included),
 * in the same order, on the caller's thread.
 */
class WorkerThreadsTest {

  /** Everything the listener was told, in order, with the thread it was told on. */
  static final class Recording implements PipelineListener {
    final List<String> calls = new ArrayList<>();
    final List<AlertEvent> alerts = new ArrayList<>();
    final Thread caller = Thread.currentThread();
    boolean otherThread;

    private void called(String what) {
      calls.add(what);
      otherThread |= Thread.currentThread() != caller;
    }

    @Override
    public void onTwinState(int partition, TwinState s) {
      called(partition + " state " + s);
    }

    @Override
    public void onTwinEvent(int partition, TwinEvent e) {
      called(partition + " event " + e);
    }

    @Override
    public void onAlert(int partition, AlertEvent a) {
      called(partition + " alert " + a);
      alerts.add(a);
    }
  }

  static List<TelemetryEnvelope> fleet() {
    // Avro trusts the generated classes once a serde of ours exists (JVM-global): the simulator
    // builds envelopes before any pipeline does, and this test may run first in its JVM.
    new TopicRegistry(new InMemorySchemaRegistryClient(), SerdeSettings.autoRegistering())
        .topic(Topics.TELEMETRY).valueSerde().serializer();
    List<TelemetryEnvelope> out = new ArrayList<>();
    new FleetSimulation(SimulatedTelemetry.scenario("missed-refill", 8, 40), 4_242).runToEnd(
        new SimulatedTelemetry.RenamingSink("WT", SimulatedTelemetry.telemetryTo(out::add)));
    return out;
  }

  static Recording replay(List<TelemetryEnvelope> input, int threads) {
    Recording r = new Recording();
    try (InProcessPipeline p = new InProcessPipeline(PipelineParameters.production(),
        Topics.TELEMETRY.partitions(), r, threads)) {
      input.forEach(p::send);
      assertThat(p.deadLetters()).isZero();
      assertThat(p.telemetryIn()).isEqualTo(input.size());
    }
    return r;
  }

  @Test
  void workerThreadsGiveTheListenerWhatOneThreadGivesIt() {
    List<TelemetryEnvelope> input = fleet();
    Recording one = replay(input, 1);
    Recording three = replay(input, 3);

    assertThat(one.alerts).extracting(AlertEvent::getTransition)
        .contains(AlertTransition.OPENED, AlertTransition.RENOTIFIED, AlertTransition.ESCALATED);
    assertThat(one.calls).hasSizeGreaterThan(input.size() / 20);
    assertThat(three.calls).isEqualTo(one.calls);
    assertThat(three.otherThread).as("listener called on the caller's thread only").isFalse();
  }
}
