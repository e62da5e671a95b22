package io.pumptwin.twin.topology;

import io.pumptwin.events.Evidence;
import io.pumptwin.events.ExplantReason;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TelemetrySource;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.events.TwinState;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The clinic's explant through the topology: the open conditions of the pump clear with the explant as their reason,
 * the state says it is explanted, and neither stream time (silent pumps, projections) nor later telemetry for the
 * serial raises anything again or is dead-lettered.
 */
class ExplantTopologyTest {

    @Test
    void an_explant_clears_what_was_open_and_the_serial_stays_quiet_for_good() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory replaced = new TelemetryStory("EXP-1");
            TelemetryStory other = new TelemetryStory("OTHER-1");
            d.send(replaced.refill(0, 2.0, 2.0), other.refill(0, 2.0, 2.0));
            for (int day = 0; day <= 56; day += 7) {
                d.send(replaced.status(day));
            }
            // The pump was replaced on day 60 and went quiet on day 56; the clinic's record arrives on day 61.
            for (double day = 1; day <= 61; day += 1) {
                d.send(other.status(day));
            }
            Set<TwinEventType> open = d.openConditions("EXP-1");
            assertThat(open).contains(TwinEventType.PUMP_SILENT, TwinEventType.REFILL_DUE);
            int stateCount = states(d, "EXP-1").size();

            TelemetryEnvelope explant = explant(replaced, 60);
            d.send(explant);

            List<TwinEvent> cleared = d.events("EXP-1").stream()
                    .filter(e -> e.getTransition() == TwinEventTransition.CLEARED
                            && e.getSourceEventId().equals(explant.getEventId())).toList();
            assertThat(cleared).extracting(TwinEvent::getType).containsExactlyInAnyOrderElementsOf(open);
            assertThat(cleared).allSatisfy(e -> {
                assertThat(e.getHeadline()).contains("explanted").contains("ELECTIVE_REPLACEMENT")
                        .contains("replaced by EXP-2");
                assertThat(e.getEvidence()).extracting(Evidence::getKind).containsExactly("PUMP_EXPLANTED");
            });
            assertThat(d.openConditions("EXP-1")).isEmpty();
            TwinState state = d.latest("EXP-1");
            assertThat(state.getExplant()).isNotNull();
            assertThat(state.getExplant().getExplantedAt()).isEqualTo(TelemetryStory.day(60));
            assertThat(state.getExplant().getReason()).isEqualTo(ExplantReason.ELECTIVE_REPLACEMENT);
            assertThat(state.getExplant().getReplacementPumpSerial()).isEqualTo("EXP-2");
            assertThat(state.getExplant().getSourceEventId()).isEqualTo(explant.getEventId());
            int eventsAtExplant = d.events("EXP-1").size();
            long appliedAtExplant = state.getEventsApplied();

            // Three months of stream time: the sweep no longer visits the retired twin (no state written for it), and
            // its reservoir running dry on paper or its silence raises nothing.
            for (double day = 62; day <= 150; day += 1) {
                d.send(other.status(day));
            }
            assertThat(d.events("EXP-1")).hasSize(eventsAtExplant);
            assertThat(states(d, "EXP-1")).hasSize(stateCount + 1);

            // A store-and-forward upload from before the replacement and a critical alarm read off the pump on the
            // bench afterwards by the clinic's programmer: valid telemetry, applied as history, not dead-lettered,
            // raising nothing.
            d.send(replaced.status(58), TelemetryEnvelope.newBuilder(replaced.alarm(151, PumpAlarmKind.END_OF_SERVICE,
                    true)).setSource(TelemetrySource.CLINICIAN_PROGRAMMER).build());
            assertThat(d.events("EXP-1")).hasSize(eventsAtExplant);
            assertThat(d.deadLetterLog).isEmpty();
            TwinState after = d.latest("EXP-1");
            assertThat(after.getEventsApplied()).isEqualTo(appliedAtExplant + 2);
            assertThat(after.getExplant()).isEqualTo(state.getExplant());
            assertThat(after.getAsOf()).isEqualTo(state.getAsOf());

            // the other pump, still implanted, is followed as before
            assertThat(d.latest("OTHER-1").getExplant()).isNull();
            assertThat(d.latest("OTHER-1").getAsOf()).isEqualTo(TelemetryStory.day(150));
        }
    }

    /**
     * A pump recorded as explanted against the wrong serial stalls in its patient days later: the alarm from the home
     * communicator goes out as a twin event (and the explant is doubted), not as history; the twin stays retired but
     * follows the pump, so the sweep moves it with stream time and its underdose risk grows with the hours stopped.
     */
    @Test
    void a_critical_alarm_from_home_days_after_the_explant_reaches_the_twin_events() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("EXP-3");
            TelemetryStory other = new TelemetryStory("OTHER-3");
            d.send(pump.refill(0, 2.0, 2.0), other.refill(0, 2.0, 2.0));
            for (int day = 1; day <= 20; day++) {
                d.send(pump.status(day));
            }
            TelemetryEnvelope explant = explant(pump, 20.5);
            d.send(explant);
            int eventsAtExplant = d.events("EXP-3").size();

            TelemetryEnvelope stall = TelemetryEnvelope.newBuilder(pump.alarm(23, PumpAlarmKind.MOTOR_STALL, true))
                    .setSource(TelemetrySource.HOME_COMMUNICATOR).build();
            d.send(stall);

            List<TwinEvent> after = d.events("EXP-3").subList(eventsAtExplant, d.events("EXP-3").size());
            assertThat(after).extracting(TwinEvent::getType).containsExactly(TwinEventType.PUMP_CRITICAL_ALARM,
                    TwinEventType.EXPLANT_DOUBTED, TwinEventType.UNDERDOSE_RISK);
            assertThat(after).allSatisfy(e -> {
                assertThat(e.getTransition()).isEqualTo(TwinEventTransition.RAISED);
                assertThat(e.getSourceEventId()).isEqualTo(stall.getEventId());
                assertThat(e.getEventTime()).isEqualTo(TelemetryStory.day(23));
            });
            assertThat(after.get(0).getRiskLevel().toString()).isEqualTo("URGENT");
            String levelAtStall = after.get(2).getRiskLevel().toString();
            assertThat(d.openConditions("EXP-3")).containsExactlyInAnyOrder(TwinEventType.PUMP_CRITICAL_ALARM,
                    TwinEventType.EXPLANT_DOUBTED, TwinEventType.UNDERDOSE_RISK);
            TwinState state = d.latest("EXP-3");
            assertThat(state.getExplant()).isNotNull();
            assertThat(state.getExplant().getSourceEventId()).isEqualTo(explant.getEventId());
            assertThat(state.getExplant().getDoubtedSince()).as("the state tells fleet views to keep the pump")
                    .isEqualTo(TelemetryStory.day(23));
            assertThat(d.deadLetterLog).isEmpty();

            // Two days of stream time from another pump, none from this one: the sweep visits the followed twin.
            for (double day = 23; day <= 25; day += 0.25) {
                d.send(other.status(day));
            }
            List<TwinEvent> risk = d.events("EXP-3").stream()
                    .filter(e -> e.getType() == TwinEventType.UNDERDOSE_RISK).toList();
            assertThat(levelAtStall).isNotEqualTo("URGENT");
            assertThat(risk.get(risk.size() - 1).getRiskLevel().toString()).as("the stop has lasted two days")
                    .isEqualTo("URGENT");
            TwinState swept = d.latest("EXP-3");
            assertThat(swept.getAsOf()).isAfter(TelemetryStory.day(24));
            assertThat(swept.getUnderdose().getLevel().toString()).as("the state the dashboard reads, too")
                    .isEqualTo("URGENT");
            assertThat(swept.getExplant().getDoubtedSince()).isEqualTo(TelemetryStory.day(23));
            assertThat(d.openConditions("EXP-3")).doesNotContain(TwinEventType.PUMP_SILENT);
        }
    }

    private static TelemetryEnvelope explant(TelemetryStory pump, double day) {
        return TelemetryEnvelope.newBuilder(pump.envelope(day, PumpExplant.newBuilder()
                        .setReason(ExplantReason.ELECTIVE_REPLACEMENT).setReplacementPumpSerial("EXP-2").build()))
                .setSource(TelemetrySource.CLINICIAN_PROGRAMMER).build();
    }

    private static List<TwinState> states(TwinDriver d, String serial) {
        return d.stateLog.stream().filter(r -> r.key().equals(serial)).map(TestRecord::value).toList();
    }
}
