package io.pumptwin.simulator.output;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.TelemetryEnvelope;

import java.util.ArrayList;
import java.util.List;

/** Keeps everything; for tests and small runs. */
public final class InMemorySink implements SimulationSink {
    private final List<TelemetryEnvelope> telemetry = new ArrayList<>();
    private final List<GroundTruth> groundTruth = new ArrayList<>();

    @Override
    public void telemetry(TelemetryEnvelope event) {
        telemetry.add(event);
    }

    @Override
    public void groundTruth(GroundTruth truth) {
        groundTruth.add(truth);
    }

    public List<TelemetryEnvelope> telemetry() {
        return telemetry;
    }

    public List<GroundTruth> groundTruth() {
        return groundTruth;
    }
}
