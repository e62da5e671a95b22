package io.pumptwin.twin.topology;

import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.ExplantRetractionReason;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.PumpExplantRetraction;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.events.TwinState;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * An explant recorded against the wrong serial, then retracted, through the topology: the live pump's refill alert,
 * closed by the wrong explant, is raised again by the retraction, the state shows the pump implanted, and the pump's
 * telemetry is modelled again from then on. Before the retraction, the pump's reports of delivery a day after the
 * explant put it in doubt (EXPLANT_DOUBTED), which the retraction clears.
 */
class ExplantRetractionTopologyTest {

    @Test
    void a_retracted_explant_raises_the_refill_alert_again_and_the_pump_is_followed_as_before() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory live = dueForRefill(d, "RET-1");

            // Day 60.5: the clinic records another patient's pump replacement against this serial.
            TelemetryEnvelope explant = clinic(live.envelope(60.5, PumpExplant.newBuilder()
                    .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("RET-9").build()));
            d.send(explant);
            assertThat(d.openConditions("RET-1")).isEmpty();
            assertThat(d.latest("RET-1").getExplant()).isNotNull();
            // The pump keeps reporting: history only while the twin is retired, except that a report of delivery more
            // than a day after the explant (day 62) puts the explant in doubt, once.
            d.send(live.status(61));
            assertThat(d.openConditions("RET-1")).isEmpty();
            for (double day = 62; day <= 64; day += 1) {
                d.send(live.status(day));
            }
            assertThat(d.openConditions("RET-1")).containsExactly(TwinEventType.EXPLANT_DOUBTED);
            assertThat(d.events("RET-1")).filteredOn(e -> e.getType() == TwinEventType.EXPLANT_DOUBTED).singleElement()
                    .satisfies(e -> {
                        assertThat(e.getRiskLevel()).isEqualTo(io.pumptwin.events.RiskLevel.WATCH);
                        assertThat(e.getEventTime()).isEqualTo(TelemetryStory.day(62));
                        assertThat(e.getHeadline()).contains("recorded as explanted").contains("send a correction");
                    });

            TelemetryEnvelope retraction = clinic(live.envelope(65, PumpExplantRetraction.newBuilder()
                    .setRetractedEventId(explant.getEventId()).setReason(ExplantRetractionReason.WRONG_SERIAL).build()));
            d.send(retraction);

            List<TwinEvent> byRetraction = d.events("RET-1").stream()
                    .filter(e -> e.getSourceEventId() != null && e.getSourceEventId().equals(retraction.getEventId()))
                    .toList();
            assertThat(byRetraction).filteredOn(e -> e.getType() == TwinEventType.EXPLANT_DOUBTED).singleElement()
                    .satisfies(e -> assertThat(e.getTransition()).isEqualTo(TwinEventTransition.CLEARED));
            List<TwinEvent> raised = byRetraction.stream()
                    .filter(e -> e.getType() != TwinEventType.EXPLANT_DOUBTED).toList();
            assertThat(raised).isNotEmpty().allSatisfy(e ->
                    assertThat(e.getTransition()).isEqualTo(TwinEventTransition.RAISED));
            assertThat(raised).extracting(TwinEvent::getType)
                    .containsAnyOf(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT);
            assertThat(raised).filteredOn(e -> e.getType() == TwinEventType.REFILL_DUE
                            || e.getType() == TwinEventType.REFILL_URGENT)
                    .allSatisfy(e -> assertThat(e.getHeadline()).startsWith("Refill"));
            TwinState state = d.latest("RET-1");
            assertThat(state.getExplant()).as("implanted again").isNull();
            assertThat(state.getAsOf()).isEqualTo(TelemetryStory.day(65));

            // Its next report is modelled again: the twin moves with it, and is heard.
            d.send(live.status(65.5));
            TwinState after = d.latest("RET-1");
            assertThat(after.getAsOf()).isEqualTo(TelemetryStory.day(65.5));
            assertThat(after.getExplant()).isNull();
            assertThat(d.openConditions("RET-1")).doesNotContain(TwinEventType.PUMP_SILENT, TwinEventType.EXPLANT_DOUBTED)
                    .containsAnyOf(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT);
            assertThat(d.deadLetterLog).isEmpty();
        }
    }

    /**
     * The retraction reaches the engine before the explant it withdraws (two clinic systems; the explant held up for
     * days). The explant, when it comes, retires nothing: the live pump's refill alert stays open, the state shows it
     * implanted, and its reports are modelled as before. The retracted id lives in the stored twin (its cold part),
     * so this holds across the store as well as in memory.
     */
    @Test
    void an_explant_arriving_after_its_retraction_leaves_the_pump_monitored() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory live = dueForRefill(d, "RET-2");
            Set<TwinEventType> open = d.openConditions("RET-2");

            TelemetryEnvelope explant = clinic(live.envelope(60.5, PumpExplant.newBuilder()
                    .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("RET-9").build()));
            TelemetryEnvelope retraction = clinic(live.envelope(60.6, PumpExplantRetraction.newBuilder()
                    .setRetractedEventId(explant.getEventId()).setReason(ExplantRetractionReason.WRONG_SERIAL).build()));
            d.send(retraction);
            for (double day = 61; day <= 63; day += 1) {
                d.send(live.status(day));
            }
            d.send(explant); // three days late: past the reorder window, applied at the twin's own time

            assertThat(d.events("RET-2")).as("nothing raised or cleared by the retraction or the explant")
                    .noneMatch(e -> explant.getEventId().equals(e.getSourceEventId())
                            || retraction.getEventId().equals(e.getSourceEventId()));
            assertThat(d.openConditions("RET-2")).containsAll(open);
            d.send(live.status(64));
            TwinState state = d.latest("RET-2");
            assertThat(state.getExplant()).isNull();
            assertThat(state.getAsOf()).isEqualTo(TelemetryStory.day(64));
            assertThat(d.openConditions("RET-2")).containsAnyOf(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT)
                    .doesNotContain(TwinEventType.EXPLANT_DOUBTED);
            assertThat(d.deadLetterLog).isEmpty();
        }
    }

    /** A pump filled on day 0 and reporting daily to day 60, by when its refill alert is open. */
    private static TelemetryStory dueForRefill(TwinDriver d, String serial) {
        TelemetryStory live = new TelemetryStory(serial);
        d.send(live.refill(0, 2.0, 2.0));
        for (double day = 1; day <= 60; day += 1) {
            d.send(live.status(day));
        }
        assertThat(d.openConditions(serial)).containsAnyOf(TwinEventType.REFILL_DUE, TwinEventType.REFILL_URGENT);
        return live;
    }

    private static TelemetryEnvelope clinic(TelemetryEnvelope e) {
        return TelemetryEnvelope.newBuilder(e).setSource(TelemetrySource.CLINICIAN_PROGRAMMER).build();
    }
}
