package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.WithdrawalStage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The refill false-alert rule ({@link DetectionCriteria#REFILL_DUE_AT_PUMP_ALARM}): a refill alert is true when the
 * true reservoir or the pump's own computed volume reaches the alarm volume within its window.
 */
class RefillFalseAlertJudgeTest {

    private static final long DAY = DetectionEvaluation.DAY;
    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    /**
     * A pump delivering 10% less than programmed, first heard mid-cycle: 6.4 mL truly left at 0.117 mL/d (the true
     * volume reaches 2 mL in 37.6 d), while the pump computes 4.85 mL at 0.13 mL/d and sounds its own low-reservoir
     * alarm in 21.9 d. A refill-due alert now is 3 weeks before that alarm: needed, not false.
     */
    @Test
    void refillDueBeforeThePumpsOwnAlarmIsTrueForAPumpThatRunsSlow() {
        PumpHistory h = slowPump();
        h.onStatus(T0, 4.85, 0.13);

        assertThat(DetectionEvaluation.pumpDaysToAlarmVolume(h, T0)).isCloseTo(21.9, within(0.1));
        assertThat(judge.falseAlert(T0 + 200 * DAY, h, refillDue(T0))).isNull();
        assertThat(judge.falseAlert(T0 + 200 * DAY, h, alert(AlertType.REFILL_URGENT, T0))).isNotNull();
    }

    /** Neither the true volume nor the pump's figure reaches the alarm volume within 35 d: false, and it says both. */
    @Test
    void refillDueFarFromBothIsFalse() {
        PumpHistory h = slowPump();
        h.onStatus(T0, 7.5, 0.13);

        String why = judge.falseAlert(T0 + 200 * DAY, h, refillDue(T0));

        assertThat(why).contains("true reservoir reaches the alarm volume in 37.6 d")
                .contains("the pump's own computed volume in 42.3 d");
    }

    /** A refill after the pump's last report makes that report stale: only the true volume judges. */
    @Test
    void aRefillAfterTheLastReportLeavesOnlyTheTrueVolume() {
        PumpHistory h = slowPump();
        h.onStatus(T0 - 2 * HOUR, 4.85, 0.13);
        h.refills.add(T0 - HOUR);

        assertThat(DetectionEvaluation.pumpDaysToAlarmVolume(h, T0)).isInfinite();
    }

    /** At the minimal rate after a reset the pump's figure does not fall: its alarm never comes. */
    @Test
    void aPumpAtTheMinimalRateNeverAlarms() {
        PumpHistory h = slowPump();
        h.onStatus(T0, 4.85, 0);

        assertThat(DetectionEvaluation.pumpDaysToAlarmVolume(h, T0)).isInfinite();
        assertThat(judge.falseAlert(T0 + 200 * DAY, h, refillDue(T0))).isNotNull();
    }

    /**
     * An alert opened by the reprogramming that ends a reset: the report before it says the minimal rate, the one
     * minutes after it the programmed rate the pump resumed; the pump's alarm is judged at that rate.
     */
    @Test
    void aReprogrammedPumpIsJudgedAtTheRateItResumed() {
        PumpHistory h = slowPump();
        h.onStatus(T0 - 10 * 60_000, 4.85, 0);
        h.onStatus(T0 + 5 * 60_000, 4.85, 0.13);

        assertThat(DetectionEvaluation.pumpDaysToAlarmVolume(h, T0)).isCloseTo(21.9, within(0.1));
        assertThat(judge.falseAlert(T0 + 200 * DAY, h, refillDue(T0))).isNull();
    }

    /** Hourly truth from 2 d before to 1 h after T0: 6.4 mL at T0, falling 0.117 mL/d. */
    private static PumpHistory slowPump() {
        PumpHistory h = new PumpHistory("SIM0000001");
        double rate = 0.117;
        for (long t = T0 - 2 * DAY; t <= T0 + HOUR; t += HOUR) {
            double delivered = 20 - 6.4 + rate * (t - T0) / (double) DAY;
            h.truth.add(new Truth(t, 20 - delivered, 20, 0, delivered, Set.of(), null, WithdrawalStage.NONE, false,
                    null));
        }
        h.lowReservoirAlarmMl = 2.0;
        return h;
    }

    private static AlertSpan refillDue(long at) {
        return alert(AlertType.REFILL_DUE, at);
    }

    private static AlertSpan alert(AlertType type, long at) {
        return new AlertSpan("a-" + type, type, at, false, "");
    }
}
