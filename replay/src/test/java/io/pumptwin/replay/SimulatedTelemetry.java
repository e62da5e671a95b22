package io.pumptwin.replay;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.replay.pipeline.InProcessPipeline;
import io.pumptwin.replay.source.RecordedTelemetry;
import io.pumptwin.replay.source.TelemetryFile;
import io.pumptwin.replay.source.TimeRange;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.events.PrescriptionChange;
import io.pumptwin.events.RefillRecord;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A simulated fleet written straight to an export file, as {@code pumptwin export} would have
 * written it from the topic: each pump in the partition the producer's default partitioner gives
 * its serial, offsets in the order the simulator emitted (one producer keeps that order).
 */
final class SimulatedTelemetry {
  private SimulatedTelemetry() {}

  /** A sink that hands each telemetry record to {@code each} and ignores the ground truth. */
  static SimulationSink telemetryTo(java.util.function.Consumer<TelemetryEnvelope> each) {
    return new SimulationSink() {
      @Override
      public void telemetry(TelemetryEnvelope e) {
        each.accept(e);
      }

      @Override
      public void groundTruth(GroundTruth truth) {}

      @Override
      public void flush() {}

      @Override
      public void close() {}
    };
  }

  static Scenario scenario(String name, int pumps, double days) {
    return new ScenarioLoader().load(name).withOverrides(pumps, days);
  }

  /** What was exported: the records and, per pump, the refill visits (when a refill cycle began). */
  record Exported(long records, Map<String, List<Instant>> refills, Map<String, List<Instant>> doseChanges) {
    /** Whether the pump's prescription changed in the interval (a new daily volume moves its projections). */
    boolean doseChangedBetween(String pump, Instant from, Instant to) {
      return doseChanges.getOrDefault(pump, List.of()).stream().anyMatch(t -> !t.isBefore(from) && !t.isAfter(to));
    }

    /** The start of the refill cycle the instant falls in: the last refill at or before it, or the first report. */
    Instant cycleStart(String pump, Instant at, Instant firstHeard) {
      Instant start = firstHeard;
      for (Instant r : refills.getOrDefault(pump, List.of())) {
        if (!r.isAfter(at) && r.isAfter(start)) {
          start = r;
        }
      }
      return start;
    }
  }

  static Exported export(Scenario scenario, long seed, String prefix, Path file) {
    int partitions = Topics.TELEMETRY.partitions();
    long[] offsets = new long[partitions];
    Map<String, List<Instant>> refills = new HashMap<>();
    Map<String, List<Instant>> doseChanges = new HashMap<>();
    try (TelemetryFile.Writer writer = new TelemetryFile.Writer(file, Topics.TELEMETRY.name(), partitions,
        TimeRange.all())) {
      new FleetSimulation(scenario, seed).runToEnd(new RenamingSink(prefix, telemetryTo(e -> {
        int p = InProcessPipeline.partitionOf(e.getPumpSerial(), partitions);
        writer.append(new RecordedTelemetry(p, offsets[p]++, e.getEventTime().toEpochMilli(), e));
        if (e.getPayload() instanceof RefillRecord) {
          refills.computeIfAbsent(e.getPumpSerial(), k -> new ArrayList<>()).add(e.getEventTime());
        } else if (e.getPayload() instanceof PrescriptionChange) {
          doseChanges.computeIfAbsent(e.getPumpSerial(), k -> new ArrayList<>()).add(e.getEventTime());
        }
      })));
      return new Exported(writer.written(), refills, doseChanges);
    }
  }

  /**
   * Gives simulated pumps serials of the test's own ({@code SIM0000007} -> {@code <prefix>-0000007}):
   * simulated serials depend on the pump's index only, so other simulations in the JVM share them.
   */
  static final class RenamingSink implements SimulationSink {
    private final String prefix;
    private final SimulationSink delegate;

    RenamingSink(String prefix, SimulationSink delegate) {
      this.prefix = prefix;
      this.delegate = delegate;
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
      delegate.telemetry(TelemetryEnvelope.newBuilder(event)
          .setPumpSerial(prefix + "-" + event.getPumpSerial().substring(3)).build());
    }

    @Override
    public void groundTruth(GroundTruth truth) {
      delegate.groundTruth(GroundTruth.newBuilder(truth)
          .setPumpSerial(prefix + "-" + truth.getPumpSerial().substring(3)).build());
    }

    @Override
    public void flush() {
      delegate.flush();
    }

    @Override
    public void close() {
      delegate.close();
    }
  }
}
