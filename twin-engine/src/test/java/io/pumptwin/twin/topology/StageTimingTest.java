package io.pumptwin.twin.topology;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Locale;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * One record in {@link TwinMetrics#SAMPLE_EVERY} is timed stage by stage, and the stages a routine report goes through
 * (read, decode, apply, encode, write, the state written) are where its time is charged; the meters an operator
 * scrapes say the same as the figures the throughput benchmark reads.
 */
class StageTimingTest {

    @Test
    void every_thirteenth_record_is_timed_in_the_stages_it_went_through() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        TwinMetrics metrics = new TwinMetrics(registry);
        int reports = 3 * TwinMetrics.SAMPLE_EVERY + 2;
        try (TwinDriver d = new TwinDriver(c -> c.withStateEmitInterval(Duration.ZERO), metrics)) {
            TelemetryStory pump = new TelemetryStory("STAGE-1");
            d.send(pump.refill(0, 2.0, 2.0));
            for (int day = 1; day < reports; day++) {
                d.send(pump.status(day));
            }
        }

        assertThat(metrics.sampledRecords()).isEqualTo(3);
        Map<TwinMetrics.Stage, Double> micros = metrics.stageMicrosPerRecord();
        assertThat(micros).containsOnlyKeys(TwinMetrics.Stage.values());
        // each timed record is a report to a stored twin that writes its state (interval zero)
        for (TwinMetrics.Stage stage : new TwinMetrics.Stage[] {TwinMetrics.Stage.MAP, TwinMetrics.Stage.READ,
                TwinMetrics.Stage.DECODE, TwinMetrics.Stage.APPLY, TwinMetrics.Stage.ENCODE, TwinMetrics.Stage.WRITE,
                TwinMetrics.Stage.STATE, TwinMetrics.Stage.STREAM_TIME}) {
            assertThat(micros.get(stage)).as(stage.name()).isPositive();
        }
        assertThat(registry.get("twin.stage.sampled").functionCounter().count()).isEqualTo(3);
        for (TwinMetrics.Stage stage : TwinMetrics.Stage.values()) {
            FunctionCounter time = registry.get("twin.stage.time")
                    .tag("stage", stage.name().toLowerCase(Locale.ROOT)).functionCounter();
            assertThat(time.count() * 1e6 / 3).as(stage.name()).isCloseTo(micros.get(stage),
                    org.assertj.core.data.Offset.offset(1e-6));
        }
    }
}
