package io.pumptwin.twin;

import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.ExplantRetractionReason;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.PumpExplantRetraction;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An explant recorded against the wrong serial silenced a live pump's alerts for good; the clinic's retraction of
 * that explant brings the twin back: the conditions its figures call for are raised again as of the retraction.
 */
class ExplantRetractionTest {

    private static Map<TwinEventType, RiskLevel> levels(PumpTwin twin) {
        return twin.conditions().values().stream()
                .collect(Collectors.toMap(ActiveCondition::type, ActiveCondition::level));
    }

    /** The explant recorded against this serial at day 66.2, and its event id. */
    private static String explantedInError(PumpScenario pump) {
        TelemetryEvent explant = pump.event(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "RET-9"));
        assertThat(pump.apply(explant).events()).isNotEmpty();
        assertThat(pump.twin().conditions()).isEmpty();
        return explant.eventId();
    }

    @Test
    void the_retraction_raises_again_what_the_twin_s_figures_call_for_as_of_now() {
        PumpScenario never = PumpScenario.dueForReplacement("RET-1");
        never.advance(69);
        Map<TwinEventType, RiskLevel> expected = levels(never.twin());
        assertThat(expected).containsKeys(TwinEventType.BATTERY_ERI, TwinEventType.REFILL_DUE,
                TwinEventType.PUMP_SILENT);

        PumpScenario pump = PumpScenario.dueForReplacement("RET-1");
        String explantId = explantedInError(pump);
        pump.advance(68);
        assertThat(pump.twin().conditions()).as("retired until the retraction").isEmpty();

        TwinTransition back = pump.at(69, new PumpExplantRetraction(explantId, ExplantRetractionReason.WRONG_SERIAL));

        assertThat(back.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
        assertThat(back.twin().explant()).isNull();
        assertThat(back.twin().asOf()).isEqualTo(PumpScenario.day(69));
        // Refill and battery as for the same pump never explanted; silent since the last record the twin took in,
        // the explant's own at 66.2 (2.8 d: WATCH), since what the pump sent while retired was not modelled.
        Map<TwinEventType, RiskLevel> now = levels(back.twin());
        assertThat(now).containsEntry(TwinEventType.REFILL_URGENT, expected.get(TwinEventType.REFILL_URGENT))
                .containsEntry(TwinEventType.BATTERY_ERI, expected.get(TwinEventType.BATTERY_ERI))
                .containsEntry(TwinEventType.PUMP_SILENT, RiskLevel.WATCH);
        assertThat(back.events()).extracting(TwinEvent::type).containsExactlyInAnyOrderElementsOf(now.keySet());
        assertThat(back.events()).allSatisfy(e -> {
            assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED);
            assertThat(e.sourceEventId()).isEqualTo("RET-1-e" + pump.twin().lastSequence());
        });
        // The reservoir projects on from the last fill: the same volume delivered as by the twin never explanted.
        assertThat(back.twin().reservoirAt(PumpScenario.day(69)).deliveredSinceFillMl())
                .isCloseTo(never.twin().reservoirAt(PumpScenario.day(69)).deliveredSinceFillMl(),
                        org.assertj.core.data.Offset.offset(1e-6));
    }

    @Test
    void a_reinstated_twin_is_monitored_again() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-1");
        String explantId = explantedInError(pump);
        pump.at(68.5, new PumpExplantRetraction(explantId, ExplantRetractionReason.ENTERED_IN_ERROR));
        assertThat(pump.openTypes()).contains(TwinEventType.PUMP_SILENT);
        int raisedBefore = pump.raised().size();

        // Its next report is modelled (heard again: the silence clears) and time moves its projections again.
        TwinTransition heard = pump.at(69, StatusReport.of(20 - 69 * 0.25, 20, 2.0, 2000, 500, 4.8));
        assertThat(heard.events()).anySatisfy(e -> {
            assertThat(e.type()).isEqualTo(TwinEventType.PUMP_SILENT);
            assertThat(e.transition()).isEqualTo(TwinEventTransition.CLEARED);
            assertThat(e.headline()).doesNotContain("explanted");
        });
        assertThat(pump.twin().lastHeardAt()).isEqualTo(PumpScenario.day(69));
        pump.advance(100);
        assertThat(pump.raised().subList(raisedBefore, pump.raised().size()))
                .as("raised after the retraction, as for any implanted pump")
                .anySatisfy(e -> assertThat(e.transition()).isEqualTo(TwinEventTransition.RAISED));
    }

    @Test
    void a_retraction_naming_another_explant_changes_nothing_but_is_remembered() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-1");
        explantedInError(pump);
        PumpTwin retired = pump.twin();

        TelemetryEvent other = pump.event(67, new PumpExplantRetraction("9d7c1b2a-0000-4000-8000-000000000001",
                ExplantRetractionReason.WRONG_SERIAL));
        TwinTransition t = pump.apply(other);

        assertThat(t.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
        assertThat(t.events()).isEmpty();
        assertThat(t.twin().explant()).isEqualTo(retired.explant());
        assertThat(t.twin().asOf()).isEqualTo(retired.asOf());
        assertThat(t.twin().eventsApplied()).isEqualTo(retired.eventsApplied() + 1);
        assertThat(pump.apply(other).outcome()).isEqualTo(TwinTransition.Outcome.DUPLICATE);
    }

    @Test
    void a_retraction_for_a_twin_that_holds_no_explant_changes_nothing_but_is_remembered() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-1");
        PumpTwin implanted = pump.twin();

        TelemetryEvent stray = pump.event(66.5, new PumpExplantRetraction("9d7c1b2a-0000-4000-8000-000000000002",
                ExplantRetractionReason.OTHER));
        TwinTransition t = pump.apply(stray);

        assertThat(t.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
        assertThat(t.events()).isEmpty();
        assertThat(t.twin().explant()).isNull();
        assertThat(t.twin().conditions()).isEqualTo(implanted.conditions());
        assertThat(t.twin().asOf()).isEqualTo(implanted.asOf());
        assertThat(t.twin().lastHeardAt()).isEqualTo(implanted.lastHeardAt());
        assertThat(t.twin().eventsApplied()).isEqualTo(implanted.eventsApplied() + 1);
        assertThat(pump.apply(stray).outcome()).isEqualTo(TwinTransition.Outcome.DUPLICATE);
    }

    @Test
    void a_duplicate_retraction_applies_once() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-1");
        String explantId = explantedInError(pump);
        TelemetryEvent retraction = pump.event(67, new PumpExplantRetraction(explantId,
                ExplantRetractionReason.WRONG_SERIAL));
        TwinTransition first = pump.apply(retraction);
        assertThat(first.events()).isNotEmpty();
        PumpTwin reinstated = pump.twin();

        TwinTransition again = pump.apply(retraction);
        assertThat(again.outcome()).isEqualTo(TwinTransition.Outcome.DUPLICATE);
        assertThat(again.events()).isEmpty();
        assertThat(pump.twin()).isEqualTo(reinstated);

        // The same retraction sent again under a new id (a second clinic system) finds no explant: nothing.
        TwinTransition resent = pump.at(67.1, new PumpExplantRetraction(explantId,
                ExplantRetractionReason.WRONG_SERIAL));
        assertThat(resent.events()).isEmpty();
        assertThat(pump.twin().conditions()).isEqualTo(reinstated.conditions());
    }

    /**
     * The clinic refilled the pump while the wrong explant stood: the refill is in the twin's figures (and nothing is
     * raised while it is retired), so the twin reinstated by the retraction projects from the new fill, as the twin of
     * the same pump never explanted does, and calls for no refill (taken in as history only, the refill was lost and
     * the reinstated twin projected the old fill to empty: refill-urgent and underdose alerts on a pump just refilled,
     * bench detection scorecard, wrong-serial-explant).
     */
    @Test
    void a_refill_while_wrongly_retired_is_in_the_figures_of_the_reinstated_twin() {
        PumpScenario never = PumpScenario.dueForReplacement("RET-6");
        never.at(67, io.pumptwin.twin.telemetry.RefillVisit.routine(3.4, 3.4, 20, 20, 2000, 500));
        never.advance(69);
        PumpScenario pump = PumpScenario.dueForReplacement("RET-6");
        String explantId = explantedInError(pump);

        TwinTransition refill = pump.at(67, io.pumptwin.twin.telemetry.RefillVisit.routine(3.4, 3.4, 20, 20, 2000,
                500));
        assertThat(refill.events()).as("retired: nothing raised").isEmpty();
        assertThat(refill.twin().explant()).isNotNull();
        assertThat(refill.twin().fill().filledAt()).isEqualTo(PumpScenario.day(67));
        TwinTransition back = pump.at(69, new PumpExplantRetraction(explantId, ExplantRetractionReason.WRONG_SERIAL));

        assertThat(back.twin().reservoirAt(PumpScenario.day(69)).expectedVolumeMl())
                .isCloseTo(never.twin().reservoirAt(PumpScenario.day(69)).expectedVolumeMl(),
                        org.assertj.core.data.Offset.offset(1e-6))
                .isGreaterThan(19);
        assertThat(back.twin().conditions()).doesNotContainKeys(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT,
                TwinEventType.UNDERDOSE_RISK);
        assertThat(levels(back.twin())).containsEntry(TwinEventType.BATTERY_ERI,
                levels(never.twin()).get(TwinEventType.BATTERY_ERI));
    }

    /**
     * A pump refilled under a wrong explant is still doubted by its reports: they are compared with the volume filled,
     * not with the old fill's count before the explant, which a freshly filled pump never falls below.
     */
    @Test
    void reports_after_a_refill_under_a_wrong_explant_still_put_it_in_doubt() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-7");
        explantedInError(pump);
        pump.at(66.5, io.pumptwin.twin.telemetry.RefillVisit.routine(3.4, 3.4, 20, 20, 2000, 500));

        TwinTransition report = pump.at(67.5, StatusReport.of(20 - 0.25, 20, 2.0, 2000, 500, 4.8));

        assertThat(report.events()).extracting(TwinEvent::type).containsExactly(TwinEventType.EXPLANT_DOUBTED);
    }

    /**
     * The retraction overtook its explant (recorded by two clinic systems, or the explant held up longer than the
     * reorder window): the explant, arriving after it, must not retire a twin whose pump is in the patient, who would
     * otherwise get no refill, battery or withdrawal alert again.
     */
    @Test
    void an_explant_arriving_after_its_retraction_does_not_retire_the_twin() {
        PumpScenario never = PumpScenario.dueForReplacement("RET-3");
        never.advance(69);
        PumpScenario pump = PumpScenario.dueForReplacement("RET-3");
        TelemetryEvent explant = pump.event(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "RET-9"));
        TelemetryEvent retraction = pump.event(66.3, new PumpExplantRetraction(explant.eventId(),
                ExplantRetractionReason.WRONG_SERIAL));
        PumpTwin before = pump.twin();

        TwinTransition early = pump.apply(retraction);
        assertThat(early.events()).isEmpty();
        assertThat(early.twin().retractedExplants()).containsExactly(explant.eventId());
        TwinTransition late = pump.apply(explant);

        assertThat(late.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
        assertThat(late.events()).as("nothing cleared as explanted").isEmpty();
        assertThat(late.twin().explant()).isNull();
        assertThat(late.twin().conditions()).isEqualTo(before.conditions()).isNotEmpty();
        assertThat(late.twin().eventsApplied()).isEqualTo(before.eventsApplied() + 2);
        assertThat(pump.apply(explant).outcome()).isEqualTo(TwinTransition.Outcome.DUPLICATE);
        // and it goes on as the twin of the same pump never explanted
        pump.advance(69);
        assertThat(levels(pump.twin())).isEqualTo(levels(never.twin())).isNotEmpty();

        // a later explant of this serial, one never retracted, still retires it
        TwinTransition real = pump.at(70, new PumpExplant(ExplantReason.END_OF_SERVICE, null));
        assertThat(real.twin().explant()).isNotNull();
        assertThat(real.twin().conditions()).isEmpty();
    }

    /**
     * Once retracted, an explant never retires the twin again, even delivered again when the de-duplication memory
     * has long forgotten it (a redelivery from the clinic system's outbox, a replay of its records).
     */
    @Test
    void an_explant_redelivered_after_the_twin_was_reinstated_does_not_retire_it_again() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-4");
        TelemetryEvent explant = pump.event(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "RET-9"));
        pump.apply(explant);
        pump.at(66.5, new PumpExplantRetraction(explant.eventId(), ExplantRetractionReason.WRONG_SERIAL));
        assertThat(pump.twin().explant()).isNull();
        int memory = pump.twin().recentEvents().limit();
        for (int k = 0; k <= memory; k++) {
            double day = 67 + k / 96.0;
            pump.at(day, StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 4.8));
        }
        assertThat(pump.twin().recentEvents().seen(explant)).as("forgotten by the de-duplication memory").isFalse();

        TwinTransition again = pump.apply(explant);

        assertThat(again.outcome()).isEqualTo(TwinTransition.Outcome.APPLIED);
        assertThat(again.twin().explant()).isNull();
        assertThat(again.events()).isEmpty();
    }

    /** The ids kept are bounded: the newest {@link PumpTwin#RETRACTIONS_KEPT}, so a twin cannot grow without end. */
    @Test
    void the_newest_retracted_explants_are_kept() {
        PumpScenario pump = PumpScenario.dueForReplacement("RET-5");
        java.util.List<String> named = new java.util.ArrayList<>();
        for (int k = 0; k < PumpTwin.RETRACTIONS_KEPT + 2; k++) {
            String id = "9d7c1b2a-0000-4000-8000-00000000001" + k;
            named.add(id);
            pump.at(66.3 + k * 0.01, new PumpExplantRetraction(id, ExplantRetractionReason.OTHER));
        }
        // the same id named twice is kept once
        pump.at(66.4, new PumpExplantRetraction(named.get(named.size() - 1), ExplantRetractionReason.OTHER));

        assertThat(pump.twin().retractedExplants())
                .containsExactlyElementsOf(named.subList(2, named.size()));
    }

    /**
     * A pump that kept reporting while wrongly recorded as explanted is not silent when the explant is retracted: its
     * reports, taken in as history only, were still heard.
     */
    @Test
    void a_pump_that_kept_reporting_under_a_wrong_explant_is_not_silent_when_it_is_retracted() {
        PumpScenario pump = new PumpScenario("RET-2");
        pump.at(0, io.pumptwin.twin.telemetry.RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 0; day <= 66; day++) {
            pump.at(day, StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 60));
        }
        TelemetryEvent explant = pump.event(66.2, new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "RET-9"));
        pump.apply(explant);
        for (int day = 67; day <= 69; day++) {
            pump.at(day, StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 60));
        }

        pump.at(69.5, new PumpExplantRetraction(explant.eventId(), ExplantRetractionReason.WRONG_SERIAL));

        assertThat(pump.twin().explant()).isNull();
        assertThat(pump.twin().lastHeardAt()).isEqualTo(PumpScenario.day(69));
        assertThat(pump.openTypes()).doesNotContain(TwinEventType.PUMP_SILENT, TwinEventType.EXPLANT_DOUBTED);
    }
}
