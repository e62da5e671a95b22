package io.pumptwin.twin.topology;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.DoseChangeReason;
import io.pumptwin.events.Evidence;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.Symptom;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinEventTransition;
import io.pumptwin.events.TwinEventType;
import io.pumptwin.events.TwinState;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.catheter.CatheterModelParameters;
import io.pumptwin.twin.engine.TwinEngineConfig;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.test.TestRecord;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import static org.assertj.core.api.Assertions.assertThat;

/** The twin topology, specified per DOMAIN.md case and per input hazard, under TopologyTestDriver. */
class TwinTopologyTest {

    private final double suspicion = CatheterModelParameters.defaults().suspicionThreshold();

    // ------------------------------------------------------------------ the domain cases

    @Test
    void an_occlusion_raises_the_catheter_likelihood_after_the_next_refill() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = filled(d, "OCC-1");
            weeklyStatus(d, pump, 7, 56);
            assertThat(d.latest("OCC-1").getCatheter().getProbability()).isLessThan(0.01);

            // Drug stayed in the pump: 15 mL aspirated where about 5 mL were expected.
            d.send(pump.refill(60, 5.0, 15.0));

            TwinState twin = d.latest("OCC-1");
            assertThat(twin.getCatheter().getProbability()).isGreaterThanOrEqualTo(suspicion);
            assertThat(twin.getCatheter().getSuspectedKind()).hasToString("OCCLUSION");
            assertThat(twin.getCatheter().getEvidence()).extracting(Evidence::getKind).contains("RESIDUAL_EXCESS");
            assertThat(raised(d, "OCC-1", TwinEventType.CATHETER_FAULT_SUSPECTED)).hasSize(1);
            assertThat(raised(d, "OCC-1", TwinEventType.CATHETER_FAULT_SUSPECTED).get(0).getEventTime())
                    .isEqualTo(TelemetryStory.day(60));
        }
    }

    @Test
    void a_silent_disconnection_raises_it_through_symptoms_and_futile_dose_increases() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = filled(d, "DISC-1");
            weeklyStatus(d, pump, 7, 14);
            d.send(pump.symptoms(15, Symptom.SPASTICITY_RETURN),
                    pump.doseChange(16, 550, DoseChangeReason.SPASTICITY_NOT_CONTROLLED));
            double afterFirstIncrease = d.latest("DISC-1").getCatheter().getProbability();
            d.send(pump.symptoms(23, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS),
                    pump.doseChange(24, 600, DoseChangeReason.SPASTICITY_NOT_CONTROLLED),
                    pump.doseChange(31, 700, DoseChangeReason.SPASTICITY_NOT_CONTROLLED));

            TwinState twin = d.latest("DISC-1");
            assertThat(afterFirstIncrease).isLessThan(suspicion);
            assertThat(twin.getCatheter().getProbability()).isGreaterThanOrEqualTo(suspicion);
            assertThat(twin.getCatheter().getSuspectedKind()).hasToString("DISCONNECTION");
            assertThat(twin.getCatheter().getEvidence()).extracting(Evidence::getKind)
                    .contains("SYMPTOM_REPORT", "DOSE_ESCALATION_WITHOUT_EFFECT");
            assertThat(raised(d, "DISC-1", TwinEventType.CATHETER_FAULT_SUSPECTED)).hasSize(1);
        }
    }

    @Test
    void a_motor_stall_explains_a_large_residual_away() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = filled(d, "STALL-1");
            weeklyStatus(d, pump, 7, 14);
            d.send(pump.alarm(20, PumpAlarmKind.MOTOR_STALL, true),
                    pump.alarm(21, PumpAlarmKind.MOTOR_STALL_RECOVERED, false));
            weeklyStatus(d, pump, 28, 56);
            d.send(pump.refill(60, 5.0, 15.0));

            TwinState twin = d.latest("STALL-1");
            assertThat(twin.getCatheter().getProbability()).isLessThan(suspicion);
            List<Evidence> evidence = twin.getCatheter().getEvidence();
            assertThat(evidence).extracting(Evidence::getKind).contains("RESIDUAL_EXCESS", "MOTOR_STALL");
            assertThat(raised(d, "STALL-1", TwinEventType.CATHETER_FAULT_SUSPECTED)).isEmpty();
            // the stall itself went out at once, as a relayed critical alarm
            assertThat(raised(d, "STALL-1", TwinEventType.PUMP_CRITICAL_ALARM)).hasSize(1);
        }
    }

    // ------------------------------------------------------------------ ordering and duplicates

    @Test
    void states_name_their_parameters_by_digest_and_the_values_are_published_once_before_the_first_state() {
        TwinModelParameters whatIf = TwinModelParameters.defaults().withSilentAfter(Duration.ofHours(24));
        for (TwinModelParameters model : List.of(TwinModelParameters.defaults(), whatIf)) {
            try (TwinDriver d = new TwinDriver(c -> c.withStateEmitInterval(Duration.ZERO).withModel(model))) {
                TelemetryStory a = new TelemetryStory("PAR-1");
                TelemetryStory b = new TelemetryStory("PAR-2");
                d.send(a.refill(0, 2.0, 2.0));
                assertThat(d.stateLog).hasSize(1);
                assertThat(d.parameterLog).hasSize(1); // with the first state, not before any
                d.send(a.status(1), b.refill(0, 2.0, 2.0), b.status(1));

                assertThat(d.parameterLog).hasSize(1); // once per task, not per state
                var published = d.parameterLog.get(0);
                assertThat(published.key()).isEqualTo(model.digest()).isEqualTo(published.value().getDigest());
                assertThat(published.timestamp()).isEqualTo(d.stateLog.get(0).timestamp());
                assertThat(published.value().getDefinition()).isEqualTo(model.definition());
                assertThat(published.value().getParameterSet()).isEqualTo(model.name());
                assertThat(published.value().getParameters()).isEqualTo(model.asMap());
                assertThat(d.stateLog).hasSize(4).allSatisfy(r ->
                        assertThat(r.value().getProvenance().getParametersDigest()).isEqualTo(model.digest()));
            }
        }
        assertThat(whatIf.digest()).isNotEqualTo(TwinModelParameters.defaults().digest());
    }

    @Test
    void duplicates_are_applied_once_and_write_nothing() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("DUP-1");
            TelemetryEnvelope refill = pump.refill(0, 2.0, 2.0);
            TelemetryEnvelope status = pump.status(1);
            d.send(refill, status);
            int statesBefore = d.stateLog.size();

            d.send(status, refill); // a gateway retry: same ids
            TelemetryEnvelope resend = TelemetryEnvelope.newBuilder(status).setEventId("fresh-id").build();
            d.send(resend); // a re-send under a fresh id: same sequence and event time

            assertThat(d.latest("DUP-1").getEventsApplied()).isEqualTo(2);
            assertThat(d.stateLog).hasSize(statesBefore);
            assertThat(d.deadLetterLog).isEmpty();
        }
    }

    @Test
    void telemetry_older_than_the_twin_is_held_and_applied_in_event_time_order_when_the_window_has_passed() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("ORD-1");
            Instant t0 = TelemetryStory.day(0);
            TelemetryEnvelope first = pump.envelope(t0, TelemetryStory.statusReport(0, 500));
            TelemetryEnvelope early = pump.envelope(t0.plusSeconds(720), TelemetryStory.statusReport(0, 500));
            TelemetryEnvelope middle = pump.envelope(t0.plusSeconds(900), TelemetryStory.statusReport(0, 500));
            TelemetryEnvelope newest = pump.envelope(t0.plusSeconds(1200), TelemetryStory.statusReport(0, 500));
            d.send(first, newest);
            d.send(middle, early); // both arrive late, in reverse order, within the 10-minute window
            TelemetryEnvelope next = pump.envelope(t0.plusSeconds(1260), TelemetryStory.statusReport(0, 500));
            d.send(next); // in order, but queues behind the held events

            assertThat(d.latest("ORD-1").getEventsApplied()).isEqualTo(2);
            // Another pump moves stream time 30 minutes on: the window has passed the held events.
            d.send(new TelemetryStory("OTHER").envelope(t0.plusSeconds(3000), TelemetryStory.statusReport(0, 500)));

            TwinState twin = d.latest("ORD-1");
            assertThat(twin.getEventsApplied()).isEqualTo(5);
            assertThat(twin.getProvenance().getLastEventIds()).containsExactly(first.getEventId(),
                    newest.getEventId(), early.getEventId(), middle.getEventId(), next.getEventId());
            assertThat(d.driver.<Object, Object>getKeyValueStore(TwinTopology.REORDER_STORE).approximateNumEntries())
                    .isZero();
        }
    }

    @Test
    void a_held_event_sent_twice_is_applied_once() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("ORD-2");
            Instant t0 = TelemetryStory.day(0);
            TelemetryEnvelope first = pump.envelope(t0, TelemetryStory.statusReport(0, 500));
            TelemetryEnvelope late = pump.envelope(t0.plusSeconds(60), TelemetryStory.statusReport(0, 500));
            TelemetryEnvelope newest = pump.envelope(t0.plusSeconds(300), TelemetryStory.statusReport(0, 500));
            d.send(first, newest, late, late);
            d.send(new TelemetryStory("OTHER").envelope(t0.plusSeconds(3600), TelemetryStory.statusReport(0, 500)));
            assertThat(d.latest("ORD-2").getEventsApplied()).isEqualTo(3);
        }
    }

    // ------------------------------------------------------------------ poison records

    @Test
    void poison_records_go_to_the_dead_letter_topic_and_processing_continues() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("POI-1");
            byte[] garbage = {0, 0, 0};
            byte[] wrongMagic = {1, 2, 3, 4, 5, 6, 7};
            TelemetryEnvelope invalid = pump.envelope(0, TelemetryStory.statusReport(0, -5));
            d.sendRaw("POI-1", garbage);
            d.sendRaw("POI-1", wrongMagic);
            d.send(invalid);
            d.sendRaw("NOT-POI-1", d.encode(pump.status(0.1)));
            d.send(pump.status(0.2));

            List<DeadLetter> letters = d.deadLetterLog.stream().map(TestRecord::value).toList();
            assertThat(letters).extracting(DeadLetter::getReasonCode)
                    .containsExactly("UNDECODABLE", "UNDECODABLE", "INVALID_FIELD", "KEY_MISMATCH");
            assertThat(letters.get(1).getReason()).contains("magic byte");
            assertThat(letters.get(2).getField()).isEqualTo("payload.doseMcgPerDay");
            assertThat(bytes(letters.get(0).getRawValue())).isEqualTo(garbage);
            assertThat(bytes(letters.get(2).getRawValue())).isEqualTo(d.encode(invalid));
            assertThat(letters).allSatisfy(l -> {
                assertThat(l.getStage()).isEqualTo("twin-engine");
                assertThat(l.getOriginTopic()).isEqualTo(d.config.topics().telemetry());
                assertThat(l.getOriginOffset()).isNotNull();
                assertThat(l.getOccurredAt()).isEqualTo(TwinDriver.WALL_CLOCK);
            });
            assertThat(letters).extracting(DeadLetter::getOriginOffset).containsExactly(0L, 1L, 2L, 3L);
            // and the good record after them was applied
            assertThat(d.latest("POI-1").getEventsApplied()).isEqualTo(1);
        }
    }

    @Test
    void a_record_the_processor_fails_on_is_dead_lettered_and_the_engine_keeps_running() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory broken = new TelemetryStory("BRK-1");
            TelemetryStory healthy = new TelemetryStory("OK-1");
            d.send(broken.status(0), healthy.status(0));
            // A stored twin this code cannot read (say, written by a newer release): applying to it throws.
            KeyValueStore<String, byte[]> store = d.driver.getKeyValueStore(TwinTopology.TWIN_STORE);
            store.put("BRK-1", new byte[] {9, 9, 9});

            TelemetryEnvelope failing = broken.status(0.1);
            d.send(failing, healthy.status(0.1));

            assertThat(d.deadLetterLog).hasSize(1);
            DeadLetter letter = d.deadLetterLog.get(0).value();
            assertThat(letter.getReasonCode()).isEqualTo("PROCESSING_FAILED");
            assertThat(letter.getReason()).contains("UnreadableTwin");
            assertThat(letter.getPumpSerial()).isEqualTo("BRK-1");
            assertThat(bytes(letter.getRawValue())).isEqualTo(d.encode(failing));
            assertThat(d.latest("OK-1").getEventsApplied()).isEqualTo(2);
        }
    }

    // ------------------------------------------------------------------ stream time

    @Test
    void a_pump_that_stops_reporting_is_found_silent_from_stream_time() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory quiet = filled(d, "SIL-1");
            TelemetryStory chatty = filled(d, "CHAT-1");
            for (double day = 0.25; day <= 3; day += 0.25) {
                d.send(chatty.status(day));
            }

            List<TwinEvent> silent = raised(d, "SIL-1", TwinEventType.PUMP_SILENT);
            assertThat(silent).hasSize(1);
            // 48 h after the last report, on the hourly sweep grid; raised by stream time, not by its own telemetry
            Instant silentAt = TelemetryStory.day(2);
            assertThat(silent.get(0).getEventTime()).isEqualTo(silentAt);
            assertThat(silent.get(0).getRiskLevel()).isEqualTo(RiskLevel.WATCH);
            assertThat(d.latest("SIL-1").getAsOf()).isAfterOrEqualTo(silentAt);
            assertThat(raised(d, "CHAT-1", TwinEventType.PUMP_SILENT)).isEmpty();

            d.send(quiet.status(3.5));
            assertThat(d.events("SIL-1")).filteredOn(e -> e.getType() == TwinEventType.PUMP_SILENT
                    && e.getTransition() == TwinEventTransition.CLEARED).hasSize(1);
        }
    }

    @Test
    void the_same_input_gives_the_same_twins_events_and_dead_letters() {
        Consumer<TwinDriver> story = d -> {
            TelemetryStory a = filled(d, "DET-1");
            TelemetryStory b = filled(d, "DET-2");
            weeklyStatus(d, a, 7, 28);
            d.send(b.alarm(3, PumpAlarmKind.MOTOR_STALL, true), b.symptoms(4, Symptom.SPASTICITY_RETURN));
            d.send(a.refill(30, 5.0, 15.0));
            d.sendRaw("DET-2", new byte[] {0, 1});
            d.send(b.status(35));
        };
        try (TwinDriver one = new TwinDriver(); TwinDriver two = new TwinDriver()) {
            story.accept(one);
            story.accept(two);
            assertThat(one.eventLog).isNotEmpty();
            assertThat(records(two.stateLog)).isEqualTo(records(one.stateLog));
            assertThat(records(two.eventLog)).isEqualTo(records(one.eventLog));
            assertThat(records(two.deadLetterLog)).isEqualTo(records(one.deadLetterLog));
        }
    }

    @Test
    void routine_status_reports_write_the_state_at_most_once_per_emit_interval_but_every_event_is_written() {
        try (TwinDriver d = new TwinDriver(c -> c.withStateEmitInterval(Duration.ofHours(1)))) {
            TelemetryStory pump = filled(d, "EMIT-1");
            int before = d.stateLog.size();
            for (int i = 1; i <= 8; i++) {
                d.send(pump.status(i * 15.0 / 1440));
            }
            assertThat(d.stateLog.size() - before).isEqualTo(2); // at 60 and 120 minutes
            d.send(pump.alarm(0.1, PumpAlarmKind.MOTOR_STALL, true));
            assertThat(d.stateLog.size() - before).isEqualTo(3);
            assertThat(d.latest("EMIT-1").getEventsApplied()).isEqualTo(2 + 8 + 1); // the written state reflects all
        }
    }

    // ------------------------------------------------------------------ helpers

    private static TelemetryStory filled(TwinDriver d, String serial) {
        TelemetryStory pump = new TelemetryStory(serial);
        d.send(pump.refill(0, 2.0, 2.0), pump.status(0));
        return pump;
    }

    private static void weeklyStatus(TwinDriver d, TelemetryStory pump, int fromDay, int toDay) {
        for (int day = fromDay; day <= toDay; day += 7) {
            d.send(pump.status(day));
        }
    }

    private static List<TwinEvent> raised(TwinDriver d, String serial, TwinEventType type) {
        return d.events(serial).stream()
                .filter(e -> e.getType() == type && e.getTransition() == TwinEventTransition.RAISED).toList();
    }

    private static byte[] bytes(ByteBuffer b) {
        ByteBuffer copy = b.duplicate();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }

    private static <V> List<String> records(List<TestRecord<String, V>> records) {
        List<String> out = new ArrayList<>();
        records.forEach(r -> out.add(r.key() + "|" + r.timestamp() + "|" + r.value()));
        return out;
    }
}
