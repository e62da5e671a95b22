package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlarmNews;
import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.bench.detection.ScenarioResult.BacklogStop;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.FaultChange;
import io.pumptwin.events.RiskLevel;
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
 * A stall whose alarm no communicator relayed, the communicator out of range of the pump
 * ({@link DetectionCriteria#AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD}, communicator-outage-stall): nothing of it
 * reaches the platform until the clinic's rotor study (answering the patient's call) or the communicator's first status
 * report listing the alarm. It is no miss before that, and once that record has arrived the twin must flag it: the stop
 * within the hour at the grade its true age calls for, the alarm within the hour of the pump's own report of it.
 */
class UnrelayedAlarmJudgeTest {

    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long DAY = DetectionEvaluation.DAY;

    private final Scenario scenario = new ScenarioLoader().load("communicator-outage-stall");
    private final long start = scenario.startInstant().toEpochMilli();
    private final long runEnd = start + 60 * DAY;
    private final long offline = start + 10 * DAY;
    private final long stall = offline + 6 * HOUR;
    private final long rotorStudy = stall + 40 * HOUR;
    private final long back = offline + 6 * DAY;
    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void a_stall_nothing_ever_showed_is_no_miss() {
        PumpHistory h = stalledOutOfRange(400);

        Outcome stalled = JudgedStall.of(judge, scenario, start, runEnd, h);
        assertThat(stalled.flagged()).isFalse();
        assertThat(stalled.unobservable()).isTrue();
        assertThat(stalled.counted()).as("a miss").isFalse();
        assertThat(underdoseOutcome(h).counted()).as("the stop, a miss").isFalse();
    }

    @Test
    void the_stop_is_judged_from_the_clinics_rotor_study_at_the_grade_its_true_age_calls_for() {
        PumpHistory urgent = stalledOutOfRange(400);
        urgent.alarmNews.add(new AlarmNews(rotorStudy, rotorStudy, false));
        urgent.telemetryTimes.add(rotorStudy);
        urgent.telemetryTimes.sort(Comparator.naturalOrder());
        urgent.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, rotorStudy, RiskLevel.URGENT));

        assertThat(underdoseOutcome(urgent)).satisfies(o -> {
            assertThat(o.flagged()).isTrue();
            assertThat(o.latencyHours()).as("from the rotor study, the first the twin could know").isZero();
        });
        BacklogStop stop = judgedStop(urgent);
        assertThat(stop.uploadedAt()).isEqualTo(rotorStudy);
        assertThat(stop.hoursWithoutTherapy()).isEqualTo(40.0);
        assertThat(stop.gradeDue()).as("40 h without 400 mcg/day").isEqualTo(RiskLevel.URGENT);
        assertThat(stop.gradedAsDue()).isTrue();

        // The stop dated at the rotor study, a fresh stop: flagged, but below the grade due.
        PumpHistory fresh = stalledOutOfRange(400);
        fresh.alarmNews.add(new AlarmNews(rotorStudy, rotorStudy, false));
        fresh.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, rotorStudy, RiskLevel.WATCH));
        assertThat(judgedStop(fresh).gradedAsDue()).isFalse();

        // The clinic's own finding brings the stop, not the pump's alarm: no relay is due on it.
        Outcome stalled = JudgedStall.of(judge, scenario, start, runEnd, urgent);
        assertThat(stalled.unobservable()).isTrue();
        assertThat(stalled.counted()).isFalse();
    }

    @Test
    void the_alarm_is_judged_from_the_first_status_report_that_lists_it() {
        PumpHistory relayed = stalledOutOfRange(400);
        relayed.alarmNews.add(new AlarmNews(back, back, true));
        relayed.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, back, RiskLevel.URGENT));

        Outcome stalled = JudgedStall.of(judge, scenario, start, runEnd, relayed);
        assertThat(stalled.flagged()).isTrue();
        assertThat(stalled.latencyHours()).as("from the report, the first the twin could know").isZero();

        // Relayed two hours after the report: later than the hour a relayed alarm is allowed.
        PumpHistory late = stalledOutOfRange(400);
        late.alarmNews.add(new AlarmNews(back, back, true));
        late.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, back + 2 * HOUR, RiskLevel.URGENT));
        assertThat(JudgedStall.of(judge, scenario, start, runEnd, late).flagged()).isFalse();

        // The same alert on a pump whose alarm did reach telemetry as it happened is days late: a miss, as before.
        PumpHistory onTime = stalledOutOfRange(400);
        onTime.criticalAlarmsMade.add(stall);
        onTime.alarmNews.add(new AlarmNews(back, back, true));
        onTime.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, back, RiskLevel.URGENT));
        Outcome missed = JudgedStall.of(judge, scenario, start, runEnd, onTime);
        assertThat(missed.flagged()).isFalse();
        assertThat(missed.counted()).isTrue();
    }

    private Outcome underdoseOutcome(PumpHistory h) {
        List<Outcome> stops = new ArrayList<>();
        judge.judgeUnderdose(runEnd, h, stops, new ArrayList<>());
        return stops.stream().filter(o -> o.onsetAt() == stall).findFirst().orElseThrow();
    }

    private BacklogStop judgedStop(PumpHistory h) {
        List<BacklogStop> late = new ArrayList<>();
        judge.judgeUnderdose(runEnd, h, new ArrayList<>(), late);
        assertThat(late).hasSize(1);
        return late.get(0);
    }

    /**
     * A pump reporting every 15 minutes until its communicator goes out of range, stalled for good 6 h later, nothing of
     * it arriving until the communicator is back after six days (no record of the alarm itself ever); hourly ground
     * truth with the outage and the stall (and their fault-change records), delivery stopped from the stall.
     */
    private PumpHistory stalledOutOfRange(double doseMcgPerDay) {
        PumpHistory h = new PumpHistory("SIM0000004");
        for (long t = start; t < offline; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
            h.onDose(t, doseMcgPerDay);
        }
        for (long t = back; t <= runEnd; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
        }
        List<Truth> truth = new ArrayList<>();
        for (long t = start; t <= runEnd; t += HOUR) {
            truth.add(truth(t, null));
        }
        truth.add(truth(offline, new FaultChange(TrueFaultKind.COMMUNICATOR_OFFLINE, true)));
        truth.add(truth(stall, new FaultChange(TrueFaultKind.MOTOR_STALL, true)));
        truth.add(truth(back, new FaultChange(TrueFaultKind.COMMUNICATOR_OFFLINE, false)));
        truth.sort(Comparator.comparingLong(Truth::at));
        h.truth.addAll(truth);
        return h;
    }

    private Truth truth(long t, FaultChange change) {
        Set<TrueFaultKind> faults = EnumSet.noneOf(TrueFaultKind.class);
        if (t >= offline && t < back) {
            faults.add(TrueFaultKind.COMMUNICATOR_OFFLINE);
        }
        boolean stopped = t >= stall;
        if (stopped) {
            faults.add(TrueFaultKind.MOTOR_STALL);
        }
        return new Truth(t, 10, 20, 0, 10, faults, change, WithdrawalStage.NONE, false, stopped ? stall : null);
    }

    private static AlertSpan alert(AlertType type, long openedAt, RiskLevel level) {
        AlertSpan a = new AlertSpan("a-" + type + "-" + openedAt, type, openedAt, false, "");
        a.levels.put(openedAt, level);
        return a;
    }
}
