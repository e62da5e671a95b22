package io.pumptwin.simulator.metrics;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.simulator.output.SimulationSink;

/**
 * Counts what a synchronous output took (JSON lines, or none): an event counts as sent once the output returned
 * without throwing. The Kafka output counts for itself, on the brokers' acknowledgement.
 */
public final class MeteredSink implements SimulationSink {
    private final SimulationSink next;
    private final SimulatorMetrics metrics;

    /** @param next the output; null discards (and counts) */
    public MeteredSink(SimulationSink next, SimulatorMetrics metrics) {
        this.next = next;
        this.metrics = metrics;
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
        if (next != null) {
            next.telemetry(event);
        }
        metrics.sent(metrics.kindOf(event));
    }

    @Override
    public void groundTruth(GroundTruth truth) {
        if (next != null) {
            next.groundTruth(truth);
        }
        metrics.sent(SimulatorMetrics.GROUND_TRUTH);
    }

    @Override
    public void flush() {
        if (next != null) {
            next.flush();
        }
    }

    @Override
    public void close() {
        if (next != null) {
            next.close();
        }
    }
}
