package io.pumptwin.twin.store;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.PumpTwinScenarios;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.telemetry.StatusReport;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The split store format (issue 5): a twin in a hot and a cold part comes back equal, and a routine status report
 * leaves the cold part byte for byte as it was, so the engine need not rewrite it.
 */
class SplitTwinFormatTest {
    private static final TwinModelParameters MODEL = TwinModelParameters.defaults();
    private static final byte[] PREFIX = {7, 7, 7};

    @Test
    void a_split_twin_comes_back_equal_and_encodes_to_the_same_parts_again() {
        var story = PumpTwinScenarios.filledPump("SPLIT-1");
        story.status(3);
        story.refill(30, 12.5, 9.0);
        story.status(31);
        for (PumpTwin twin : List.of(PumpTwinScenarios.filledPump("SPLIT-0").twin(), story.twin(), reported(96))) {
            PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(PREFIX, twin);
            assertThat(Arrays.copyOf(parts.hot(), PREFIX.length)).isEqualTo(PREFIX);
            PumpTwin restored = PumpTwinStoreCodec.decodeSplit(parts.hot(), PREFIX.length, parts.cold(), MODEL);
            assertThat(restored).isEqualTo(twin);
            PumpTwinStoreCodec.Split again = PumpTwinStoreCodec.encodeSplit(PREFIX, restored);
            assertThat(again.hot()).isEqualTo(parts.hot());
            assertThat(again.cold()).isEqualTo(parts.cold());
            // the same fields as the single format, nothing more, the hot part's times and counters in fewer bytes
            assertThat(parts.hot().length - PREFIX.length + parts.cold().length)
                    .isLessThanOrEqualTo(PumpTwinStoreCodec.encode(twin).length + 1);
        }
    }

    /**
     * A store or changelog written by the release before split version 5 is read by this one. The fixture is
     * SplitFormatFixtures.fullMemoryPump() as split version 4 wrote it (2026-12-04, the models unchanged since): its
     * de-duplication memory full, at whole seconds and at odd milliseconds, with open conditions.
     */
    @Test
    void a_twin_stored_in_split_version_4_is_still_read_and_stored_smaller() throws Exception {
        PumpTwinStoreCodec.Split stored4 = fixture("full-memory-pump-v4");
        byte[] hot4 = stored4.hot();
        byte[] cold4 = stored4.cold();
        assertThat(hot4[0]).isEqualTo((byte) 4);
        PumpTwin expected = SplitFormatFixtures.fullMemoryPump().twin();
        assertThat(expected.recentEvents().size()).isEqualTo(expected.recentEvents().limit());
        assertThat(expected.conditions()).isNotEmpty();

        PumpTwin restored = PumpTwinStoreCodec.decodeSplit(hot4, 0, cold4, MODEL);
        assertThat(restored).isEqualTo(expected);

        PumpTwinStoreCodec.Split again = PumpTwinStoreCodec.encodeSplit(new byte[0], restored);
        assertThat(again.hot()[0]).isEqualTo(PumpTwinStoreCodec.SPLIT_VERSION);
        assertThat(PumpTwinStoreCodec.decodeSplit(again.hot(), 0, again.cold(), MODEL)).isEqualTo(expected);
        // The cold part is written as before; the hot part a report rewrites is a third smaller (713 bytes in 4).
        assertThat(again.cold().length).isEqualTo(cold4.length);
        assertThat(again.hot().length).isLessThan(hot4.length * 2 / 3);
    }

    /**
     * A store or changelog written by the release before split version 6 is read by this one. The fixture is
     * SplitFormatFixtures.fullMemoryPump() as split version 5 wrote it (2026-12-04, at 82ff30e): a twin of that
     * version has no time of the pump's own last report and is read with the time last heard, as it dated late
     * reports; here the pump's alarm was the last heard, so the twin read is the one built today.
     */
    @Test
    void a_twin_stored_in_split_version_5_is_still_read() throws Exception {
        PumpTwinStoreCodec.Split stored5 = fixture("full-memory-pump-v5");
        byte[] hot5 = stored5.hot();
        byte[] cold5 = stored5.cold();
        assertThat(hot5[0]).isEqualTo((byte) 5);
        PumpTwin expected = SplitFormatFixtures.fullMemoryPump().twin();
        assertThat(expected.lastReportedAt()).isEqualTo(expected.lastHeardAt());

        PumpTwin restored = PumpTwinStoreCodec.decodeSplit(hot5, 0, cold5, MODEL);
        assertThat(restored).isEqualTo(expected);

        PumpTwinStoreCodec.Split again = PumpTwinStoreCodec.encodeSplit(new byte[0], restored);
        assertThat(again.hot()[0]).isEqualTo(PumpTwinStoreCodec.SPLIT_VERSION);
        assertThat(PumpTwinStoreCodec.decodeSplit(again.hot(), 0, again.cold(), MODEL)).isEqualTo(expected);
        // one byte more in the hot part (the pump last heard: no distance back), the cold part as it was
        assertThat(again.hot().length).isEqualTo(hot5.length + 1);
        assertThat(Arrays.copyOfRange(again.cold(), 1, again.cold().length))
                .isEqualTo(Arrays.copyOfRange(cold5, 1, cold5.length));
    }

    /** The pump's own last report, when the patient or the clinic was heard from since, comes back in both formats. */
    @Test
    void the_pumps_last_report_comes_back_when_others_were_heard_since() {
        var story = PumpTwinScenarios.filledPump("SPLIT-3");
        story.status(3);
        story.symptoms(3.5, io.pumptwin.twin.telemetry.Symptom.PRURITUS);
        PumpTwin twin = story.twin();
        assertThat(twin.lastReportedAt()).isEqualTo(PumpTwinScenarios.day(3));
        assertThat(twin.lastHeardAt()).isEqualTo(PumpTwinScenarios.day(3.5));
        PumpTwin clinicOnly = PumpTwin.start(new io.pumptwin.twin.PumpIdentity("SPLIT-4", "pt-4", "clinic-1", null),
                PumpTwinScenarios.day(0), MODEL).apply(new TelemetryEvent(UUID.randomUUID().toString(), "SPLIT-4",
                "pt-4", "clinic-1", PumpTwinScenarios.day(0), 1, TelemetrySource.CLINICIAN_PROGRAMMER,
                io.pumptwin.twin.telemetry.RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500))).twin();
        assertThat(clinicOnly.lastReportedAt()).isNull();
        assertThat(clinicOnly.lastHeardAt()).isNotNull();

        for (PumpTwin t : List.of(twin, clinicOnly)) {
            PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(PREFIX, t);
            PumpTwin split = PumpTwinStoreCodec.decodeSplit(parts.hot(), PREFIX.length, parts.cold(), MODEL);
            assertThat(split).isEqualTo(t);
            assertThat(split.lastReportedAt()).isEqualTo(t.lastReportedAt());
            assertThat(PumpTwinStoreCodec.decode(PumpTwinStoreCodec.encode(t), MODEL)).isEqualTo(t);
        }
    }

    /** A split twin as an earlier release stored it: {@code /store/NAME.hot.bin} and {@code NAME.cold.bin}. */
    private static PumpTwinStoreCodec.Split fixture(String name) throws java.io.IOException {
        try (var hot = SplitTwinFormatTest.class.getResourceAsStream("/store/" + name + ".hot.bin");
             var cold = SplitTwinFormatTest.class.getResourceAsStream("/store/" + name + ".cold.bin")) {
            return new PumpTwinStoreCodec.Split(hot.readAllBytes(), cold.readAllBytes());
        }
    }

    @Test
    void routine_status_reports_leave_the_cold_part_as_it_was() {
        PumpTwin twin = reported(0);
        byte[] cold = PumpTwinStoreCodec.encodeSplit(PREFIX, twin).cold();
        int reports = 4 * 24 * 7;
        int coldChanges = 0;
        long hotBytes = 0;
        long wholeBytes = 0;
        for (int i = 1; i <= reports; i++) {
            twin = next(twin, i);
            PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(PREFIX, twin);
            if (!Arrays.equals(parts.cold(), cold)) {
                coldChanges++;
                cold = parts.cold();
            }
            hotBytes += parts.hot().length;
            wholeBytes += parts.hot().length + parts.cold().length;
        }
        // a week of 15-minute reports: the cold part changes when the battery history keeps a reading (about daily)
        assertThat(coldChanges).isBetween(1, reports / 20);
        assertThat((double) hotBytes / wholeBytes).isLessThan(0.75);
    }

    @Test
    void a_hot_part_is_not_read_without_its_cold_part() {
        PumpTwinStoreCodec.Split parts = PumpTwinStoreCodec.encodeSplit(new byte[0], reported(10));
        assertThatThrownBy(() -> PumpTwinStoreCodec.decode(parts.hot(), MODEL))
                .isInstanceOf(PumpTwinStoreCodec.UnreadableTwin.class).hasMessageContaining("cold part");
        assertThatThrownBy(() -> PumpTwinStoreCodec.decodeSplit(parts.hot(), 0, null, MODEL))
                .isInstanceOf(PumpTwinStoreCodec.UnreadableTwin.class).hasMessageContaining("no cold part");
        // a single-format twin is not a cold part
        byte[] single = PumpTwinStoreCodec.encode(reported(10));
        assertThatThrownBy(() -> PumpTwinStoreCodec.decodeSplit(parts.hot(), 0, single, MODEL))
                .isInstanceOf(PumpTwinStoreCodec.UnreadableTwin.class).hasMessageContaining("format versions");
    }

    /** A filled pump after {@code reports} status reports 15 minutes apart. */
    private static PumpTwin reported(int reports) {
        PumpTwin twin = PumpTwinScenarios.filledPump("SPLIT-2").twin();
        for (int i = 1; i <= reports; i++) {
            twin = next(twin, i);
        }
        return twin;
    }

    private static PumpTwin next(PumpTwin twin, int i) {
        Instant t = PumpTwinScenarios.day(0).plusSeconds(900L * i);
        double computed = 20 - (i / 96.0) * 0.25;
        return twin.apply(new TelemetryEvent(new UUID(5, i).toString(), "SPLIT-2", "pt-SPLIT-2", "clinic-1", t,
                twin.lastSequence() + 1, TelemetrySource.SIMULATOR,
                StatusReport.of(computed, 20, 2.0, 2000, 500, 80 - i * 0.001))).twin();
    }
}
