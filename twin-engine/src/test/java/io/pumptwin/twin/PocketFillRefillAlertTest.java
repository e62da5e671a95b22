package io.pumptwin.twin;

import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.telemetry.RefillVisit;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.SymptomReport;
import io.pumptwin.twin.telemetry.SymptomReporter;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Refill alerts after a suspected pocket fill (issue 6). The reservoir then holds anything from nothing to the fill,
 * and the overdose alert already calls for the patient to be assessed; a clinician who sees a pocket-fill overdose
 * empties and refills the reservoir. The refill alerts wait a day for that answer, and go out if the fill is still
 * unmeasured after it.
 */
class PocketFillRefillAlertTest {

    private static final RefillVisit ROUTINE_40_ML = new RefillVisit(12.4, 12.3, 40, 40, 2000, 500, 2.0, null, false);

    @Test
    void overdose_signs_after_a_refill_raise_no_refill_alert_while_the_clinic_answers_them() {
        var story = PumpTwinScenarios.filledPump("POCKET-WAIT-1");
        story.refill(30, ROUTINE_40_ML);

        TwinTransition signs = story.symptoms(30.25, Symptom.DROWSINESS, Symptom.DIZZINESS);

        // the doubt itself stands: the reservoir may hold next to nothing, and the overdose alert is up
        var p = TwinModelParameters.defaults().reservoir();
        assertThat(story.twin().assess().reservoir().lower95Ml(p)).isLessThan(2.0);
        assertThat(types(signs.events())).contains(TwinEventType.OVERDOSE_RISK);
        story.advance(30.25 + 0.95);
        assertThat(refillAlerts(story.raised())).isEmpty();

        // the corrective refill within the day measures the reservoir: no refill alert at all
        story.refill(31.1, new RefillVisit(39.9, 14.3, 40, 40, 2000, 500, 2.0, null, false));
        story.advance(33);
        assertThat(refillAlerts(story.raised())).isEmpty();
    }

    @Test
    void a_fill_still_in_doubt_a_day_after_the_signs_gets_the_louder_refill_alert() {
        var story = PumpTwinScenarios.filledPump("POCKET-WAIT-2");
        story.refill(30, ROUTINE_40_ML);
        story.symptoms(30.25, Symptom.DROWSINESS, Symptom.DIZZINESS);
        story.advance(31.2);
        assertThat(refillAlerts(story.raised())).isEmpty();

        TwinTransition after = story.advance(31.3);

        // one refill need, one page: "refill now", not the routine refill-due beside it
        assertThat(types(after.events())).contains(TwinEventType.REFILL_URGENT).doesNotContain(TwinEventType.REFILL_DUE);
        assertThat(after.events()).filteredOn(e -> e.type() == TwinEventType.REFILL_URGENT)
                .extracting(TwinEvent::level).containsOnly(RiskLevel.URGENT);
        // the headline says why and what to do, not an empty date before the visit that the doubted band reads
        String day30 = PumpTwinScenarios.day(30).toString().substring(0, 10);
        assertThat(after.events()).filteredOn(e -> e.type() == TwinEventType.REFILL_URGENT).singleElement()
                .satisfies(e -> assertThat(e.headline()).startsWith("Refill now: a pocket fill is suspected at the"
                        + " refill of " + day30).contains("aspirate the residual").doesNotContain("may be empty from"));

        // once a refill measures the reservoir, later refill alerts read as usual again
        story.refill(32, ROUTINE_40_ML);
        for (int day = 33; day <= 200; day++) {
            story.advance(day);
        }
        assertThat(refillAlerts(story.raised())).filteredOn(e -> e.transition() == TwinEventTransition.RAISED
                        && e.eventTime().isAfter(PumpTwinScenarios.day(32)))
                .isNotEmpty().allSatisfy(e -> assertThat(e.headline()).doesNotContain("pocket fill"));
    }

    /** A routine cycle: the refill-due notice weeks ahead, the louder one joins it later, and both stand together. */
    @Test
    void the_louder_alert_joins_an_open_refill_due_without_closing_it() {
        var story = PumpTwinScenarios.filledPump("POCKET-ROUTINE-1");
        story.weeklyStatusUntil(91);

        List<TwinEvent> refill = refillAlerts(story.raised());
        assertThat(refill).extracting(TwinEvent::type).startsWith(TwinEventType.REFILL_DUE)
                .contains(TwinEventType.REFILL_URGENT);
        assertThat(story.raised()).noneMatch(e -> e.type() == TwinEventType.REFILL_DUE
                && e.transition() == TwinEventTransition.CLEARED);
        assertThat(story.twin().conditions()).containsKeys(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT);
    }

    @Test
    void a_pocket_fill_suspected_at_the_visit_waits_a_day_from_the_fill() {
        var story = PumpTwinScenarios.filledPump("POCKET-WAIT-3");

        TwinTransition visit = story.refill(30, new RefillVisit(12.4, 12.3, 40, 40, 2000, 500, 2.0, null, true));

        assertThat(types(visit.events())).contains(TwinEventType.OVERDOSE_RISK).doesNotContain(
                TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT);
        story.advance(30.9);
        assertThat(refillAlerts(story.raised())).isEmpty();
        assertThat(types(story.advance(31.05).events())).contains(TwinEventType.REFILL_URGENT);
    }

    /**
     * A pocket fill reported as drowsiness alone (bench scorecard, local-demo: a fill that left 1.6 mL in the reservoir,
     * another that left 15 mL and ran dry with no refill alert when a lone sign was not enough to doubt it).
     */
    @Test
    void a_lone_overdose_sign_hours_after_a_refill_puts_the_fill_in_doubt() {
        var story = PumpTwinScenarios.filledPump("POCKET-LONE-1");
        story.refill(30, ROUTINE_40_ML);
        double trusted = story.twin().assess().reservoir().stdDevMl();

        story.scenario().at(30.9, new SymptomReport(Set.of(Symptom.DROWSINESS), null, SymptomReporter.PATIENT,
                PumpTwinScenarios.day(30.2)));

        assertThat(story.twin().assess().reservoir().stdDevMl()).isGreaterThan(5 * trusted);
        story.advance(31.85);
        assertThat(refillAlerts(story.raised())).isEmpty();
        assertThat(types(story.advance(31.95).events())).contains(TwinEventType.REFILL_URGENT);
    }

    @Test
    void an_overdose_that_begins_half_a_day_after_the_refill_does_not_put_the_fill_in_doubt() {
        var story = PumpTwinScenarios.filledPump("POCKET-LATE-ONSET-1");
        story.refill(30, ROUTINE_40_ML);
        double trusted = story.twin().assess().reservoir().stdDevMl();

        TwinTransition late = story.scenario().at(31, new SymptomReport(Set.of(Symptom.DROWSINESS, Symptom.DIZZINESS),
                null, SymptomReporter.PATIENT, PumpTwinScenarios.day(30.6)));
        story.advance(33);

        assertThat(story.twin().assess().reservoir().stdDevMl()).isCloseTo(trusted, within(0.01));
        assertThat(types(late.events())).contains(TwinEventType.OVERDOSE_RISK);
        assertThat(refillAlerts(story.raised())).isEmpty();
        // the same picture begun hours after the fill is a pocket fill's
        var early = PumpTwinScenarios.filledPump("POCKET-EARLY-ONSET-1");
        early.refill(30, ROUTINE_40_ML);
        early.scenario().at(31, new SymptomReport(Set.of(Symptom.DROWSINESS, Symptom.DIZZINESS), null,
                SymptomReporter.PATIENT, PumpTwinScenarios.day(30.2)));
        assertThat(early.twin().assess().reservoir().stdDevMl()).isGreaterThan(5 * trusted);
    }

    private static List<TwinEventType> types(List<TwinEvent> events) {
        return events.stream().map(TwinEvent::type).toList();
    }

    private static List<TwinEvent> refillAlerts(List<TwinEvent> events) {
        return events.stream().filter(e -> e.transition() == TwinEventTransition.RAISED)
                .filter(e -> e.type() == TwinEventType.REFILL_DUE || e.type() == TwinEventType.REFILL_URGENT)
                .toList();
    }
}
