package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.TelemetryEvent;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

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
 * <p>Held in three parallel arrays, oldest first, never changed after construction: one object per remembered
 * event (a list of 64 fingerprints, copied again by each new memory) was most of the work of reading a twin from
 * the store, which the engine does for every event (issue 5). A value: equal memories are equal.
 */
public final class RecentEvents {

    /** How many of the newest events keep their ids. */
    public static final int IDS_KEPT = 8;

    private final String[] ids;
    private final long[] sequences;
    private final long[] eventTimes;
    private final int limit;

    /** What identifies one telemetry event; {@code eventId} is null once the event is older than the ids kept. */
    public record Fingerprint(String eventId, long sequence, long eventTimeMillis) {
    }

    /** The newest {@code limit} of {@code items}, oldest first; only the newest {@link #IDS_KEPT} keep their ids. */
    public RecentEvents(List<Fingerprint> items, int limit) {
        int from = Math.max(0, items.size() - limit);
        int n = items.size() - from;
        String[] i = new String[n];
        long[] s = new long[n];
        long[] t = new long[n];
        for (int k = 0; k < n; k++) {
            Fingerprint f = items.get(from + k);
            i[k] = f.eventId();
            s[k] = f.sequence();
            t[k] = f.eventTimeMillis();
        }
        this.ids = withoutOldIds(i);
        this.sequences = s;
        this.eventTimes = t;
        this.limit = limit;
    }

    private RecentEvents(String[] ids, long[] sequences, long[] eventTimes, int limit) {
        this.ids = ids;
        this.sequences = sequences;
        this.eventTimes = eventTimes;
        this.limit = limit;
    }

    /**
     * A memory from arrays of equal length, oldest first, which it takes over: the caller must not change them
     * (the store codec builds them for this call only). Ids older than the newest {@link #IDS_KEPT} are dropped.
     */
    public static RecentEvents ofArrays(String[] ids, long[] sequences, long[] eventTimesMillis, int limit) {
        if (ids.length != sequences.length || ids.length != eventTimesMillis.length) {
            throw new IllegalArgumentException("recent events arrays differ in length");
        }
        if (ids.length > limit) {
            int from = ids.length - limit;
            return new RecentEvents(withoutOldIds(Arrays.copyOfRange(ids, from, ids.length)),
                    Arrays.copyOfRange(sequences, from, sequences.length),
                    Arrays.copyOfRange(eventTimesMillis, from, eventTimesMillis.length), limit);
        }
        return new RecentEvents(withoutOldIds(ids), sequences, eventTimesMillis, limit);
    }

    private static String[] withoutOldIds(String[] ids) {
        for (int k = 0; k < ids.length - IDS_KEPT; k++) {
            if (ids[k] != null) { // stored twins hold none: a null store into the array is a GC barrier per slot
                ids[k] = null;
            }
        }
        return ids;
    }

    public static RecentEvents empty(int limit) {
        return new RecentEvents(new String[0], new long[0], new long[0], limit);
    }

    public int limit() {
        return limit;
    }

    /** How many events are remembered. */
    public int size() {
        return ids.length;
    }

    /** The {@code k}-th remembered event's id, oldest first; null once it is older than the ids kept. */
    public String eventId(int k) {
        return ids[k];
    }

    public long sequence(int k) {
        return sequences[k];
    }

    public long eventTimeMillis(int k) {
        return eventTimes[k];
    }

    /** The remembered events, oldest first (a copy, for reading; the engine's paths use the indexed accessors). */
    public List<Fingerprint> items() {
        List<Fingerprint> items = new ArrayList<>(ids.length);
        for (int k = 0; k < ids.length; k++) {
            items.add(new Fingerprint(ids[k], sequences[k], eventTimes[k]));
        }
        return List.copyOf(items);
    }

    public boolean seen(TelemetryEvent e) {
        long t = e.eventTime().toEpochMilli();
        long seq = e.sequence();
        String id = e.eventId();
        for (int k = 0; k < ids.length; k++) {
            if ((sequences[k] == seq && eventTimes[k] == t) || id.equals(ids[k])) {
                return true;
            }
        }
        return false;
    }

    public RecentEvents with(TelemetryEvent e) {
        int n = Math.min(ids.length + 1, limit);
        int from = ids.length + 1 - n; // the oldest one falls out when the memory is full
        String[] i = new String[n];
        long[] s = new long[n];
        long[] t = new long[n];
        int kept = n - 1;
        System.arraycopy(ids, from, i, 0, kept);
        System.arraycopy(sequences, from, s, 0, kept);
        System.arraycopy(eventTimes, from, t, 0, kept);
        i[kept] = e.eventId();
        s[kept] = e.sequence();
        t[kept] = e.eventTime().toEpochMilli();
        int agedOut = n - 1 - IDS_KEPT; // the one id that leaves the newest IDS_KEPT; the older ones are null already
        if (agedOut >= 0) {
            i[agedOut] = null;
        }
        return new RecentEvents(i, s, t, limit);
    }

    /** Ids of the most recent events, newest last, for provenance: at most {@link #IDS_KEPT}. */
    public List<String> lastIds(int n) {
        List<String> out = new ArrayList<>(Math.min(n, IDS_KEPT));
        for (int k = Math.max(0, ids.length - n); k < ids.length; k++) {
            if (ids[k] != null) {
                out.add(ids[k]);
            }
        }
        return out;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RecentEvents r && limit == r.limit && Arrays.equals(sequences, r.sequences)
                && Arrays.equals(eventTimes, r.eventTimes) && Arrays.equals(ids, r.ids);
    }

    @Override
    public int hashCode() {
        return Objects.hash(limit, Arrays.hashCode(sequences), Arrays.hashCode(eventTimes), Arrays.hashCode(ids));
    }

    @Override
    public String toString() {
        return "RecentEvents[items=" + items() + ", limit=" + limit + "]";
    }
}
