package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.TelemetryEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * The last telemetry events applied, bounded, for de-duplication: a device or gateway retry repeats
 * the event id; a re-send with a fresh id repeats the pump's sequence number and event time. Sequence
 * alone is not enough: a memory reset may restart the pump's numbering.
 *
 * <p>Every remembered event keeps its sequence and event time; only the newest {@link #IDS_KEPT} keep their
 * id too. A retry repeats the sequence and time of the event it repeats, so those catch it at any depth; the
 * ids are kept for the state's provenance (the last ids applied) and for a retry of a recent event. Keeping
 * all 64 ids made them most of a twin's stored bytes, encoded and decoded on every event (issue 5).
 *
 * <p>Held in parallel arrays, oldest first, never changed after construction: one object per remembered
 * event (a list of 64 fingerprints, copied again by each new memory) was most of the work of reading a twin from
 * the store, which the engine does for every event (issue 5). An id that is a UUID in its canonical text (almost all
 * are) is held as its two longs, not as text: the store keeps it so, and writing out the text of the eight kept ids
 * whenever a twin was read took more of the engine's time than the de-duplication it serves (issue 5); the text is
 * made only when asked for ({@link #eventId}, {@link #lastIds}). Every id is held in the one form its text calls for,
 * so a value: equal memories are equal.
 */
public final class RecentEvents {

    /** How many of the newest events keep their ids. */
    public static final int IDS_KEPT = 8;

    /** Each event's id when it is not a canonical UUID; null otherwise. */
    private final String[] texts;
    /** Whether each event's id is the canonical UUID in {@link #uuidHi} / {@link #uuidLo}. */
    private final boolean[] uuids;
    private final long[] uuidHi;
    private final long[] uuidLo;
    private final long[] sequences;
    private final long[] eventTimes;
    private final int limit;

    /** What identifies one telemetry event; {@code eventId} is null once the event is older than the ids kept. */
    public record Fingerprint(String eventId, long sequence, long eventTimeMillis) {
    }

    /** The newest {@code limit} of {@code items}, oldest first; only the newest {@link #IDS_KEPT} keep their ids. */
    public RecentEvents(List<Fingerprint> items, int limit) {
        this(Math.min(items.size(), limit), limit);
        int n = size();
        int from = items.size() - n;
        for (int k = 0; k < n; k++) {
            Fingerprint f = items.get(from + k);
            if (k >= n - IDS_KEPT) {
                hold(k, f.eventId());
            }
            sequences[k] = f.sequence();
            eventTimes[k] = f.eventTimeMillis();
        }
    }

    private RecentEvents(int n, int limit) {
        this.texts = new String[n];
        this.uuids = new boolean[n];
        this.uuidHi = new long[n];
        this.uuidLo = new long[n];
        this.sequences = new long[n];
        this.eventTimes = new long[n];
        this.limit = limit;
    }

    /** Holds {@code id} (null: none) as the {@code k}-th event's id, as a UUID when it is one's canonical text. */
    private void hold(int k, String id) {
        UUID u = id == null ? null : EventIds.canonicalUuid(id);
        if (u != null) {
            uuids[k] = true;
            uuidHi[k] = u.getMostSignificantBits();
            uuidLo[k] = u.getLeastSignificantBits();
        } else {
            texts[k] = id;
        }
    }

    /**
     * A memory read from the store: per event, oldest first, its id as text ({@code texts}, null when none or when
     * {@code uuids} says it is the UUID in {@code uuidHi} / {@code uuidLo}), its sequence and its time. The arrays are
     * read, not kept. Ids older than the newest {@link #IDS_KEPT} are dropped; more than {@code limit} events keep the
     * newest.
     */
    public static RecentEvents ofArrays(String[] texts, boolean[] uuids, long[] uuidHi, long[] uuidLo,
                                        long[] sequences, long[] eventTimesMillis, int limit) {
        int size = texts.length;
        if (uuids.length != size || uuidHi.length != size || uuidLo.length != size || sequences.length != size
                || eventTimesMillis.length != size) {
            throw new IllegalArgumentException("recent events arrays differ in length");
        }
        int from = Math.max(0, size - limit);
        int n = size - from;
        RecentEvents r = new RecentEvents(n, limit);
        System.arraycopy(sequences, from, r.sequences, 0, n);
        System.arraycopy(eventTimesMillis, from, r.eventTimes, 0, n);
        for (int k = Math.max(0, n - IDS_KEPT); k < n; k++) {
            if (uuids[from + k]) {
                r.uuids[k] = true;
                r.uuidHi[k] = uuidHi[from + k];
                r.uuidLo[k] = uuidLo[from + k];
            } else {
                r.hold(k, texts[from + k]); // text written by an earlier version may be a canonical UUID
            }
        }
        return r;
    }

    /** As {@link #ofArrays(String[], boolean[], long[], long[], long[], long[], int)}, every id as text. */
    public static RecentEvents ofArrays(String[] ids, long[] sequences, long[] eventTimesMillis, int limit) {
        int n = ids.length;
        return ofArrays(ids, new boolean[n], new long[n], new long[n], sequences, eventTimesMillis, limit);
    }

    public static RecentEvents empty(int limit) {
        return new RecentEvents(0, limit);
    }

    public int limit() {
        return limit;
    }

    /** How many events are remembered. */
    public int size() {
        return sequences.length;
    }

    /** The {@code k}-th remembered event's id, oldest first; null once it is older than the ids kept. */
    public String eventId(int k) {
        return uuids[k] ? new UUID(uuidHi[k], uuidLo[k]).toString() : texts[k];
    }

    /** Whether the {@code k}-th event's id is a UUID, held as {@link #uuidHi} and {@link #uuidLo} (for the store). */
    public boolean idIsUuid(int k) {
        return uuids[k];
    }

    public long uuidHi(int k) {
        return uuidHi[k];
    }

    public long uuidLo(int k) {
        return uuidLo[k];
    }

    public long sequence(int k) {
        return sequences[k];
    }

    public long eventTimeMillis(int k) {
        return eventTimes[k];
    }

    /** The remembered events, oldest first (a copy, for reading; the engine's paths use the indexed accessors). */
    public List<Fingerprint> items() {
        List<Fingerprint> items = new ArrayList<>(size());
        for (int k = 0; k < size(); k++) {
            items.add(new Fingerprint(eventId(k), sequences[k], eventTimes[k]));
        }
        return List.copyOf(items);
    }

    public boolean seen(TelemetryEvent e) {
        long t = e.eventTime().toEpochMilli();
        long seq = e.sequence();
        String id = e.eventId();
        UUID asUuid = null;
        boolean parsed = false;
        for (int k = 0; k < sequences.length; k++) {
            if (sequences[k] == seq && eventTimes[k] == t || id.equals(texts[k])) {
                return true;
            }
            if (uuids[k]) {
                if (!parsed) {
                    asUuid = EventIds.canonicalUuid(id); // an id equals a UUID's text only when it is canonical
                    parsed = true;
                }
                if (asUuid != null && asUuid.getMostSignificantBits() == uuidHi[k]
                        && asUuid.getLeastSignificantBits() == uuidLo[k]) {
                    return true;
                }
            }
        }
        return false;
    }

    public RecentEvents with(TelemetryEvent e) {
        int n = Math.min(size() + 1, limit);
        int from = size() + 1 - n; // the oldest one falls out when the memory is full
        RecentEvents r = new RecentEvents(n, limit);
        int kept = n - 1;
        System.arraycopy(texts, from, r.texts, 0, kept);
        System.arraycopy(uuids, from, r.uuids, 0, kept);
        System.arraycopy(uuidHi, from, r.uuidHi, 0, kept);
        System.arraycopy(uuidLo, from, r.uuidLo, 0, kept);
        System.arraycopy(sequences, from, r.sequences, 0, kept);
        System.arraycopy(eventTimes, from, r.eventTimes, 0, kept);
        r.hold(kept, e.eventId());
        r.sequences[kept] = e.sequence();
        r.eventTimes[kept] = e.eventTime().toEpochMilli();
        int agedOut = n - 1 - IDS_KEPT; // the one id that leaves the newest IDS_KEPT; the older ones are gone already
        if (agedOut >= 0) {
            r.texts[agedOut] = null;
            r.uuids[agedOut] = false;
            r.uuidHi[agedOut] = 0;
            r.uuidLo[agedOut] = 0;
        }
        return r;
    }

    /** Ids of the most recent events, newest last, for provenance: at most {@link #IDS_KEPT}. */
    public List<String> lastIds(int n) {
        List<String> out = new ArrayList<>(Math.min(n, IDS_KEPT));
        for (int k = Math.max(0, size() - n); k < size(); k++) {
            String id = eventId(k);
            if (id != null) {
                out.add(id);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentEvents r && limit == r.limit && Arrays.equals(sequences, r.sequences)
                && Arrays.equals(eventTimes, r.eventTimes) && Arrays.equals(texts, r.texts)
                && Arrays.equals(uuids, r.uuids) && Arrays.equals(uuidHi, r.uuidHi) && Arrays.equals(uuidLo, r.uuidLo);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limit, Arrays.hashCode(sequences), Arrays.hashCode(eventTimes), Arrays.hashCode(texts),
                Arrays.hashCode(uuidHi), Arrays.hashCode(uuidLo));
    }

    @Override
    public String toString() {
        return "RecentEvents[items=" + items() + ", limit=" + limit + "]";
    }
}
