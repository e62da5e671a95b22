package io.pumptwin.twin;

import io.pumptwin.twin.delivery.DeliveryStatus;
import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.store.PumpTwinStoreCodec;
import io.pumptwin.twin.telemetry.CatheterCheck;
import io.pumptwin.twin.telemetry.CatheterCheckMethod;
import io.pumptwin.twin.telemetry.CatheterCheckResult;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.ExplantRetractionReason;
import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.PumpExplantRetraction;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pump's backlog: a home communicator out of range or offline stores what the pump says and uploads it when it is
 * back, after stream time has moved the quiet pump's twin on. The twin applies the backlog at its own time (it never
 * goes back), but a stop the pump reports began when the pump says: its patient has been without therapy since then.
 */
class BacklogTest {

    /** 0.25 mL/day from a 20 mL fill, reporting daily to day 10; then quiet, its twin moved on to day 14. */
    private static PumpScenario quietPump() {
        PumpScenario pump = new PumpScenario("BKL-1");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 1; day <= 10; day++) {
            pump.at(day, report(day));
        }
        pump.advance(14);
        assertThat(pump.openTypes()).containsExactly(TwinEventType.PUMP_SILENT);
        return pump;
    }

    private static StatusReport report(double day, PumpAlarmKind... active) {
        return StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 80, active);
    }

    @Test
    void a_stall_uploaded_three_days_late_counts_the_days_without_therapy_from_the_stall() {
        PumpScenario pump = quietPump();

        TwinTransition stall = pump.at(11, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().asOf()).as("the twin never goes back").isEqualTo(PumpScenario.day(14));
        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.STOPPED);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(11));
        assertThat(stall.events()).filteredOn(e -> e.type() == TwinEventType.UNDERDOSE_RISK).singleElement()
                .satisfies(e -> {
                    assertThat(e.level()).as("three days without baclofen").isEqualTo(RiskLevel.URGENT);
                    assertThat(e.eventTime()).isEqualTo(PumpScenario.day(14));
                });
        assertThat(stall.events()).filteredOn(e -> e.type() == TwinEventType.PUMP_CRITICAL_ALARM).singleElement()
                .satisfies(e -> assertThat(e.evidence()).singleElement().satisfies(ev -> {
                    assertThat(ev.observedAt()).isEqualTo(PumpScenario.day(11));
                    assertThat(ev.detail()).contains("received late");
                }));

        // The backlog's next report still lists the stall: nothing changes, the stop still dates from day 11.
        assertThat(pump.at(12, report(12, PumpAlarmKind.MOTOR_STALL)).events())
                .noneSatisfy(e -> assertThat(e.type()).isEqualTo(TwinEventType.UNDERDOSE_RISK));
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(11));
    }

    /** The backlog also says the pump recovered: the stop lasted from its stall to its recovery, not zero hours. */
    @Test
    void a_stall_and_its_recovery_in_a_backlog_date_the_stop_and_the_restart_as_the_pump_did() {
        PumpScenario pump = quietPump();
        pump.at(11, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));
        pump.at(12.5, report(12.5));

        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.DELIVERING);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(12.5));
        assertThat(pump.twin().delivery().cause()).isEqualTo(InterruptionCause.MOTOR_STALL);
        assertThat(pump.twin().asOf()).isEqualTo(PumpScenario.day(14));
    }

    /**
     * The patient's app is online while the communicator is not: a symptom report reaches the twin before the pump's
     * backlog does. It says nothing of what the pump did, so the stall in the backlog still dates from the stall (in
     * the simulator's communicator-backlog-stall, 8 of 100 backlog stops reached the twin below the grade due so).
     */
    @Test
    void a_symptom_report_applied_before_the_backlog_does_not_hide_how_long_the_pump_has_been_stopped() {
        PumpScenario pump = quietPump();
        pump.at(14.2, SymptomReport.of(Symptom.OTHER));

        TwinTransition stall = pump.at(11, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().asOf()).isEqualTo(PumpScenario.day(14.2));
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(11));
        assertThat(stall.events()).filteredOn(e -> e.type() == TwinEventType.UNDERDOSE_RISK).singleElement()
                .satisfies(e -> assertThat(e.level()).as("three days without baclofen").isEqualTo(RiskLevel.URGENT));
    }

    /** A clinic record in between (a catheter check entered at a visit the pump's stall went unseen at) neither. */
    @Test
    void a_clinic_record_applied_before_the_backlog_does_not_hide_it_either() {
        PumpScenario pump = quietPump();
        pump.at(14.2, new CatheterCheck(CatheterCheckMethod.ACCESS_PORT_ASPIRATION, CatheterCheckResult.INCONCLUSIVE,
                null));

        pump.at(11, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(11));
        assertThat(pump.twin().assess().underdose().level()).isEqualTo(RiskLevel.URGENT);
    }

    /** A report of the pump's newer than the late one has spoken since: the late one keeps the twin's time. */
    @Test
    void a_late_report_older_than_the_pumps_last_report_keeps_the_twins_time() {
        PumpScenario pump = quietPump();
        pump.at(12, report(12));

        pump.at(11, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.STOPPED);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(14));
    }

    /**
     * An explant recorded against this serial in error retires the twin at day 10.5; the pump goes on reporting (taken
     * in as history), the clinic retracts the explant at day 13, and a stall from day 11.5 arrives from the backlog.
     * The pump's report of day 12 has spoken since: the stall keeps the twin's time, as for a pump never retired.
     * Before, the twin dated it from day 11.5, against its last report from before the explant, and found the
     * patient two and a half days without therapy (URGENT) on a pump that had reported delivering since.
     */
    @Test
    void reports_taken_in_while_a_wrong_explant_retired_the_twin_still_bound_a_later_backlog() {
        PumpScenario pump = new PumpScenario("BKL-3");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 1; day <= 10; day++) {
            pump.at(day, report(day));
        }
        TelemetryEvent explant = pump.event(10.5, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "BKL-9"),
                TelemetrySource.CLINICIAN_PROGRAMMER);
        pump.apply(explant);
        pump.at(11, report(11));
        pump.at(12, report(12));
        // retired, it has the pump's report of day 12 as its last, newer than the last record it took in (the
        // explant): the store keeps both
        assertThat(pump.twin().lastReportedAt()).isEqualTo(PumpScenario.day(12)).isAfter(pump.twin().lastHeardAt());
        PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(new byte[0], pump.twin());
        assertThat(PumpTwinStoreCodec.decodeSplit(parts.hot(), 0, parts.cold(), pump.twin().parameters()))
                .isEqualTo(pump.twin());
        pump.at(13, new PumpExplantRetraction(explant.eventId(), ExplantRetractionReason.WRONG_SERIAL));
        assertThat(pump.twin().explant()).isNull();
        pump.advance(14);

        pump.at(11.5, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.STOPPED);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(14));
        assertThat(pump.twin().assess().underdose().level()).isNotEqualTo(RiskLevel.URGENT);
    }

    /**
     * A communicator out of range loses what the pump says meanwhile: the stall's own alarm never arrives, and the
     * first word of it is the report after the communicator is back, which lists the stall as active but not since
     * when. The pump may have stopped just after its last report, four days ago: the twin counts the hours without
     * therapy from then (URGENT), not from the report (a fresh stop, WATCH). In the simulator's
     * communicator-outage-stall 10 of 20 such stops were below the grade their true age called for before this.
     */
    @Test
    void a_stall_first_listed_by_a_report_after_a_gap_counts_from_the_pumps_previous_report() {
        PumpScenario pump = quietPump();

        TwinTransition back = pump.at(14.1, report(14.1, PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.STOPPED);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(10));
        assertThat(back.events()).filteredOn(e -> e.type() == TwinEventType.UNDERDOSE_RISK).singleElement()
                .satisfies(e -> assertThat(e.level()).isEqualTo(RiskLevel.URGENT));
        // the alarm itself is relayed as heard, at the report's time
        assertThat(back.events()).filteredOn(e -> e.type() == TwinEventType.PUMP_CRITICAL_ALARM).singleElement()
                .satisfies(e -> assertThat(e.evidence()).singleElement()
                        .satisfies(ev -> assertThat(ev.observedAt()).isEqualTo(PumpScenario.day(14.1))));
    }

    /**
     * The patient heard the pump's alarm and called; the clinic's rotor study finds the rotor still. The study says the
     * pump is stopped, not since when: at the earliest since its last report, four days ago (URGENT).
     */
    @Test
    void a_stall_found_by_a_rotor_study_after_a_gap_counts_from_the_pumps_previous_report() {
        PumpScenario pump = quietPump();

        pump.at(14.1, new CatheterCheck(CatheterCheckMethod.ROTOR_STUDY, CatheterCheckResult.FAULT_FOUND, null));

        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.STOPPED);
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(10));
        assertThat(pump.twin().assess().underdose().level()).isEqualTo(RiskLevel.URGENT);
    }

    /** Reporting every 15 minutes, a stall first listed by a report is dated at most 15 minutes early. */
    @Test
    void between_two_reports_a_quarter_of_an_hour_apart_the_stop_is_dated_by_the_earlier() {
        PumpScenario pump = new PumpScenario("BKL-4");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        double quarter = 15.0 / 1440;
        for (int k = 1; k <= 8; k++) {
            pump.at(1 + k * quarter, report(1 + k * quarter));
        }
        pump.at(1 + 9 * quarter, report(1 + 9 * quarter, PumpAlarmKind.MOTOR_STALL));

        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(1 + 8 * quarter));
        assertThat(pump.twin().assess().underdose().level()).isNotEqualTo(RiskLevel.URGENT);
    }

    /** Telemetry in order, the twin not moved on past it, is dated by its own time as before. */
    @Test
    void telemetry_in_order_is_dated_by_its_own_time() {
        PumpScenario pump = new PumpScenario("BKL-2");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        pump.at(1, report(1));
        pump.at(1.5, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL));
        assertThat(pump.twin().delivery().since()).isEqualTo(PumpScenario.day(1.5));
        assertThat(pump.twin().asOf()).isEqualTo(PumpScenario.day(1.5));
        assertThat(pump.raised()).filteredOn(e -> e.type() == TwinEventType.PUMP_CRITICAL_ALARM)
                .flatExtracting(TwinEvent::evidence).extracting(Evidence::detail)
                .noneMatch(d -> d.contains("received late"));
    }
}
