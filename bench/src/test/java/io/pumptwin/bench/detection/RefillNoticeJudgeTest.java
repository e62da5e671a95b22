package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.detection.ScenarioResult.RefillCycle;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.WithdrawalStage;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * The refill notice ({@link DetectionCriteria#LOUDER_REFILL_ALERT_IS_A_NOTICE}): when the twin raises "refill now"
 * before any refill-due alert, and so no refill-due beside it, the louder alert is the notice the refill-due lead and
 * the safety goal are judged on.
 */
class RefillNoticeJudgeTest {

    private static final long DAY = DetectionEvaluation.DAY;
    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long T0 = Instant.parse("2026-01-05T00:00:00Z").toEpochMilli();

    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void a_refill_now_alert_before_any_refill_due_is_the_notice() {
        PumpHistory h = drainsFrom(5.0);
        h.alerts.add(new AlertSpan("urgent", AlertType.REFILL_URGENT, T0 + 2 * DAY, false, ""));

        Result r = judge(h);

        // 5 mL at 0.25 mL/d: the 2 mL alarm volume on day 12, empty on day 20; the notice went out on day 2
        assertThat(r.cycles).singleElement().satisfies(c -> {
            assertThat(c.leadDays()).isCloseTo(10, within(0.1));
            assertThat(c.leadBeforeEmptyDays()).isCloseTo(18, within(0.1));
        });
        assertThat(r.conditions.get(AlertType.REFILL_DUE)).singleElement().extracting(Outcome::flagged).isEqualTo(true);
    }

    @Test
    void without_any_refill_alert_the_need_is_missed() {
        Result r = judge(drainsFrom(5.0));

        assertThat(r.cycles).singleElement().satisfies(c -> assertThat(c.leadDays()).isNaN());
        assertThat(r.conditions.get(AlertType.REFILL_DUE)).singleElement().extracting(Outcome::flagged).isEqualTo(false);
    }

    private record Result(List<RefillCycle> cycles, Map<AlertType, List<Outcome>> conditions) {
    }

    private Result judge(PumpHistory h) {
        List<RefillCycle> cycles = new ArrayList<>();
        Map<AlertType, List<Outcome>> conditions = new EnumMap<>(AlertType.class);
        for (AlertType t : AlertType.values()) {
            conditions.put(t, new ArrayList<>());
        }
        judge.judgeRefills(h, cycles, conditions);
        return new Result(cycles, conditions);
    }

    /** Hourly truth for 25 days: {@code startMl} falling 0.25 mL/d to empty, no refill. */
    private static PumpHistory drainsFrom(double startMl) {
        PumpHistory h = new PumpHistory("SIM0000007");
        for (long t = T0; t <= T0 + 25 * DAY; t += HOUR) {
            double left = Math.max(0, startMl - 0.25 * (t - T0) / (double) DAY);
            h.truth.add(new Truth(t, left, 20, 0, 20 - left, Set.of(), null, WithdrawalStage.NONE, left == 0, null));
        }
        h.lowReservoirAlarmMl = 2.0;
        return h;
    }
}
