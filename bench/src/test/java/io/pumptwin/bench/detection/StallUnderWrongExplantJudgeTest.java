package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.FaultChange;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.WithdrawalStage;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pump recorded as explanted against the wrong serial whose motor then stalls (wrong-serial-explant-stall): the stall
 * is a true fault like any other, to be caught by PUMP_CRITICAL_ALARM within the hour although an explant is recorded
 * (the twin that the explant retired must relay it), and that alert is true while the wrong explant stands. A critical
 * alarm relayed a day after a true explant has no pump in a patient behind it and stays false.
 */
class StallUnderWrongExplantJudgeTest {

    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long DAY = DetectionEvaluation.DAY;

    private final Scenario scenario = new ScenarioLoader().load("wrong-serial-explant-stall");
    private final long start = scenario.startInstant().toEpochMilli();
    private final long runEnd = start + 60 * DAY;
    private final long explant = start + 6 * DAY + 10 * HOUR;
    private final long stall = explant + 4 * DAY + 5 * HOUR;
    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void a_stall_days_into_a_standing_wrong_explant_is_an_injected_fault_the_relayed_critical_alarm_must_catch_in_the_hour() {
        PumpHistory relayed = stalledUnderWrongExplant();
        relayed.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, stall));
        relayed.alerts.add(alert(AlertType.EXPLANT_DOUBTED, stall));

        assertThat(judgedStall(relayed)).satisfies(o -> {
            assertThat(o.injected()).as("the scenario's own stall").isTrue();
            assertThat(o.flagged()).isTrue();
            assertThat(o.latencyHours()).isZero();
        });
        // The retired twin took the alarm as history: a miss, counted, although an explant is recorded.
        assertThat(judgedStall(stalledUnderWrongExplant())).satisfies(o -> {
            assertThat(o.flagged()).isFalse();
            assertThat(o.counted()).isTrue();
        });
        // Relayed, but later than the hour the rule allows a relayed alarm.
        PumpHistory late = stalledUnderWrongExplant();
        late.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, stall + 2 * HOUR));
        assertThat(judgedStall(late).flagged()).isFalse();
    }

    @Test
    void only_a_stall_inside_its_window_after_the_same_pumps_wrong_explant_is_the_scenarios_injection() {
        assertThat(DetectionEvaluation.injected(scenario, start, stalledUnderWrongExplant(), TrueFaultKind.MOTOR_STALL,
                stall)).isTrue();
        // A stall at the same time on a pump with no wrong explant is a background one.
        PumpHistory noExplant = history(Long.MAX_VALUE, stall);
        assertThat(DetectionEvaluation.injected(scenario, start, noExplant, TrueFaultKind.MOTOR_STALL, stall)).isFalse();
        // So is one ten days into the wrong explant (the injection strikes 3-6 d into it).
        long tenDaysOn = explant + 10 * DAY;
        assertThat(DetectionEvaluation.injected(scenario, start, history(explant, tenDaysOn),
                TrueFaultKind.MOTOR_STALL, tenDaysOn)).isFalse();
        // The wrong explant itself is judged against its own window from the run start (days 3-30).
        assertThat(DetectionEvaluation.injected(scenario, start, noExplant, TrueFaultKind.WRONG_SERIAL_EXPLANT,
                explant)).isTrue();
    }

    @Test
    void a_critical_alarm_while_the_wrong_explant_stands_is_true_and_one_a_day_after_a_true_explant_is_false() {
        PumpHistory wrong = stalledUnderWrongExplant();
        assertThat(judge.falseAlert(runEnd, wrong, alert(AlertType.PUMP_CRITICAL_ALARM, stall))).isNull();
        assertThat(judge.falseAlert(runEnd, wrong, alert(AlertType.PUMP_CRITICAL_ALARM, stall + 3 * DAY))).isNull();

        // A pump truly explanted for the stall itself (the simulator's clinic replacing it): its ground truth ends at
        // the explant, and a critical alarm relayed a day on has no pump in a patient behind it.
        long explantedAt = stall + 30 * HOUR;
        PumpHistory replaced = new PumpHistory("SIM0000021");
        for (Truth g : history(Long.MAX_VALUE, stall).truth) {
            if (g.at() <= explantedAt) {
                replaced.truth.add(g);
            }
        }
        replaced.explantReported("x-replaced", explantedAt);
        assertThat(replaced.truth.get(replaced.truth.size() - 1).faults()).contains(TrueFaultKind.MOTOR_STALL);
        assertThat(judge.falseAlert(runEnd, replaced, alert(AlertType.PUMP_CRITICAL_ALARM, explantedAt + 25 * HOUR)))
                .contains("no stall, reset or end of service");
    }

    private Outcome judgedStall(PumpHistory h) {
        return JudgedStall.of(judge, scenario, start, runEnd, h);
    }

    private PumpHistory stalledUnderWrongExplant() {
        PumpHistory h = history(explant, stall);
        h.explantReported("x-wrong", explant);
        return h;
    }

    /**
     * Hourly ground truth of a pump with WRONG_SERIAL_EXPLANT from {@code wrongExplant} (never retracted) and a motor
     * stalled for good from {@code stalled}, each onset with its fault-change record; delivery stopped at the stall. The
     * stall's critical alarm reached telemetry as it happened.
     */
    private PumpHistory history(long wrongExplant, long stalled) {
        PumpHistory h = new PumpHistory("SIM0000020");
        h.criticalAlarmsMade.add(stalled);
        List<Truth> truth = new ArrayList<>();
        for (long t = start; t <= runEnd; t += HOUR) {
            truth.add(truth(t, wrongExplant, stalled, null));
        }
        if (wrongExplant < runEnd) {
            truth.add(truth(wrongExplant, wrongExplant, stalled, new FaultChange(TrueFaultKind.WRONG_SERIAL_EXPLANT, true)));
        }
        truth.add(truth(stalled, wrongExplant, stalled, new FaultChange(TrueFaultKind.MOTOR_STALL, true)));
        truth.sort(Comparator.comparingLong(Truth::at));
        h.truth.addAll(truth);
        return h;
    }

    private static Truth truth(long t, long wrongExplant, long stalled, FaultChange change) {
        Set<TrueFaultKind> faults = EnumSet.noneOf(TrueFaultKind.class);
        if (t >= wrongExplant) {
            faults.add(TrueFaultKind.WRONG_SERIAL_EXPLANT);
        }
        if (t >= stalled) {
            faults.add(TrueFaultKind.MOTOR_STALL);
        }
        return new Truth(t, 10, 20, 0, 10, faults, change, WithdrawalStage.NONE, false, t >= stalled ? stalled : null);
    }

    private static AlertSpan alert(AlertType type, long openedAt) {
        return new AlertSpan("a-" + type + "-" + openedAt, type, openedAt, false, "");
    }
}
