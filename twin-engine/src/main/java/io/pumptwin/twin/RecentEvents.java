package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.TelemetryEvent;

import java.util.ArrayList;
import java.util.List;

/**
 * The last telemetry events applied, bounded, for de-duplication: a device or gateway retry repeats
 * the event id; a re-send with a fresh id repeats the pump's sequence number and event time. Sequence
 * alone is not enough: a memory reset may restart the pump's numbering.
 */
public record RecentEvents(List<Fingerprint> items, int limit) {

    /** What identifies one telemetry event. */
    public record Fingerprint(String eventId, long sequence, long eventTimeMillis) {
    }

    public RecentEvents {
        items = List.copyOf(items.size() > limit ? items.subList(items.size() - limit, items.size()) : items);
    }

    public static RecentEvents empty(int limit) {
        return new RecentEvents(List.of(), limit);
    }

    public boolean seen(TelemetryEvent e) {
        long t = e.eventTime().toEpochMilli();
        for (Fingerprint f : items) {
            if (f.eventId().equals(e.eventId()) || (f.sequence() == e.sequence() && f.eventTimeMillis() == t)) {
                return true;
            }
        }
        return false;
    }

    public RecentEvents with(TelemetryEvent e) {
        List<Fingerprint> next = new ArrayList<>(items);
        next.add(new Fingerprint(e.eventId(), e.sequence(), e.eventTime().toEpochMilli()));
        return new RecentEvents(next, limit);
    }

    /** Ids of the most recent events, newest last, for provenance. */
    public List<String> lastIds(int n) {
        return items.subList(Math.max(0, items.size() - n), items.size()).stream().map(Fingerprint::eventId).toList();
    }
}
