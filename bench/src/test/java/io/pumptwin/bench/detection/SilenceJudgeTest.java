package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.events.AlertType;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * PUMP_SILENT's true condition ({@link DetectionCriteria#SILENCE_IS_WHAT_ARRIVED}): a span in which nothing of an
 * implanted pump arrived for longer than the twin's silence time (48 h), whatever the cause, and a PUMP_SILENT alert on
 * a pump whose telemetry was still arriving is false.
 */
class SilenceJudgeTest {

    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long DAY = DetectionEvaluation.DAY;
    private static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long RUN_END = START + 40 * DAY;

    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void an_outage_of_four_days_is_one_silence_caught_by_an_alert_at_the_silence_time() {
        PumpHistory h = reportingEvery15Minutes(START, START + 10 * DAY);
        long quiet = h.telemetryTimes.get(h.telemetryTimes.size() - 1);
        addReports(h, quiet + 4 * DAY, RUN_END);
        h.alerts.add(silent(quiet + 48 * HOUR, quiet + 4 * DAY));

        List<DetectionEvaluation.Silence> silences = judge.silences(h, RUN_END);

        assertThat(silences).singleElement().satisfies(s -> {
            assertThat(s.lastHeard()).isEqualTo(quiet);
            assertThat(s.flagged()).isTrue();
            assertThat(s.latencyHours()).isEqualTo(48.0);
        });
    }

    @Test
    void a_silence_nobody_reported_is_a_miss() {
        PumpHistory h = reportingEvery15Minutes(START, START + 10 * DAY);
        long quiet = h.telemetryTimes.get(h.telemetryTimes.size() - 1);
        addReports(h, quiet + 4 * DAY, RUN_END);

        assertThat(judge.silences(h, RUN_END)).singleElement()
                .satisfies(s -> assertThat(s.flagged()).isFalse());
    }

    @Test
    void a_clinic_visit_inside_an_outage_splits_it_and_a_gap_within_the_silence_time_is_no_condition() {
        PumpHistory h = reportingEvery15Minutes(START, START + 10 * DAY);
        long quiet = h.telemetryTimes.get(h.telemetryTimes.size() - 1);
        h.telemetryTimes.add(quiet + 40 * HOUR); // the clinic's programmer at a refill visit
        addReports(h, quiet + 80 * HOUR, RUN_END);

        assertThat(judge.silences(h, RUN_END)).isEmpty();
    }

    @Test
    void the_silence_after_a_reported_explant_is_no_condition_but_one_running_to_the_end_of_the_run_is() {
        PumpHistory explanted = reportingEvery15Minutes(START, START + 10 * DAY);
        explanted.explantReported("x-1", explanted.telemetryTimes.get(explanted.telemetryTimes.size() - 1));
        PumpHistory lost = reportingEvery15Minutes(START, START + 10 * DAY);

        assertThat(judge.silences(explanted, RUN_END)).isEmpty();
        assertThat(judge.silences(lost, RUN_END)).hasSize(1);
        // ...unless the run ends before the silence time and its grace are over: not judged yet.
        assertThat(judge.silences(lost, START + 11 * DAY)).isEmpty();
    }

    @Test
    void an_alert_on_a_pump_whose_telemetry_was_arriving_is_false_and_one_after_the_silence_time_is_not() {
        PumpHistory h = reportingEvery15Minutes(START, START + 10 * DAY);
        long quiet = h.telemetryTimes.get(h.telemetryTimes.size() - 1);

        assertThat(judge.falseAlert(RUN_END, h, silent(quiet + 30 * HOUR, null)))
                .contains("the pump was communicating");
        assertThat(judge.falseAlert(RUN_END, h, silent(quiet + 48 * HOUR, null))).isNull();
        h.explantReported("x-1", quiet);
        assertThat(judge.falseAlert(RUN_END, h, silent(quiet + 48 * HOUR, null))).contains("explant");
    }

    private static PumpHistory reportingEvery15Minutes(long from, long to) {
        PumpHistory h = new PumpHistory("SIM0000007");
        addReports(h, from, to);
        return h;
    }

    private static void addReports(PumpHistory h, long from, long to) {
        for (long t = from; t <= to; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
        }
    }

    private static AlertSpan silent(long openedAt, Long resolvedAt) {
        AlertSpan a = new AlertSpan("a-silent", AlertType.PUMP_SILENT, openedAt, false, "");
        a.resolvedAt = resolvedAt;
        return a;
    }
}
