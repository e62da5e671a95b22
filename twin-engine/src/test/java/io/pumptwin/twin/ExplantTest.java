package io.pumptwin.twin;

import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;
import io.pumptwin.twin.telemetry.SymptomReporter;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clinic's explant retires the twin: what was open closes with the explant as its reason, and nothing the pump or
 * its projections say afterwards raises anything (a pump replaced after its ERI went silent, and its projected
 * reservoir raised refill alerts weeks later: bench detection scorecard, battery-advisory, issue 6).
 */
class ExplantTest {

    @Test
    void the_explant_clears_every_open_condition_saying_why() {
        PumpScenario pump = PumpScenario.dueForReplacement("EXP-1");
        Set<TwinEventType> open = pump.openTypes();
        assertThat(open).contains(TwinEventType.BATTERY_ERI, TwinEventType.REFILL_DUE, TwinEventType.PUMP_SILENT);

        TwinTransition explanted = pump.at(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "EXP-2"));

        assertThat(explanted.events()).extracting(TwinEvent::type).containsExactlyInAnyOrderElementsOf(open);
        assertThat(explanted.events()).allSatisfy(e -> {
            assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED);
            assertThat(e.headline()).contains("explanted").contains("ELECTIVE_REPLACEMENT")
                    .contains("replaced by EXP-2");
            assertThat(e.evidence()).singleElement().satisfies(ev -> {
                assertThat(ev.kind()).isEqualTo(EvidenceKind.PUMP_EXPLANTED);
                assertThat(ev.sourceEventId()).isEqualTo("EXP-1-e" + pump.twin().lastSequence());
            });
        });
        PumpTwin twin = pump.twin();
        assertThat(twin.conditions()).isEmpty();
        assertThat(twin.explant()).isEqualTo(new Explant(PumpScenario.day(66.2), ExplantReason.ELECTIVE_REPLACEMENT,
                "EXP-2", "EXP-1-e" + twin.lastSequence()));
    }

    /** Months pass: the reservoir would run dry, the battery reach end of service, the pump stays silent. Nothing. */
    @Test
    void a_retired_twin_raises_nothing_as_time_passes() {
        PumpScenario pump = PumpScenario.dueForReplacement("EXP-1");
        pump.at(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, null));
        PumpTwin retired = pump.twin();
        int before = pump.raised().size();

        for (int day = 70; day <= 400; day += 10) {
            assertThat(pump.advance(day).events()).as("day " + day).isEmpty();
        }
        assertThat(pump.raised()).hasSize(before);
        assertThat(pump.twin()).isEqualTo(retired);
    }

    /**
     * Telemetry after the explant (a store-and-forward upload from before it, a pump read on the bench after it by the
     * clinic's programmer) is history only: remembered, so a redelivery is still a duplicate, and nothing else: not a stall alarm, not
     * withdrawal signs, not a report that the pump is heard again.
     */
    @Test
    void telemetry_after_the_explant_is_history_only() {
        PumpScenario pump = PumpScenario.dueForReplacement("EXP-1");
        pump.at(66.2, new PumpExplant(ExplantReason.END_OF_SERVICE, "EXP-2"));
        PumpTwin retired = pump.twin();

        TelemetryEvent late = pump.event(65, StatusReport.of(4, 20, 2.0, 2000, 500, 4.0, PumpAlarmKind.MOTOR_STALL));
        TwinTransition history = pump.apply(late);
        TwinTransition alarm = pump.at(70, new PumpAlarm(PumpAlarmKind.END_OF_SERVICE, true, "on the bench"),
                TelemetrySource.CLINICIAN_PROGRAMMER);
        TwinTransition signs = pump.at(71, new SymptomReport(Set.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS,
                Symptom.FEVER), null, SymptomReporter.CAREGIVER, null));

        for (TwinTransition t : List.of(history, alarm, signs)) {
            assertThat(t.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
            assertThat(t.events()).isEmpty();
        }
        PumpTwin after = pump.twin();
        assertThat(after.eventsApplied()).isEqualTo(retired.eventsApplied() + 3);
        assertThat(after.recentEvents().lastIds(1)).containsExactly(signs.twin().recentEvents().lastIds(1).get(0));
        assertThat(after.asOf()).isEqualTo(retired.asOf());
        assertThat(after.lastHeardAt()).isEqualTo(retired.lastHeardAt());
        assertThat(after.reservoirAnchor()).isEqualTo(retired.reservoirAnchor());
        assertThat(after.delivery()).isEqualTo(retired.delivery());
        assertThat(after.activeCriticalAlarms()).isEqualTo(retired.activeCriticalAlarms());
        assertThat(after.recentSymptoms()).isEqualTo(retired.recentSymptoms());
        assertThat(after.conditions()).isEmpty();
        assertThat(after.explant()).isEqualTo(retired.explant());

        assertThat(pump.apply(late).outcome()).isEqualTo(TwinTransition.Outcome.DUPLICATE);
    }

    /** A second explant record (a correction, a duplicate from another system) changes nothing. */
    @Test
    void the_first_explant_stands() {
        PumpScenario pump = PumpScenario.dueForReplacement("EXP-1");
        pump.at(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "EXP-2"));
        Explant first = pump.twin().explant();

        TwinTransition second = pump.at(67, new PumpExplant(ExplantReason.INFECTION, null));

        assertThat(second.events()).isEmpty();
        assertThat(pump.twin().explant()).isEqualTo(first);
    }

    /** A pump the twin first hears of through its explant (its telemetry never reached this engine) is retired. */
    @Test
    void an_explant_as_the_first_word_of_a_pump_retires_a_twin_that_never_alerted() {
        PumpScenario pump = new PumpScenario("EXP-3");
        assertThat(pump.at(1, new PumpExplant(ExplantReason.THERAPY_DISCONTINUED, null)).events()).isEmpty();
        pump.at(2, StatusReport.of(1, 20, 2.0, 2000, 500, 1));
        assertThat(pump.advance(30).events()).isEmpty();
        assertThat(pump.raised()).isEmpty();
        assertThat(pump.twin().explant().reason()).isEqualTo(ExplantReason.THERAPY_DISCONTINUED);
    }
}
