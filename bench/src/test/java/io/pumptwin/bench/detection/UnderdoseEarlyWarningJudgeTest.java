package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.WithdrawalStage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The underdose early-warning rule ({@link DetectionCriteria#UNDERDOSE_EARLY_WARNING}): an underdose alert that opened
 * before delivery truly stopped and still stood when it did is that stop's warning, not a false alert, within a week.
 */
class UnderdoseEarlyWarningJudgeTest {

    private static final long DAY = DetectionEvaluation.DAY;
    private static final long HOUR = DetectionEvaluation.HOUR;
    /** The reservoir truly runs dry here; hourly truth runs from 10 d before to 5 d after. */
    private static final long STOP = Instant.parse("2026-02-09T12:00:00Z").toEpochMilli();

    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    /**
     * The missed-refill case of the bench scorecard: opened at even odds 4 d before the last drop, standing through the
     * withdrawal until the refill 5 d after it. The recall credits this alert with the stop: it is not false too.
     */
    @Test
    void an_alert_standing_when_delivery_stops_four_days_after_it_opened_is_that_stops_warning() {
        PumpHistory h = runsDryAtStop();
        AlertSpan early = underdose(STOP - 4 * DAY, STOP + 5 * DAY);

        assertThat(judge.falseAlert(STOP + 30 * DAY, h, early)).isNull();
    }

    @Test
    void the_same_alert_cleared_before_the_stop_is_false() {
        PumpHistory h = runsDryAtStop();
        AlertSpan cleared = underdose(STOP - 4 * DAY, STOP - 2 * DAY);

        assertThat(judge.falseAlert(STOP + 30 * DAY, h, cleared)).contains("no stop within 7 d after while open");
    }

    @Test
    void an_alert_opened_more_than_a_week_before_the_stop_is_false() {
        PumpHistory h = runsDryAtStop();
        AlertSpan stale = underdose(STOP - 9 * DAY, STOP + 5 * DAY);

        assertThat(judge.falseAlert(STOP + 30 * DAY, h, stale)).isNotNull();
    }

    private static PumpHistory runsDryAtStop() {
        PumpHistory h = new PumpHistory("SIM0000015");
        for (long t = STOP - 10 * DAY; t <= STOP + 5 * DAY; t += HOUR) {
            double left = Math.max(0, 0.27 * (STOP - t) / (double) DAY);
            Long stoppedSince = t >= STOP ? STOP : null;
            h.truth.add(new Truth(t, left, 40, 0, 40 - left, Set.of(), null, WithdrawalStage.NONE, false,
                    stoppedSince));
        }
        h.lowReservoirAlarmMl = 2.0;
        return h;
    }

    private static AlertSpan underdose(long openedAt, long resolvedAt) {
        AlertSpan a = new AlertSpan("a-underdose", AlertType.UNDERDOSE_WITHDRAWAL_RISK, openedAt, false, "");
        a.resolvedAt = resolvedAt;
        return a;
    }
}
