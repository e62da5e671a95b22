package io.pumptwin.twin.query;

import io.pumptwin.events.TwinState;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.Symptom;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import io.pumptwin.twin.wire.TwinMapping;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Fleet queries by risk and refill date are for pumps in patients: an explanted pump answers only by clinic, unless
 * its twin doubts the explant, when it answers the risk query by its underdose and overdose risks.
 */
class FleetQueryTest {

    @Test
    void an_explanted_pump_leaves_the_risk_and_refill_queries_but_stays_in_its_clinic() {
        var story = PumpTwinScenarios.filledPump("FQ-1");
        story.weeklyStatusUntil(70);
        story.advance(86);
        PumpTwin implanted = story.twin();
        PumpTwin explanted = implanted.apply(new TelemetryEvent("fq-explant", "FQ-1", "pt-FQ-1", "clinic-1",
                PumpTwinScenarios.day(86.5), 1_000, TelemetrySource.CLINICIAN_PROGRAMMER,
                new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "FQ-2"))).twin();
        TwinState before = TwinMapping.toTwinState(implanted);
        TwinState after = TwinMapping.toTwinState(explanted);

        FleetQuery dueSoon = FleetQuery.parse(Map.of("refillDueBefore", PumpTwinScenarios.day(200).toString()));
        FleetQuery atRisk = FleetQuery.parse(Map.of("risk", "WATCH"));
        FleetQuery clinic = FleetQuery.parse(Map.of("clinic", "clinic-1"));
        assertThat(dueSoon.matches(before)).as("refill due before the explant").isTrue();
        assertThat(atRisk.matches(before)).as("at risk before the explant").isTrue();

        assertThat(after.getExplant()).isNotNull();
        assertThat(after.getExplant().getDoubtedSince()).as("nobody doubts this explant").isNull();
        assertThat(dueSoon.matches(after)).isFalse();
        assertThat(atRisk.matches(after)).isFalse();
        assertThat(clinic.matches(after)).isTrue();
    }

    /**
     * An explant recorded against the wrong serial: the pump went on reporting its delivery from the patient's home,
     * the twin doubted the explant and follows the pump, which then ran dry. Its patient is in withdrawal, and the
     * risk query must find the pump although the record says it was taken out (its refill waits for the clinic).
     */
    @Test
    void a_pump_whose_explant_the_twin_doubts_answers_the_risk_query_by_its_underdose_risk() {
        var story = PumpTwinScenarios.filledPump("FQ-5");
        for (int day = 1; day <= 40; day++) {
            story.status(day);
        }
        story.explant(40.5, "FQ-6");
        for (int day = 41; day <= 50; day++) {
            story.status(day);
        }
        story.advance(90); // 20 mL at 0.25 mL/day: dry by day 80, quiet since day 50
        TwinState doubted = TwinMapping.toTwinState(story.twin());

        assertThat(doubted.getExplant()).isNotNull();
        assertThat(doubted.getExplant().getDoubtedSince()).as("doubted by the report a day after the explant")
                .isEqualTo(PumpTwinScenarios.day(42));
        assertThat(doubted.getUnderdose().getLevel()).isEqualTo(io.pumptwin.events.RiskLevel.URGENT);
        assertThat(FleetQuery.parse(Map.of("risk", "URGENT")).matches(doubted)).isTrue();
        assertThat(FleetQuery.parse(Map.of("risk", "WATCH", "clinic", "clinic-1")).matches(doubted)).isTrue();
        assertThat(FleetQuery.parse(Map.of("risk", "URGENT", "clinic", "clinic-2")).matches(doubted)).isFalse();
        assertThat(FleetQuery.parse(Map.of("refillDueBefore", PumpTwinScenarios.day(200).toString()))
                .matches(doubted)).as("its refill waits for the clinic's retraction").isFalse();
    }

    /** A doubted explant's patient reports signs of overdose: the risk query finds the pump by its overdose risk. */
    @Test
    void a_pump_whose_explant_the_twin_doubts_answers_the_risk_query_by_its_overdose_risk_too() {
        var story = PumpTwinScenarios.filledPump("FQ-7");
        for (int day = 1; day <= 40; day++) {
            story.status(day);
        }
        story.explant(40.5, "FQ-8");
        for (int day = 41; day <= 43; day++) {
            story.status(day);
        }
        story.symptoms(43.5, Symptom.DROWSINESS, Symptom.DIZZINESS, Symptom.RESPIRATORY_DEPRESSION);
        TwinState doubted = TwinMapping.toTwinState(story.twin());

        assertThat(doubted.getExplant().getDoubtedSince()).isNotNull();
        assertThat(doubted.getUnderdose().getLevel()).isEqualTo(io.pumptwin.events.RiskLevel.NONE);
        assertThat(doubted.getOverdose().getLevel()).isEqualTo(io.pumptwin.events.RiskLevel.URGENT);
        assertThat(FleetQuery.parse(Map.of("risk", "URGENT")).matches(doubted)).isTrue();
    }

    /** The clinic retracted the explant (recorded against the wrong serial): the pump is in the queries again. */
    @Test
    void a_pump_whose_explant_was_retracted_is_back_in_the_risk_and_refill_queries() {
        var story = PumpTwinScenarios.filledPump("FQ-3");
        story.weeklyStatusUntil(70);
        story.advance(86);
        PumpTwin explanted = story.twin().apply(new TelemetryEvent("fq-wrong-explant", "FQ-3", "pt-FQ-3", "clinic-1",
                PumpTwinScenarios.day(86.5), 1_000, TelemetrySource.CLINICIAN_PROGRAMMER,
                new PumpExplant(ExplantReason.ELECTIVE_REPLACEMENT, "FQ-4"))).twin();
        PumpTwin reinstated = explanted.apply(new TelemetryEvent("fq-retraction", "FQ-3", "pt-FQ-3", "clinic-1",
                PumpTwinScenarios.day(87), 1_001, TelemetrySource.CLINICIAN_PROGRAMMER,
                new io.pumptwin.twin.telemetry.PumpExplantRetraction("fq-wrong-explant",
                        io.pumptwin.twin.telemetry.ExplantRetractionReason.WRONG_SERIAL))).twin();
        TwinState after = TwinMapping.toTwinState(reinstated);

        assertThat(after.getExplant()).isNull();
        assertThat(FleetQuery.parse(Map.of("refillDueBefore", PumpTwinScenarios.day(200).toString())).matches(after))
                .isTrue();
        assertThat(FleetQuery.parse(Map.of("risk", "WATCH")).matches(after)).isTrue();
    }
}
