package io.pumptwin.twin.query;

import io.pumptwin.events.TwinState;
import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.telemetry.ExplantReason;
import io.pumptwin.twin.telemetry.PumpExplant;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import io.pumptwin.twin.wire.TwinMapping;
import org.junit.jupiter.api.Test;

import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** Fleet queries by risk and refill date are for pumps in patients: an explanted pump answers only by clinic. */
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
        assertThat(dueSoon.matches(after)).isFalse();
        assertThat(atRisk.matches(after)).isFalse();
        assertThat(clinic.matches(after)).isTrue();
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
