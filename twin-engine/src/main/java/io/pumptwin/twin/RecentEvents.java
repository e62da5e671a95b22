package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.TelemetryEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The last telemetry events applied, bounded, for de-duplication: a device or gateway retry repeats
 * the event id; a re-send with a fresh id repeats the pump's sequence number and event time. Sequence
 * alone is not enough: a memory reset may restart the pump's numbering.
 *
 * <p>Every remembered event keeps its sequence and event time; only the newest {@link #IDS_KEPT} keep their
 * id too. A retry repeats the sequence and time of the event it repeats, so those catch it at any depth; the
 * ids are kept for the state's provenance (the last ids applied) and for a retry of a recent event. Keeping
 * all 64 ids made them most of a twin's stored bytes, encoded and decoded on every event (issue 5).
 */
public record RecentEvents(List<Fingerprint> items, int limit) {

    /** How many of the newest events keep their ids. */
    public static final int IDS_KEPT = 8;

    /** What identifies one telemetry event; {@code eventId} is null once the event is older than the ids kept. */
    public record Fingerprint(String eventId, long sequence, long eventTimeMillis) {
        Fingerprint withoutId() {
            return new Fingerprint(null, sequence, eventTimeMillis);
        }
    }

    public RecentEvents {
        List<Fingerprint> kept = items.size() > limit ? items.subList(items.size() - limit, items.size()) : items;
        int firstWithId = kept.size() - IDS_KEPT;
        if (firstWithId > 0) {
            List<Fingerprint> stripped = null;
            for (int i = 0; i < firstWithId; i++) {
                if (kept.get(i).eventId() != null) {
                    if (stripped == null) {
                        stripped = new ArrayList<>(kept);
                    }
                    stripped.set(i, kept.get(i).withoutId());
                }
            }
            if (stripped != null) {
                kept = stripped;
            }
        }
        items = List.copyOf(kept);
    }

    public static RecentEvents empty(int limit) {
        return new RecentEvents(List.of(), limit);
    }

    public boolean seen(TelemetryEvent e) {
        long t = e.eventTime().toEpochMilli();
        for (Fingerprint f : items) {
            if ((f.sequence() == e.sequence() && f.eventTimeMillis() == t) || e.eventId().equals(f.eventId())) {
                return true;
            }
        }
        return false;
    }

    public RecentEvents with(TelemetryEvent e) {
        List<Fingerprint> next = new ArrayList<>(items.size() + 1);
        next.addAll(items);
        next.add(new Fingerprint(e.eventId(), e.sequence(), e.eventTime().toEpochMilli()));
        return new RecentEvents(next, limit);
    }

    /** Ids of the most recent events, newest last, for provenance: at most {@link #IDS_KEPT}. */
    public List<String> lastIds(int n) {
        List<String> ids = new ArrayList<>(Math.min(n, IDS_KEPT));
        for (int i = Math.max(0, items.size() - n); i < items.size(); i++) {
            if (items.get(i).eventId() != null) {
                ids.add(items.get(i).eventId());
            }
        }
        return ids;
    }
}
