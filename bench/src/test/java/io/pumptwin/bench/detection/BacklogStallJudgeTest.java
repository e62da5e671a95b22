package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.LateAlarm;
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
 * A stall the platform learns of only when a home communicator with no network uploads what it kept
 * ({@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}, communicator-backlog-stall): its relayed alarm and its
 * underdose alert are judged from the upload, not from the stall, and the underdose alert must stand at once at the grade
 * the stop's true age calls for ({@link DetectionCriteria#BACKLOG_GRADE_WINDOW}): a stall three days old at 400 mcg/day
 * is URGENT on arrival, not the WATCH of a stop dated at the upload.
 */
class BacklogStallJudgeTest {

    private static final long HOUR = DetectionEvaluation.HOUR;
    private static final long DAY = DetectionEvaluation.DAY;

    private final Scenario scenario = new ScenarioLoader().load("communicator-backlog-stall");
    private final long start = scenario.startInstant().toEpochMilli();
    private final long runEnd = start + 60 * DAY;
    private final long offline = start + 10 * DAY;
    private final long stall = offline + 6 * HOUR;
    private final long upload = stall + 3 * DAY;
    private final DetectionEvaluation judge = DetectionEvaluation.withDefaults();

    @Test
    void a_stall_that_came_in_a_backlog_is_caught_by_the_critical_alarm_relayed_at_its_upload() {
        PumpHistory relayed = stalledInBacklog(400, Long.MAX_VALUE);
        relayed.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, upload, RiskLevel.URGENT));

        Outcome judged = judgedStall(relayed);
        assertThat(judged.onsetAt()).as("the condition is still the stall").isEqualTo(stall);
        assertThat(judged.injected()).as("the scenario's own stall, in the first day of the outage").isTrue();
        assertThat(judged.flagged()).isTrue();
        assertThat(judged.latencyHours()).as("from the upload, the first the twin could know").isZero();

        // Relayed two hours after the upload: later than the hour a relayed alarm is allowed.
        PumpHistory late = stalledInBacklog(400, Long.MAX_VALUE);
        late.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, upload + 2 * HOUR, RiskLevel.URGENT));
        assertThat(judgedStall(late).flagged()).isFalse();

        // The same alert on a pump whose alarm was sent as it happened (no backlog) is three days late: a miss.
        PumpHistory onTime = stalledInBacklog(400, Long.MAX_VALUE);
        onTime.lateCriticalAlarms.clear();
        onTime.criticalAlarmsMade.add(stall);
        onTime.alerts.add(alert(AlertType.PUMP_CRITICAL_ALARM, upload, RiskLevel.URGENT));
        assertThat(judgedStall(onTime).flagged()).isFalse();
    }

    @Test
    void a_stall_three_days_old_at_its_upload_must_be_urgent_on_arrival() {
        PumpHistory urgent = stalledInBacklog(400, Long.MAX_VALUE);
        urgent.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, upload, RiskLevel.URGENT));

        BacklogStop stop = judgedStop(urgent);
        assertThat(stop.uploadedAt()).isEqualTo(upload);
        assertThat(stop.hoursWithoutTherapy()).isEqualTo(72.0);
        assertThat(stop.gradeDue()).as("72 h without 400 mcg/day").isEqualTo(RiskLevel.URGENT);
        assertThat(stop.gradeOnArrival()).isEqualTo(RiskLevel.URGENT);
        assertThat(stop.latencyHours()).isZero();
        assertThat(stop.gradedAsDue()).isTrue();
        assertThat(stop.heardBetween()).isFalse();
        assertThat(underdoseOutcome(urgent)).satisfies(o -> {
            assertThat(o.flagged()).isTrue();
            assertThat(o.latencyHours()).isZero();
        });

        // The stop dated at the upload, as the twin before d10ab3b did: a stop of zero hours, a WATCH. Flagged in time,
        // but below the grade due.
        PumpHistory datedAtUpload = stalledInBacklog(400, Long.MAX_VALUE);
        datedAtUpload.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, upload, RiskLevel.WATCH));
        assertThat(judgedStop(datedAtUpload)).satisfies(s -> {
            assertThat(s.gradeOnArrival()).isEqualTo(RiskLevel.WATCH);
            assertThat(s.latencyHours()).isZero();
            assertThat(s.gradedAsDue()).isFalse();
        });

        // Raised to URGENT three hours later (the progression catching up): not at once.
        PumpHistory slow = stalledInBacklog(400, Long.MAX_VALUE);
        AlertSpan rising = alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, upload, RiskLevel.LIKELY);
        rising.levels.put(upload + 3 * HOUR, RiskLevel.URGENT);
        slow.alerts.add(rising);
        assertThat(judgedStop(slow).gradedAsDue()).isFalse();

        // An alert the patient's reported withdrawal signs raised before the upload, standing URGENT at it, is the catch.
        PumpHistory warned = stalledInBacklog(400, Long.MAX_VALUE);
        warned.telemetryTimes.add(stall + 40 * HOUR);
        warned.telemetryTimes.sort(Comparator.naturalOrder());
        AlertSpan early = alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, stall + 40 * HOUR, RiskLevel.LIKELY);
        early.levels.put(upload, RiskLevel.URGENT);
        warned.alerts.add(early);
        assertThat(judgedStop(warned)).satisfies(s -> {
            assertThat(s.gradedAsDue()).isTrue();
            assertThat(s.latencyHours()).isZero();
            assertThat(s.heardBetween()).as("the symptom report arrived before the upload").isTrue();
        });
    }

    @Test
    void the_grade_due_follows_the_stops_age_and_dose_as_the_twins_own_grading_does() {
        // Four and a half hours at 650 mcg/day: a LIKELY stop, not yet URGENT.
        long young = stall + 4 * HOUR + 30 * 60_000L;
        PumpHistory h = stalledInBacklog(650, Long.MAX_VALUE, young);
        h.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, young, RiskLevel.LIKELY));
        assertThat(judgedStop(h, young)).satisfies(s -> {
            assertThat(s.gradeDue()).isEqualTo(RiskLevel.LIKELY);
            assertThat(s.gradedAsDue()).isTrue();
        });
        // Three days at 100 mcg/day: LIKELY; the twin's grading makes a low dose urgent only after about 80 h.
        PumpHistory low = stalledInBacklog(100, Long.MAX_VALUE);
        low.alerts.add(alert(AlertType.UNDERDOSE_WITHDRAWAL_RISK, upload, RiskLevel.LIKELY));
        assertThat(judgedStop(low)).satisfies(s -> {
            assertThat(s.gradeDue()).isEqualTo(RiskLevel.LIKELY);
            assertThat(s.gradedAsDue()).isTrue();
        });
    }

    @Test
    void a_stop_over_for_more_than_a_day_when_its_backlog_arrived_is_not_observable_and_its_alarm_is_no_false_alert() {
        // The stall recovered after 12 h, two and a half days before the upload.
        PumpHistory h = stalledInBacklog(400, stall + 12 * HOUR);
        assertThat(underdoseOutcome(h)).satisfies(o -> {
            assertThat(o.flagged()).isFalse();
            assertThat(o.unobservable()).isTrue();
            assertThat(o.counted()).isFalse();
        });
        // The critical alarm relayed at the upload is the pump's own, if late: true although the stall is over.
        assertThat(judge.falseAlert(runEnd, h, alert(AlertType.PUMP_CRITICAL_ALARM, upload, RiskLevel.URGENT)))
                .isNull();
        h.lateCriticalAlarms.clear();
        assertThat(judge.falseAlert(runEnd, h, alert(AlertType.PUMP_CRITICAL_ALARM, upload, RiskLevel.URGENT)))
                .contains("no stall, reset or end of service");
    }

    private Outcome judgedStall(PumpHistory h) {
        return JudgedStall.of(judge, scenario, start, runEnd, h);
    }

    private Outcome underdoseOutcome(PumpHistory h) {
        List<Outcome> stops = new ArrayList<>();
        judge.judgeUnderdose(runEnd, h, stops, new ArrayList<>());
        return stops.stream().filter(o -> o.onsetAt() == stall).findFirst().orElseThrow();
    }

    private BacklogStop judgedStop(PumpHistory h) {
        return judgedStop(h, upload);
    }

    private BacklogStop judgedStop(PumpHistory h, long uploadedAt) {
        List<BacklogStop> backlog = new ArrayList<>();
        judge.judgeUnderdose(runEnd, h, new ArrayList<>(), backlog);
        assertThat(backlog).singleElement().satisfies(b -> assertThat(b.uploadedAt()).isEqualTo(uploadedAt));
        return backlog.get(0);
    }

    private PumpHistory stalledInBacklog(double doseMcgPerDay, long recovered) {
        return stalledInBacklog(doseMcgPerDay, recovered, upload);
    }

    /**
     * A pump reporting every 15 minutes until its communicator loses the network, stalled 6 h later (recovering at
     * {@code recovered}, or never), whose stored alarm and reports arrive at {@code uploadedAt}; hourly ground truth
     * with the outage and the stall (and their fault-change records), delivery stopped from the stall.
     */
    private PumpHistory stalledInBacklog(double doseMcgPerDay, long recovered, long uploadedAt) {
        PumpHistory h = new PumpHistory("SIM0000004");
        for (long t = start; t < offline; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
            h.onDose(t, doseMcgPerDay);
        }
        for (long t = offline; t < uploadedAt; t += 15 * 60_000L) {
            h.telemetryTimes.add(uploadedAt);
            h.onDose(t, doseMcgPerDay);
        }
        h.lateCriticalAlarms.add(new LateAlarm(stall, uploadedAt));
        for (long t = uploadedAt; t <= runEnd; t += 15 * 60_000L) {
            h.telemetryTimes.add(t);
        }
        List<Truth> truth = new ArrayList<>();
        for (long t = start; t <= runEnd; t += HOUR) {
            truth.add(truth(t, uploadedAt, recovered, null));
        }
        truth.add(truth(offline, uploadedAt, recovered, new FaultChange(TrueFaultKind.COMMUNICATOR_OFFLINE, true)));
        truth.add(truth(stall, uploadedAt, recovered, new FaultChange(TrueFaultKind.MOTOR_STALL, true)));
        truth.add(truth(uploadedAt, uploadedAt, recovered, new FaultChange(TrueFaultKind.COMMUNICATOR_OFFLINE, false)));
        if (recovered < runEnd) {
            truth.add(truth(recovered, uploadedAt, recovered, new FaultChange(TrueFaultKind.MOTOR_STALL, false)));
        }
        truth.sort(Comparator.comparingLong(Truth::at));
        h.truth.addAll(truth);
        return h;
    }

    private Truth truth(long t, long uploadedAt, long recovered, FaultChange change) {
        Set<TrueFaultKind> faults = EnumSet.noneOf(TrueFaultKind.class);
        if (t >= offline && t < uploadedAt) {
            faults.add(TrueFaultKind.COMMUNICATOR_OFFLINE);
        }
        boolean stopped = t >= stall && t < recovered;
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
