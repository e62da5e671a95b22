package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;

/**
 * Where a simulation's output goes: telemetry as devices would send it, and the ground truth the twin is
 * judged against. Implementations: in memory (tests), counting (benchmarks), JSON lines (inspection),
 * Kafka (bulk backfill), and the telemetry gateway over HTTP (as a real device; wired by the launcher).
 * Calls come from one thread, in simulated-time order per pump.
 */
public interface SimulationSink extends AutoCloseable {

    void telemetry(TelemetryEnvelope event);

    void groundTruth(GroundTruth truth);

    /** Makes everything accepted so far durable or visible; called at the end and at progress points. */
    default void flush() {
    }

    @Override
    default void close() {
        flush();
    }
}
