package io.pumptwin.twin;

import io.pumptwin.twin.evidence.Evidence;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.ExplantRetractionReason;
import io.pumptwin.twin.telemetry.InfusionMode;
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

import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A pump recorded as explanted that keeps delivering its programme looks implanted: the retired twin doubts the
 * explant (EXPLANT_DOUBTED, WATCH), once, on event time, and the doubt clears when the clinic retracts the explant.
 * A pump read on the bench, stopped or at the minimum rate, or read within a day of the explant, raises nothing.
 */
class ExplantDoubtTest {

    /** 0.25 mL/day from a 20 mL fill, reporting daily to day 40; its explant recorded at day 40.5. */
    private static PumpScenario pump() {
        PumpScenario pump = new PumpScenario("DBT-1");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 1; day <= 40; day++) {
            pump.at(day, report(day));
        }
        return pump;
    }

    private static StatusReport report(double day) {
        return StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 80);
    }

    private static TelemetryEvent explant(PumpScenario pump) {
        TelemetryEvent explant = pump.event(40.5, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "DBT-9"));
        pump.apply(explant);
        assertThat(pump.twin().explant()).isNotNull();
        return explant;
    }

    @Test
    void a_pump_that_keeps_delivering_a_day_after_its_explant_puts_the_explant_in_doubt_once() {
        PumpScenario pump = pump();
        TelemetryEvent explant = explant(pump);

        // Read at the operation and the night after: still its programme, and no doubt yet.
        assertThat(pump.at(41, report(41)).events()).isEmpty();
        assertThat(pump.at(41.5, report(41.5)).events()).as("exactly a day on").isEmpty();

        TelemetryEvent dayOn = pump.event(42, report(42));
        TwinTransition doubted = pump.apply(dayOn);

        assertThat(doubted.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.EXPLANT_DOUBTED);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.level()).isEqualTo(RiskLevel.WATCH);
            assertThat(e.eventTime()).isEqualTo(PumpScenario.day(42));
            assertThat(e.sourceEventId()).isEqualTo(dayOn.eventId());
            assertThat(e.headline()).contains("recorded as explanted " + PumpScenario.day(40.5))
                    .contains("reports delivery since").contains("0.5 mL less").contains("send a correction");
            assertThat(e.evidence()).extracting(Evidence::kind)
                    .containsOnly(EvidenceKind.PUMP_EXPLANTED);
            assertThat(e.evidence()).extracting(Evidence::sourceEventId)
                    .containsExactly(explant.eventId(), dayOn.eventId());
        });
        assertThat(pump.twin().conditions()).containsOnlyKeys(TwinEventType.EXPLANT_DOUBTED);
        assertThat(pump.twin().explant()).as("still retired: the doubt is for the clinic to settle").isNotNull();

        // Raised once: further reports raise nothing more; the twin follows the pump as in a patient, though, and
        // its refill, battery and silence alerts wait for the clinic's retraction.
        for (int day = 43; day <= 60; day++) {
            assertThat(pump.at(day, report(day)).events()).as("day " + day).isEmpty();
        }
        assertThat(pump.twin().asOf()).isEqualTo(PumpScenario.day(60));
        assertThat(pump.raised()).filteredOn(e -> e.type() == TwinEventType.EXPLANT_DOUBTED).hasSize(1);
    }

    /**
     * A pump whose explant is in doubt is in a patient as far as the twin can tell, and nobody will call that patient
     * in to refill it: when its reservoir runs dry the twin raises the underdose risk as for an implanted pump, and
     * nothing else (the refill alerts wait for the retraction, or for the clinic's own refill).
     */
    @Test
    void a_pump_in_doubt_that_runs_dry_raises_the_underdose_risk_and_nothing_else() {
        PumpScenario pump = pump();
        explant(pump);
        pump.at(42, report(42));
        assertThat(pump.twin().followedWhileRetired()).isTrue();

        // 20 mL at 0.25 mL/day from day 0: empty by day 80 (the pump went quiet after day 50).
        for (int day = 43; day <= 50; day++) {
            pump.at(day, report(day));
        }
        TwinTransition dry = pump.advance(90);

        assertThat(dry.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.UNDERDOSE_RISK);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.level()).isEqualTo(RiskLevel.URGENT);
            assertThat(e.evidence()).extracting(Evidence::kind).contains(EvidenceKind.RESERVOIR_EMPTY);
        });
        assertThat(pump.twin().conditions()).containsOnlyKeys(TwinEventType.EXPLANT_DOUBTED,
                TwinEventType.UNDERDOSE_RISK);
        assertThat(pump.twin().explant()).isNotNull();
    }

    /**
     * Too much baclofen is as dangerous as too little (DOMAIN.md): a pump in doubt is in a patient as far as the twin
     * can tell, so signs of overdose from that patient raise the overdose risk as they would for an implanted pump.
     * Before, a doubted twin worked the risk out to URGENT and raised nothing: only a retraction would have let it.
     */
    @Test
    void signs_of_overdose_from_the_patient_of_a_pump_in_doubt_raise_the_overdose_risk() {
        PumpScenario pump = pump();
        explant(pump);
        pump.at(42, report(42));
        assertThat(pump.twin().followedWhileRetired()).isTrue();

        TwinTransition signs = pump.at(43, SymptomReport.of(Symptom.DROWSINESS, Symptom.DIZZINESS,
                Symptom.RESPIRATORY_DEPRESSION));

        assertThat(signs.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.OVERDOSE_RISK);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.level()).isEqualTo(RiskLevel.URGENT);
        });
        assertThat(pump.twin().conditions()).containsOnlyKeys(TwinEventType.EXPLANT_DOUBTED,
                TwinEventType.OVERDOSE_RISK);
        assertThat(pump.twin().explant()).isNotNull();
    }

    /** The same signs reported for a pump the twin takes as out of its patient raise nothing: it follows nobody. */
    @Test
    void signs_of_overdose_reported_against_a_retired_twin_not_in_doubt_raise_nothing() {
        PumpScenario pump = pump();
        explant(pump);

        assertThat(pump.at(41.2, SymptomReport.of(Symptom.DROWSINESS, Symptom.DIZZINESS,
                Symptom.RESPIRATORY_DEPRESSION)).events()).isEmpty();
        assertThat(pump.twin().conditions()).isEmpty();
    }

    @Test
    void a_retired_twin_that_does_not_doubt_its_explant_does_not_follow_its_pump() {
        PumpScenario pump = pump();
        explant(pump);
        assertThat(pump.twin().followedWhileRetired()).isFalse();
        assertThat(pump.advance(120).events()).as("run dry on paper").isEmpty();
        assertThat(pump.twin().asOf()).isEqualTo(PumpScenario.day(40.5));
    }

    @Test
    void the_retraction_clears_the_doubt_and_the_twin_is_monitored_again() {
        PumpScenario pump = pump();
        TelemetryEvent explant = explant(pump);
        pump.at(42, report(42));
        assertThat(pump.twin().conditions()).containsKey(TwinEventType.EXPLANT_DOUBTED);

        TwinTransition back = pump.at(42.2, new PumpExplantRetraction(explant.eventId(),
                ExplantRetractionReason.WRONG_SERIAL));

        assertThat(back.events()).filteredOn(e -> e.type() == TwinEventType.EXPLANT_DOUBTED).singleElement()
                .satisfies(e -> assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED));
        assertThat(pump.twin().conditions()).doesNotContainKey(TwinEventType.EXPLANT_DOUBTED);
        assertThat(pump.twin().explant()).isNull();
        // Implanted again, the twin never raises the doubt, however it reports.
        for (int day = 43; day <= 50; day++) {
            assertThat(pump.at(day, report(day)).events())
                    .noneSatisfy(e -> assertThat(e.type()).isEqualTo(TwinEventType.EXPLANT_DOUBTED));
        }
    }

    /**
     * The clinic answers the doubt by recording the explant again: the pump is out, and the twin stops following it.
     * The doubt and the underdose risk it followed clear, saying why, and the projected reservoir running on raises
     * nothing more.
     */
    @Test
    void the_explant_recorded_again_after_the_doubt_settles_it_and_the_twin_stops_following_the_pump() {
        PumpScenario pump = pump();
        explant(pump);
        for (int day = 41; day <= 50; day++) {
            pump.at(day, report(day));
        }
        pump.advance(90);
        assertThat(pump.twin().conditions()).containsOnlyKeys(TwinEventType.EXPLANT_DOUBTED,
                TwinEventType.UNDERDOSE_RISK);

        TelemetryEvent again = pump.event(91, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "DBT-9"),
                TelemetrySource.CLINICIAN_PROGRAMMER);
        TwinTransition settled = pump.apply(again);

        assertThat(settled.events()).extracting(TwinEvent::type).containsExactly(TwinEventType.EXPLANT_DOUBTED,
                TwinEventType.UNDERDOSE_RISK);
        assertThat(settled.events()).allSatisfy(e -> {
            assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED);
            assertThat(e.sourceEventId()).isEqualTo(again.eventId());
            assertThat(e.headline()).contains("pump explanted " + PumpScenario.day(91)).contains("no longer monitored");
        });
        assertThat(settled.events().get(0).headline()).contains("recorded the explant again after the doubt");
        assertThat(pump.twin().conditions()).isEmpty();
        assertThat(pump.twin().followedWhileRetired()).isFalse();
        assertThat(pump.twin().explant().sourceEventId()).isEqualTo(again.eventId());
        assertThat(pump.twin().explant().explantedAt()).isEqualTo(PumpScenario.day(91));

        assertThat(pump.advance(150).events()).as("a pump in a drawer: nothing to follow").isEmpty();
        assertThat(pump.at(151, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "DBT-9")).events())
                .as("a third record is history").isEmpty();
    }

    /** Recorded again, the explant is contradicted again by a pump that keeps delivering in a patient's home. */
    @Test
    void a_pump_that_keeps_delivering_after_the_explant_was_recorded_again_is_doubted_again() {
        PumpScenario pump = pump();
        explant(pump);
        pump.at(41, report(41));
        pump.at(42, report(42));
        pump.at(43, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "DBT-9"),
                TelemetrySource.CLINICIAN_PROGRAMMER);
        assertThat(pump.twin().conditions()).isEmpty();

        assertThat(pump.at(44, report(44)).events()).as("exactly a day on").isEmpty();
        assertThat(pump.at(45, report(45)).events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.EXPLANT_DOUBTED);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.headline()).contains("recorded as explanted " + PumpScenario.day(43));
        });
        assertThat(pump.twin().followedWhileRetired()).isTrue();
    }

    /** An explant record from before the doubt (another clinic system's, arriving late) does not answer it. */
    @Test
    void an_explant_record_from_before_the_doubt_leaves_the_doubt_standing() {
        PumpScenario pump = pump();
        TelemetryEvent first = explant(pump);
        pump.at(41, report(41));
        pump.at(42, report(42));

        TwinTransition late = pump.at(40.6, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "DBT-9"),
                TelemetrySource.CLINICIAN_PROGRAMMER);

        assertThat(late.events()).isEmpty();
        assertThat(pump.twin().followedWhileRetired()).isTrue();
        assertThat(pump.twin().explant().sourceEventId()).isEqualTo(first.eventId());
    }

    @Test
    void a_pump_on_the_bench_that_does_not_deliver_raises_nothing() {
        PumpScenario pump = pump();
        explant(pump);

        // Stopped to the minimum rate, a critical alarm that stops delivery (read by the clinic's programmer: a pump
        // on the bench; the same alarm from a patient's home is relayed, CriticalAlarmAfterExplantTest), a reservoir
        // figure that does not fall.
        assertThat(pump.at(43, new StatusReport(9.25, 20, 2.0, 2000, 500, InfusionMode.MINIMUM_RATE, 80, null,
                Set.of())).events()).isEmpty();
        assertThat(pump.at(44, new StatusReport(9.0, 20, 2.0, 2000, 500, InfusionMode.SIMPLE_CONTINUOUS, 80, null,
                Set.of(PumpAlarmKind.MOTOR_STALL)), TelemetrySource.CLINICIAN_PROGRAMMER).events()).isEmpty();
        assertThat(pump.at(45, StatusReport.of(10.0, 20, 2.0, 2000, 500, 80)).events()).isEmpty();
        assertThat(pump.twin().conditions()).isEmpty();
    }

    @Test
    void a_pump_still_running_on_the_bench_read_by_the_clinics_programmer_is_not_doubted() {
        PumpScenario pump = pump();
        explant(pump);

        // Taken out but not stopped: its own count keeps falling, read at the clinic days later.
        for (int day = 42; day <= 45; day++) {
            assertThat(pump.at(day, report(day), TelemetrySource.CLINICIAN_PROGRAMMER).events()).as("day " + day)
                    .isEmpty();
        }
        assertThat(pump.twin().conditions()).isEmpty();
    }

    @Test
    void an_explant_recorded_before_the_pumps_first_report_is_doubted_from_its_reports_after_it() {
        PumpScenario pump = new PumpScenario("DBT-2");
        pump.at(0, RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        pump.at(0.5, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, null), TelemetrySource.CLINICIAN_PROGRAMMER);
        assertThat(pump.twin().pumpComputedMl()).as("no report before the explant").isNull();

        assertThat(pump.at(1, report(1)).events()).as("the first report after it: a baseline").isEmpty();
        TwinTransition doubted = pump.at(2, report(2));

        assertThat(doubted.events()).singleElement().satisfies(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.EXPLANT_DOUBTED);
            assertThat(e.headline()).contains("reports delivery since").contains("0.3 mL less");
        });
    }
}
