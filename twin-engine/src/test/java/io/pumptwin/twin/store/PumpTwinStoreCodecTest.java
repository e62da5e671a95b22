package io.pumptwin.twin.store;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.RecentEvents;
import io.pumptwin.twin.TwinEventType;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.evidence.EvidenceKind;
import io.pumptwin.twin.reservoir.ReservoirModelParameters;
import io.pumptwin.twin.risk.RiskLevel;
import io.pumptwin.twin.telemetry.CatheterFaultKind;
import io.pumptwin.twin.telemetry.DoseChangeReason;
import io.pumptwin.twin.telemetry.InfusionMode;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.Symptom;
import org.junit.jupiter.api.Test;

import java.util.Arrays;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PumpTwinStoreCodecTest {

    private static PumpTwinScenarios.Story busyPump() {
        return busyPump(TwinModelParameters.defaults());
    }

    private static PumpTwinScenarios.Story busyPump(TwinModelParameters parameters) {
        var story = PumpTwinScenarios.filledPump("STORE-1", 500, parameters);
        story.weeklyStatusUntil(28);
        story.symptoms(29, Symptom.SPASTICITY_RETURN, Symptom.PRURITUS);
        story.doseChange(30, 500, 600, DoseChangeReason.SPASTICITY_NOT_CONTROLLED);
        story.alarm(31, PumpAlarmKind.MOTOR_STALL);
        story.advance(33);
        return story;
    }

    @Test
    void a_stored_twin_comes_back_equal_and_goes_on_exactly_as_the_original() {
        var story = busyPump();
        PumpTwin original = story.twin();
        byte[] stored = PumpTwinStoreCodec.encode(original);
        PumpTwin restored = PumpTwinStoreCodec.decode(stored, TwinModelParameters.defaults());

        assertThat(restored).isEqualTo(original);
        assertThat(restored.conditions()).containsKeys(TwinEventType.PUMP_CRITICAL_ALARM, TwinEventType.UNDERDOSE_RISK);
        assertThat(restored.catheter().evidence().contains(EvidenceKind.SYMPTOM_REPORT)).isTrue();
        assertThat(restored.advanceTo(PumpTwinScenarios.day(40))).isEqualTo(original.advanceTo(PumpTwinScenarios.day(40)));
        // the store format is compact: well under the size of the Avro view with its evidence texts
        assertThat(stored.length).isLessThan(4096);
    }

    /** A store or changelog written by the previous release (format 1) is read by this one (format 2). */
    @Test
    void a_twin_stored_in_format_1_is_still_read() throws Exception {
        byte[] v1;
        try (var in = getClass().getResourceAsStream("/store/busy-pump-v1.bin")) {
            v1 = in.readAllBytes();
        }
        assertThat(v1[0]).isEqualTo((byte) 1);
        // The fixture was written by a twin of that release, whose prior delivery sigma was the labeled tolerance
        // read as two sigma (0.0725; issue 6 made it 0.0569): its stored reservoir carries that variance.
        TwinModelParameters previous = TwinModelParameters.defaults()
                .withReservoir(ReservoirModelParameters.wesemann2014().withDeliveryError(0.01, 0.145 / 2));
        PumpTwin restored = PumpTwinStoreCodec.decode(v1, previous);
        assertThat(restored).isEqualTo(busyPump(previous).twin());
        byte[] again = PumpTwinStoreCodec.encode(restored);
        assertThat(again[0]).isEqualTo(PumpTwinStoreCodec.VERSION);
        assertThat(PumpTwinStoreCodec.decode(again, previous)).isEqualTo(restored);
    }

    /**
     * A store or changelog written before the explant existed (format 2, the release of 2026-12-03) is read by this
     * one: its twins are implanted. The fixture is busyPump() as that release wrote it; its figures are compared with
     * what that release's twin said (the models have moved since, so not with busyPump() run today).
     */
    @Test
    void a_twin_stored_in_format_2_is_still_read_as_implanted() throws Exception {
        byte[] v2;
        try (var in = getClass().getResourceAsStream("/store/busy-pump-v2.bin")) {
            v2 = in.readAllBytes();
        }
        assertThat(v2[0]).isEqualTo((byte) 2);
        PumpTwin restored = PumpTwinStoreCodec.decode(v2, TwinModelParameters.defaults());

        assertThat(restored.explant()).isNull();
        assertThat(restored.identity().pumpSerial()).isEqualTo("STORE-1");
        assertThat(restored.eventsApplied()).isEqualTo(9);
        assertThat(restored.asOf()).isEqualTo(PumpTwinScenarios.day(33));
        assertThat(restored.prescription().doseMcgPerDay()).isEqualTo(600);
        assertThat(restored.activeCriticalAlarms()).containsExactly(PumpAlarmKind.MOTOR_STALL);
        assertThat(restored.conditions()).containsOnlyKeys(TwinEventType.UNDERDOSE_RISK,
                TwinEventType.PUMP_CRITICAL_ALARM, TwinEventType.PUMP_SILENT);
        byte[] again = PumpTwinStoreCodec.encode(restored);
        assertThat(again[0]).isEqualTo(PumpTwinStoreCodec.VERSION);
        assertThat(PumpTwinStoreCodec.decode(again, TwinModelParameters.defaults())).isEqualTo(restored);
    }

    /** An explanted twin comes back explanted, replacement serial and source event included, and stays retired. */
    @Test
    void an_explanted_twin_comes_back_retired() {
        var story = busyPump();
        var event = new io.pumptwin.twin.telemetry.TelemetryEvent(java.util.UUID.randomUUID().toString(), "STORE-1",
                "pt-STORE-1", "clinic-1", PumpTwinScenarios.day(34), 100,
                io.pumptwin.twin.telemetry.TelemetrySource.CLINICIAN_PROGRAMMER,
                new io.pumptwin.twin.telemetry.PumpExplant(io.pumptwin.twin.telemetry.ExplantReason.DEVICE_FAILURE,
                        "STORE-1-R\u00e9"));
        PumpTwin explanted = story.twin().apply(event).twin();
        PumpTwin withoutReplacement = busyPump().twin().apply(new io.pumptwin.twin.telemetry.TelemetryEvent("e-x",
                "STORE-1", "pt-STORE-1", "clinic-1", PumpTwinScenarios.day(34), 100,
                io.pumptwin.twin.telemetry.TelemetrySource.OTHER, new io.pumptwin.twin.telemetry.PumpExplant(
                io.pumptwin.twin.telemetry.ExplantReason.OTHER, null))).twin();

        for (PumpTwin twin : java.util.List.of(explanted, withoutReplacement)) {
            byte[] stored = PumpTwinStoreCodec.encode(twin);
            PumpTwin restored = PumpTwinStoreCodec.decode(stored, TwinModelParameters.defaults());
            assertThat(restored).isEqualTo(twin);
            assertThat(restored.explant()).isNotNull().isEqualTo(twin.explant());
            assertThat(PumpTwinStoreCodec.encode(restored)).isEqualTo(stored);
            assertThat(restored.advanceTo(PumpTwinScenarios.day(200)).events()).isEmpty();
        }
        assertThat(explanted.explant().replacementPumpSerial()).isEqualTo("STORE-1-R\u00e9");
    }

    /**
     * The ids of retracted explants come back (single and split format), and a twin without any has the bytes it had
     * before they were stored: the store format only grows for the twins that hold some.
     */
    @Test
    void retracted_explants_come_back_and_cost_nothing_when_there_are_none() {
        PumpTwin plain = busyPump().twin();
        String retracted = java.util.UUID.randomUUID().toString();
        PumpTwin holding = plain.apply(new io.pumptwin.twin.telemetry.TelemetryEvent("e-r", "STORE-1", "pt-STORE-1",
                "clinic-1", PumpTwinScenarios.day(34), 100, io.pumptwin.twin.telemetry.TelemetrySource.OTHER,
                new io.pumptwin.twin.telemetry.PumpExplantRetraction(retracted,
                        io.pumptwin.twin.telemetry.ExplantRetractionReason.WRONG_SERIAL))).twin();
        assertThat(holding.retractedExplants()).containsExactly(retracted);

        byte[] single = PumpTwinStoreCodec.encode(holding);
        assertThat(PumpTwinStoreCodec.decode(single, TwinModelParameters.defaults())).isEqualTo(holding);
        PumpTwinStoreCodec.Split split = PumpTwinStoreCodec.encodeSplit(new byte[0], holding);
        assertThat(PumpTwinStoreCodec.decodeSplit(split.hot(), 0, split.cold(), TwinModelParameters.defaults()))
                .isEqualTo(holding);

        PumpTwin none = new PumpTwin(holding.identity(), holding.parameters(), holding.asOf(), holding.anchorAt(),
                holding.lastHeardAt(), holding.lastReportedAt(), holding.lastSequence(), holding.eventsApplied(),
                holding.recentEvents(), holding.prescription(), holding.reservoirAnchor(), holding.pumpComputedMl(), holding.fill(),
                holding.battery(), holding.delivery(), holding.catheter(), holding.recentSymptoms(),
                holding.activeCriticalAlarms(), holding.conditions(), holding.calibration(), holding.explant(),
                java.util.List.of());
        // 1 count byte and a 17-byte UUID id (tag and 16 bytes) more, at the end of the cold part
        assertThat(single.length - PumpTwinStoreCodec.encode(none).length).isEqualTo(18);
        assertThat(split.cold().length - PumpTwinStoreCodec.encodeSplit(new byte[0], none).cold().length)
                .isEqualTo(18);
        assertThat(PumpTwinStoreCodec.decode(PumpTwinStoreCodec.encode(none), TwinModelParameters.defaults())
                .retractedExplants()).isEmpty();
    }

    /**
     * The de-duplication memory is full in steady state (64 events): with UUID event ids, as the gateway and
     * the simulator assign them, it must not dominate the twin's bytes (format 1 took 54 bytes per event).
     */
    @Test
    void a_full_deduplication_memory_of_uuid_events_stays_small() {
        var story = PumpTwinScenarios.filledPump("STORE-2");
        PumpTwin twin = story.twin();
        long seq = twin.lastSequence();
        java.time.Instant t = twin.asOf();
        for (int i = 0; i < 80; i++) {
            t = t.plusSeconds(900);
            var status = new io.pumptwin.twin.telemetry.TelemetryEvent(java.util.UUID.randomUUID().toString(),
                    "STORE-2", "pt-STORE-2", "clinic-1", t, ++seq, io.pumptwin.twin.telemetry.TelemetrySource.SIMULATOR,
                    io.pumptwin.twin.telemetry.StatusReport.of(19, 20, 2.0, 2000, 500, 80));
            twin = twin.apply(status).twin();
        }
        assertThat(twin.recentEvents().items()).hasSize(64);
        byte[] stored = PumpTwinStoreCodec.encode(twin);
        PumpTwin restored = PumpTwinStoreCodec.decode(stored, TwinModelParameters.defaults());
        assertThat(restored).isEqualTo(twin);
        // re-encoding the decoded twin (its ids' bytes known from the decode) gives the same bytes
        assertThat(PumpTwinStoreCodec.encode(restored)).isEqualTo(stored);
        // the newest 8 events at 16 bytes of id, a tag and two short deltas each; the other 56 at a tag and two deltas
        assertThat(twin.recentEvents().items().stream().filter(f -> f.eventId() != null)).hasSize(RecentEvents.IDS_KEPT);
        assertThat(stored.length).isLessThan(PumpTwinStoreCodec.encode(PumpTwinScenarios.filledPump("STORE-2").twin()).length
                + RecentEvents.IDS_KEPT * 24 + (64 - RecentEvents.IDS_KEPT) * 8);
    }

    /** Ids that look like UUIDs but are not in canonical form come back as the exact text they were. */
    @Test
    void event_ids_come_back_as_the_exact_text_whatever_their_form() {
        var story = PumpTwinScenarios.filledPump("STORE-3");
        PumpTwin twin = story.twin();
        long seq = twin.lastSequence();
        java.time.Instant t = twin.asOf();
        String canonical = java.util.UUID.randomUUID().toString();
        String[] ids = {canonical, canonical.toUpperCase(java.util.Locale.ROOT),
                "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8f90",
                "0a1b2c3d_4e5f-6071-8293-a4b5c6d7e8f9", "0a1b2c3d-4e5f-6071-8293-a4b5c6d7e8g9", "e-17", "",
                // modified UTF-8 beyond ASCII: two- and three-byte characters, an encoded NUL, a supplementary
                // character (a surrogate pair), and a length above 255 (both bytes of the length prefix)
                "\u00e9v\u00e8nement-\u20ac", "nul\u0000id", "\uD83D\uDC89-dose", "x".repeat(300) + "\u00b5"};
        for (int i = 0; i < ids.length; i++) {
            t = t.plusSeconds(900);
            twin = twin.apply(new io.pumptwin.twin.telemetry.TelemetryEvent(ids[i], "STORE-3", "pt-STORE-3", "clinic-1",
                    t, ++seq, io.pumptwin.twin.telemetry.TelemetrySource.SIMULATOR,
                    io.pumptwin.twin.telemetry.StatusReport.of(19, 20, 2.0, 2000, 500, 80))).twin();
            // checked after each event: only the newest RecentEvents.IDS_KEPT events keep their ids
            PumpTwin restored = PumpTwinStoreCodec.decode(PumpTwinStoreCodec.encode(twin), TwinModelParameters.defaults());
            assertThat(restored.recentEvents().lastIds(1)).containsExactly(ids[i]);
            assertThat(restored.recentEvents()).isEqualTo(twin.recentEvents());
            assertThat(restored).isEqualTo(twin);
        }
    }

    @Test
    void foreign_bytes_are_refused_with_a_clear_error() {
        byte[] stored = PumpTwinStoreCodec.encode(busyPump().twin());
        byte[] otherVersion = stored.clone();
        otherVersion[0] = 9;
        assertThatThrownBy(() -> PumpTwinStoreCodec.decode(otherVersion, TwinModelParameters.defaults()))
                .isInstanceOf(PumpTwinStoreCodec.UnreadableTwin.class).hasMessageContaining("version 9");
        assertThatThrownBy(() -> PumpTwinStoreCodec.decode(Arrays.copyOf(stored, stored.length / 2),
                TwinModelParameters.defaults())).isInstanceOf(PumpTwinStoreCodec.UnreadableTwin.class);
    }

    /** The format writes enums by ordinal: these orders may only grow at the end. */
    @Test
    void enum_orders_the_store_format_relies_on_are_pinned() {
        assertThat(InfusionMode.values()).startsWith(InfusionMode.SIMPLE_CONTINUOUS, InfusionMode.FLEXIBLE,
                InfusionMode.PERIODIC_BOLUS, InfusionMode.SINGLE_BOLUS, InfusionMode.MINIMUM_RATE);
        assertThat(InterruptionCause.values()).startsWith(InterruptionCause.RESERVOIR_EMPTY,
                InterruptionCause.END_OF_SERVICE, InterruptionCause.RESET_TO_MINIMUM_RATE, InterruptionCause.MOTOR_STALL,
                InterruptionCause.CATHETER_FAULT, InterruptionCause.PROGRAMMED_BELOW_FILLED);
        assertThat(RiskLevel.values()).startsWith(RiskLevel.NONE, RiskLevel.WATCH, RiskLevel.LIKELY, RiskLevel.URGENT);
        assertThat(io.pumptwin.twin.telemetry.ExplantReason.values()).startsWith(
                io.pumptwin.twin.telemetry.ExplantReason.ELECTIVE_REPLACEMENT,
                io.pumptwin.twin.telemetry.ExplantReason.END_OF_SERVICE,
                io.pumptwin.twin.telemetry.ExplantReason.DEVICE_FAILURE,
                io.pumptwin.twin.telemetry.ExplantReason.INFECTION,
                io.pumptwin.twin.telemetry.ExplantReason.THERAPY_DISCONTINUED,
                io.pumptwin.twin.telemetry.ExplantReason.OTHER);
        assertThat(CatheterFaultKind.values()).startsWith(CatheterFaultKind.KINK, CatheterFaultKind.OCCLUSION,
                CatheterFaultKind.DISCONNECTION, CatheterFaultKind.TEAR_OR_LEAK, CatheterFaultKind.MIGRATION,
                CatheterFaultKind.TIP_MASS, CatheterFaultKind.UNKNOWN);
        assertThat(EvidenceKind.values()[0]).isEqualTo(EvidenceKind.RESIDUAL_EXCESS);
        assertThat(EvidenceKind.PUMP_SILENT.ordinal()).isEqualTo(21);
        assertThat(EvidenceKind.values()[EvidenceKind.values().length - 1]).isEqualTo(EvidenceKind.PUMP_EXPLANTED);
        assertThat(Symptom.values()).hasSizeLessThanOrEqualTo(32);
        assertThat(PumpAlarmKind.values()).hasSizeLessThanOrEqualTo(32);
        assertThat(TwinEventType.values()[0]).isEqualTo(TwinEventType.REFILL_DUE);
        assertThat(TwinEventType.PUMP_SILENT.ordinal()).isEqualTo(8);
        assertThat(TwinEventType.EXPLANT_DOUBTED.ordinal()).isEqualTo(9);
    }
}
