package io.pumptwin.twin;

import io.pumptwin.twin.delivery.DeliveryStatus;
import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.ExplantRetractionReason;
import io.pumptwin.twin.telemetry.InfusionMode;
import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.PumpExplantRetraction;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import org.junit.jupiter.api.Test;

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pump recorded as explanted against the wrong serial stays in its patient; when it then stops delivering (motor
 * stall, end of service, a reset) its reports show no delivery, so the explant is never doubted from them, and the
 * retired twin used to take its critical alarm as history: nobody was told while the patient went into withdrawal. A
 * critical alarm from the patient's home a day or more after the explant is relayed, and puts the explant in doubt;
 * the same alarm read on the clinic's bench, or within a day of the explant, is history.
 */
class CriticalAlarmAfterExplantTest {

    /** 0.25 mL/day at 500 mcg/day from a 20 mL fill, reporting daily to day 40; its explant recorded at day 40.5. */
    private static PumpScenario explanted() {
        PumpScenario pump = new PumpScenario("CAX-1");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 1; day <= 40; day++) {
            pump.at(day, report(day, Set.of()), TelemetrySource.HOME_COMMUNICATOR);
        }
        pump.at(40.5, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, null), TelemetrySource.CLINICIAN_PROGRAMMER);
        assertThat(pump.twin().explant()).isNotNull();
        assertThat(pump.twin().conditions()).isEmpty();
        return pump;
    }

    private static StatusReport report(double day, Set<PumpAlarmKind> alarms) {
        return new StatusReport(20 - day * 0.25, 20, 2.0, 2000, 500, InfusionMode.SIMPLE_CONTINUOUS, 80, null, alarms);
    }

    @Test
    void a_motor_stall_from_the_patients_home_days_after_the_explant_is_relayed_and_doubts_the_explant() {
        PumpScenario pump = explanted();
        TelemetryEvent stall = pump.event(43, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL), TelemetrySource.HOME_COMMUNICATOR);

        TwinTransition relayed = pump.apply(stall);

        // The alarm, the doubt, and (the twin now following the pump as in a patient) the stop's underdose risk.
        assertThat(relayed.events()).extracting(TwinEvent::type).containsExactly(TwinEventType.PUMP_CRITICAL_ALARM,
                TwinEventType.EXPLANT_DOUBTED, TwinEventType.UNDERDOSE_RISK);
        assertThat(relayed.events().get(0)).satisfies(e -> {
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.level()).as("a stall stops therapy").isEqualTo(RiskLevel.URGENT);
            assertThat(e.eventTime()).isEqualTo(PumpScenario.day(43));
            assertThat(e.sourceEventId()).isEqualTo(stall.eventId());
            assertThat(e.headline()).contains("MOTOR_STALL")
                    .contains("recorded as explanted " + PumpScenario.day(40.5)).contains("therapy may have stopped");
        });
        assertThat(relayed.events().get(1)).satisfies(e -> {
            assertThat(e.level()).isEqualTo(RiskLevel.WATCH);
            assertThat(e.headline()).contains("raised critical alarms [MOTOR_STALL]").contains("retract the explant");
            assertThat(e.evidence()).extracting(Evidence::kind)
                    .containsExactly(EvidenceKind.PUMP_EXPLANTED, EvidenceKind.PUMP_ALARM);
            assertThat(e.evidence().get(1).sourceEventId()).isEqualTo(stall.eventId());
        });
        PumpTwin twin = pump.twin();
        assertThat(twin.explant()).as("the clinic settles the record").isNotNull();
        assertThat(relayed.events().get(2).evidence()).extracting(Evidence::kind)
                .contains(EvidenceKind.MOTOR_STALL);
        assertThat(twin.conditions()).containsOnlyKeys(TwinEventType.PUMP_CRITICAL_ALARM, TwinEventType.EXPLANT_DOUBTED,
                TwinEventType.UNDERDOSE_RISK);
        assertThat(twin.followedWhileRetired()).isTrue();
        assertThat(twin.activeCriticalAlarms()).containsExactly(PumpAlarmKind.MOTOR_STALL);
        assertThat(twin.delivery().cause()).isEqualTo(InterruptionCause.MOTOR_STALL);

        // The same stall again: nothing new. A report a day on that still lists it: the stop has lasted a day.
        assertThat(pump.at(43.2, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL), TelemetrySource.HOME_COMMUNICATOR).events())
                .isEmpty();
        assertThat(pump.at(44, report(43, Set.of(PumpAlarmKind.MOTOR_STALL)), TelemetrySource.HOME_COMMUNICATOR)
                .events()).singleElement().satisfies(e -> {
                    assertThat(e.type()).isEqualTo(TwinEventType.UNDERDOSE_RISK);
                    assertThat(e.transition()).isEqualTo(TwinEventTransition.UPDATED);
                    assertThat(e.level()).isEqualTo(RiskLevel.URGENT);
                });

        // The pump recovers: the alarm clears as on an implanted pump; the doubt stays for the clinic.
        TwinTransition recovered = pump.at(45, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL_RECOVERED),
                TelemetrySource.HOME_COMMUNICATOR);
        assertThat(recovered.events()).filteredOn(e -> e.type() == TwinEventType.PUMP_CRITICAL_ALARM).singleElement()
                .satisfies(e -> {
                    assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED);
                    assertThat(e.headline()).isEqualTo("PUMP_CRITICAL_ALARM cleared");
                });
        assertThat(pump.twin().conditions()).doesNotContainKey(TwinEventType.PUMP_CRITICAL_ALARM)
                .containsKey(TwinEventType.EXPLANT_DOUBTED);
        assertThat(pump.twin().delivery().status()).isEqualTo(DeliveryStatus.DELIVERING);
    }

    @Test
    void end_of_service_listed_in_a_status_report_is_relayed_and_clears_when_no_longer_listed() {
        PumpScenario pump = explanted();

        TwinTransition eos = pump.at(42, report(41, Set.of(PumpAlarmKind.END_OF_SERVICE)),
                TelemetrySource.HOME_COMMUNICATOR);

        assertThat(eos.events()).extracting(TwinEvent::type).containsExactly(TwinEventType.PUMP_CRITICAL_ALARM,
                TwinEventType.EXPLANT_DOUBTED, TwinEventType.UNDERDOSE_RISK);
        assertThat(eos.events().get(0).headline()).contains("END_OF_SERVICE").contains("active in status report");
        assertThat(pump.twin().battery().endOfServiceAt()).isEqualTo(PumpScenario.day(42));

        TwinTransition cleared = pump.at(43, report(41, Set.of()), TelemetrySource.HOME_COMMUNICATOR);
        assertThat(cleared.events()).filteredOn(e -> e.type() == TwinEventType.PUMP_CRITICAL_ALARM).singleElement()
                .satisfies(e -> assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED));
        assertThat(pump.twin().activeCriticalAlarms()).isEmpty();
    }

    @Test
    void an_alarm_read_on_the_bench_or_within_a_day_of_the_explant_is_history() {
        PumpScenario pump = explanted();

        // Read at the operation and the morning after, from home: the pump's last hours in the patient.
        assertThat(pump.at(40.6, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL), TelemetrySource.HOME_COMMUNICATOR)
                .events()).isEmpty();
        assertThat(pump.at(41.5, PumpAlarm.of(PumpAlarmKind.MEMORY_RESET), TelemetrySource.HOME_COMMUNICATOR)
                .events()).as("exactly a day on").isEmpty();
        // On the clinic's bench days later, by its programmer.
        assertThat(pump.at(44, PumpAlarm.of(PumpAlarmKind.END_OF_SERVICE), TelemetrySource.CLINICIAN_PROGRAMMER)
                .events()).isEmpty();
        assertThat(pump.at(45, report(41, Set.of(PumpAlarmKind.LOW_BATTERY_RESET)),
                TelemetrySource.CLINICIAN_PROGRAMMER).events()).isEmpty();
        // A non-critical alarm from home raises nothing either.
        assertThat(pump.at(46, PumpAlarm.of(PumpAlarmKind.LOW_RESERVOIR), TelemetrySource.HOME_COMMUNICATOR)
                .events()).isEmpty();

        assertThat(pump.twin().conditions()).isEmpty();
        assertThat(pump.raised()).noneSatisfy(e -> assertThat(e.type()).isEqualTo(TwinEventType.PUMP_CRITICAL_ALARM));
    }

    @Test
    void an_explant_already_in_doubt_gets_the_alarm_and_its_risk_without_a_second_doubt() {
        PumpScenario pump = explanted();
        pump.at(42, report(42, Set.of()), TelemetrySource.HOME_COMMUNICATOR);
        assertThat(pump.twin().conditions()).containsOnlyKeys(TwinEventType.EXPLANT_DOUBTED);

        TwinTransition reset = pump.at(43, PumpAlarm.of(PumpAlarmKind.LOW_BATTERY_RESET),
                TelemetrySource.HOME_COMMUNICATOR);

        assertThat(reset.events()).extracting(TwinEvent::type)
                .containsExactly(TwinEventType.PUMP_CRITICAL_ALARM, TwinEventType.UNDERDOSE_RISK);
        assertThat(reset.events().get(0).level()).isEqualTo(RiskLevel.URGENT);
        assertThat(reset.events().get(0).headline()).contains("recorded as explanted");
        assertThat(pump.raised()).filteredOn(e -> e.type() == TwinEventType.EXPLANT_DOUBTED).hasSize(1);
    }

    @Test
    void the_retraction_takes_the_stalled_pump_up_again_with_its_alarm_open_and_the_stop_counted() {
        PumpScenario pump = explanted();
        pump.at(43, PumpAlarm.of(PumpAlarmKind.MOTOR_STALL), TelemetrySource.HOME_COMMUNICATOR);
        String explantId = pump.twin().explant().sourceEventId();

        TwinTransition back = pump.at(44, new PumpExplantRetraction(explantId, ExplantRetractionReason.WRONG_SERIAL),
                TelemetrySource.CLINICIAN_PROGRAMMER);

        assertThat(pump.twin().explant()).isNull();
        assertThat(back.events()).filteredOn(e -> e.type() == TwinEventType.EXPLANT_DOUBTED).singleElement()
                .satisfies(e -> assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED));
        assertThat(back.events()).noneSatisfy(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.PUMP_CRITICAL_ALARM);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED);
        });
        // The stall since day 43 is the twin's: a day without therapy at 500 mcg/day is an underdose risk.
        assertThat(pump.twin().conditions()).containsKeys(TwinEventType.PUMP_CRITICAL_ALARM,
                TwinEventType.UNDERDOSE_RISK);
    }
}
