package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.PumpAlarm;
import io.pumptwin.twin.telemetry.PumpAlarmKind;
import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetrySource;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The de-duplication memory holds a UUID id as its two longs (issue 5) and still answers exactly as a memory of texts:
 * the same ids back, the same retries caught, the same value whichever way it was built.
 */
class RecentEventsTest {
    private static final Instant T0 = Instant.parse("2026-03-01T00:00:00Z");

    @Test
    void uuid_ids_held_as_longs_give_back_their_text_and_catch_a_retry_with_a_new_sequence() {
        RecentEvents memory = RecentEvents.empty(64);
        List<TelemetryEvent> sent = new ArrayList<>();
        for (int k = 1; k <= 20; k++) {
            TelemetryEvent e = event(new UUID(k, -k).toString(), k, k);
            sent.add(e);
            memory = memory.with(e);
        }
        assertThat(memory.size()).isEqualTo(20);
        for (int k = 0; k < 20; k++) {
            boolean kept = k >= 20 - RecentEvents.IDS_KEPT;
            assertThat(memory.idIsUuid(k)).isEqualTo(kept);
            assertThat(memory.eventId(k)).isEqualTo(kept ? sent.get(k).eventId() : null);
        }
        TelemetryEvent newest = sent.get(19);
        // a retry: same id, a sequence and time that match nothing remembered
        assertThat(memory.seen(event(newest.eventId(), 999, 999))).isTrue();
        // the same UUID in upper case is another id, as it was when ids were compared as text
        assertThat(memory.seen(event(newest.eventId().toUpperCase(Locale.ROOT), 999, 999))).isFalse();
        // an id that aged out of the kept ones is caught by its sequence and time only
        TelemetryEvent oldest = sent.get(0);
        assertThat(memory.seen(event(oldest.eventId(), 999, 999))).isFalse();
        assertThat(memory.seen(event("another", oldest.sequence(), 1))).isTrue();
        assertThat(memory.lastIds(3)).containsExactly(sent.get(17).eventId(), sent.get(18).eventId(),
                newest.eventId());
    }

    @Test
    void a_memory_is_the_same_value_whether_built_from_texts_or_from_stored_longs() {
        List<RecentEvents.Fingerprint> items = new ArrayList<>();
        for (int k = 1; k <= 12; k++) {
            String id = k == 11 ? "gateway-retry-11" : new UUID(7 * k, 11 * k).toString();
            items.add(new RecentEvents.Fingerprint(id, k, k * 1000L));
        }
        RecentEvents fromTexts = new RecentEvents(items, 64);

        int n = items.size();
        String[] texts = new String[n];
        boolean[] uuids = new boolean[n];
        long[] hi = new long[n];
        long[] lo = new long[n];
        long[] seq = new long[n];
        long[] times = new long[n];
        for (int k = 0; k < n; k++) {
            UUID u = EventIds.canonicalUuid(items.get(k).eventId());
            if (u != null && k != 5) { // one UUID stored as text, as an earlier store version wrote some
                uuids[k] = true;
                hi[k] = u.getMostSignificantBits();
                lo[k] = u.getLeastSignificantBits();
            } else {
                texts[k] = items.get(k).eventId();
            }
            seq[k] = k + 1;
            times[k] = (k + 1) * 1000L;
        }
        RecentEvents stored = RecentEvents.ofArrays(texts, uuids, hi, lo, seq, times, 64);

        assertThat(stored).isEqualTo(fromTexts).hasSameHashCodeAs(fromTexts);
        assertThat(stored.items()).isEqualTo(fromTexts.items());
        assertThat(stored.eventId(10)).isEqualTo("gateway-retry-11");
        assertThat(stored.idIsUuid(10)).isFalse();
    }

    private static TelemetryEvent event(String id, long sequence, long seconds) {
        return new TelemetryEvent(id, "PT-1", "pt-1", "clinic-1", T0.plusSeconds(seconds), sequence,
                TelemetrySource.SIMULATOR, new PumpAlarm(PumpAlarmKind.LOW_RESERVOIR, false, null));
    }
}
