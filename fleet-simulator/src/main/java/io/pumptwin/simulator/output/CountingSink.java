package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;

/** Counts and discards: measures the simulator alone, and wraps another sink to count what passes. */
public final class CountingSink implements SimulationSink {
    private final SimulationSink next;
    private long telemetry;
    private long groundTruth;

    public CountingSink() {
        this(null);
    }

    public CountingSink(SimulationSink next) {
        this.next = next;
    }

    @Override
    public void telemetry(TelemetryEnvelope event) {
        telemetry++;
        if (next != null) {
            next.telemetry(event);
        }
    }

    @Override
    public void groundTruth(GroundTruth truth) {
        groundTruth++;
        if (next != null) {
            next.groundTruth(truth);
        }
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

    public long telemetry() {
        return telemetry;
    }

    public long groundTruth() {
        return groundTruth;
    }
}
