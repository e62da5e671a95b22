package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.WithdrawalStage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An explant recorded against the wrong serial (WRONG_SERIAL_EXPLANT): the twin's EXPLANT_DOUBTED on such a pump is a
 * true detection ({@link DetectionCriteria.FalseAlertRule#EXPLANT_DOUBTED}), and once the clinic retracts the explant
 * the pump is implanted again for the silence judge
 * ({@link DetectionCriteria#A_RETRACTED_EXPLANT_STANDS_UNTIL_ITS_RETRACTION}).
 */
class WrongSerialExplantJudgeTest {

    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long DAY = DetectionEvaluation.DAY;
    private static final long START = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();
    private static final long RUN_END = START + 40 * DAY;

    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void explant_doubted_while_a_wrong_serial_explant_stands_is_true_and_on_a_pump_without_one_is_false() {
        long explant = START + 5 * DAY;
        long retraction = START + 15 * DAY;
        PumpHistory wrong = hourlyTruth(START, RUN_END, explant, retraction);
        PumpHistory right = hourlyTruth(START, RUN_END, Long.MAX_VALUE, Long.MAX_VALUE);

        AlertSpan doubt = doubted(explant + 25 * HOUR, retraction);

        assertThat(judge.falseAlert(RUN_END, wrong, doubt)).isNull();
        assertThat(judge.falseAlert(RUN_END, right, doubt)).contains("wrong serial");
        // After the retraction the record is right again: a doubt then has nothing to doubt.
        assertThat(judge.falseAlert(RUN_END, wrong, doubted(retraction + 2 * DAY, null))).contains("wrong serial");
    }

    @Test
    void a_wrong_serial_explant_is_caught_by_explant_doubted_within_a_week_of_the_explant() {
        DetectionCriteria.FaultRule rule = DetectionCriteria.ruleFor(TrueFaultKind.WRONG_SERIAL_EXPLANT);

        assertThat(rule.flaggedBy()).containsExactly(AlertType.EXPLANT_DOUBTED);
        assertThat(rule.window().toDays()).isEqualTo(7);
    }

    @Test
    void a_silence_while_the_wrong_explant_stands_is_no_condition_but_one_after_its_retraction_is() {
        long explant = START + 10 * DAY + HOUR;
        // Quiet for four days under the explant, then the clinic's retraction and reports again ...
        long retraction = explant + 4 * DAY;
        PumpHistory h = explantedInErrorThenRetracted("SIM0000009", explant, retraction);
        addReports(h, retraction + HOUR, retraction + 5 * DAY);
        // ... and quiet for four days more, now as an implanted pump.
        addReports(h, retraction + 9 * DAY, RUN_END);

        assertThat(judge.silences(h, RUN_END)).singleElement()
                .satisfies(s -> assertThat(s.lastHeard()).isEqualTo(retraction + 5 * DAY - 15 * 60_000L));
        // A retraction naming another explant leaves this one standing.
        PumpHistory other = new PumpHistory("SIM0000010");
        other.explantReported("x-1", explant);
        other.explantRetracted("x-2", retraction);
        assertThat(other.explantStandingAt(retraction + DAY)).isEqualTo(explant);
        assertThat(h.explantStandingAt(retraction + DAY)).isNull();
        assertThat(h.explantStandingAt(explant + DAY)).isEqualTo(explant);
    }

    @Test
    void pump_silent_after_the_retraction_is_judged_as_on_an_implanted_pump() {
        long explant = START + 10 * DAY + HOUR;
        long retraction = explant + 8 * DAY;
        PumpHistory h = explantedInErrorThenRetracted("SIM0000011", explant, retraction);

        assertThat(judge.falseAlert(RUN_END, h, silent(explant + 3 * DAY))).contains("explant");
        assertThat(judge.falseAlert(RUN_END, h, silent(retraction + 48 * HOUR))).isNull();
        assertThat(judge.falseAlert(RUN_END, h, silent(retraction + 20 * HOUR))).contains("communicating");
    }

    /** Hourly ground truth with WRONG_SERIAL_EXPLANT active from {@code explant} until {@code retraction}. */
    private static PumpHistory hourlyTruth(long from, long to, long explant, long retraction) {
        PumpHistory h = new PumpHistory("SIM0000008");
        for (long t = from; t <= to; t += HOUR) {
            Set<TrueFaultKind> faults = t >= explant && t < retraction
                    ? EnumSet.of(TrueFaultKind.WRONG_SERIAL_EXPLANT) : Set.of();
            h.truth.add(new Truth(t, 10, 20, 0, 10, faults, null, WithdrawalStage.NONE, false, null));
        }
        return h;
    }

    private static void addReports(PumpHistory h, long from, long to) {
        for (long t = from; t < to; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
        }
    }

    private static AlertSpan doubted(long openedAt, Long resolvedAt) {
        AlertSpan a = new AlertSpan("a-doubt", AlertType.EXPLANT_DOUBTED, openedAt, false, "");
        a.resolvedAt = resolvedAt;
        return a;
    }

    private static AlertSpan silent(long openedAt) {
        return new AlertSpan("a-silent", AlertType.PUMP_SILENT, openedAt, false, "");
    }

    /** A pump that reported for the first 10 days, then had an explant recorded in error and retracted (quiet between). */
    private static PumpHistory explantedInErrorThenRetracted(String serial, long explant, long retraction) {
        PumpHistory h = new PumpHistory(serial);
        addReports(h, START, START + 10 * DAY);
        h.telemetryTimes.add(explant);
        h.explantReported("x-wrong", explant);
        h.telemetryTimes.add(retraction);
        h.explantRetracted("x-wrong", retraction);
        return h;
    }
}
