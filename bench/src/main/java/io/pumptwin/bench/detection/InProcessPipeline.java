package io.pumptwin.bench.detection;

import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.replay.pipeline.PipelineListener;
import io.pumptwin.replay.pipeline.PipelineParameters;
import io.pumptwin.twin.TwinModelParameters;
import java.util.function.Consumer;

/**
 * The production twin and alerting topologies, chained in-process: the replay's pipeline
 * ({@link io.pumptwin.replay.pipeline.InProcessPipeline}), so that the detection evaluation and
 * {@code pumptwin replay} run one in-process pipeline, not two. Its stores are in memory without
 * changelog, as a replay's (TopologyTestDriver commits after every record, and RocksDB flushed at
 * each commit); its alerting runs on the STREAM_TIME clock, so the same telemetry always gives the
 * same alerts. One partition: the evaluation feeds the whole fleet in event-time order, as one
 * broker partition would carry it.
 */
final class InProcessPipeline implements AutoCloseable {
    private final io.pumptwin.replay.pipeline.InProcessPipeline pipeline;

    InProcessPipeline(TwinModelParameters model, SeverityPolicy severity, Consumer<TwinState> onState,
                      Consumer<TwinEvent> onTwinEvent, Consumer<AlertEvent> onAlert) {
        PipelineParameters parameters = PipelineParameters.production().withModel(model).withSeverity(severity);
        pipeline = new io.pumptwin.replay.pipeline.InProcessPipeline(parameters, 1, new PipelineListener() {
            @Override
            public void onTwinState(int partition, TwinState state) {
                onState.accept(state);
            }

            @Override
            public void onTwinEvent(int partition, TwinEvent event) {
                onTwinEvent.accept(event);
            }

            @Override
            public void onAlert(int partition, AlertEvent alert) {
                onAlert.accept(alert);
            }
        });
    }

    /** One telemetry record, in event-time order; everything it causes is handed to the consumers. */
    void send(TelemetryEnvelope e) {
        pipeline.send(e);
    }

    @Override
    public void close() {
        pipeline.close();
    }
}
