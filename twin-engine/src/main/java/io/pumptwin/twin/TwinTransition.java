package io.pumptwin.twin;

import java.util.List;

/** The twin after an event or an advance of stream time, and the events that caused. */
public record TwinTransition(PumpTwin twin, List<TwinEvent> events, Outcome outcome) {

    /** APPLIED: a new telemetry event moved the twin; DUPLICATE: already applied, nothing changed; ADVANCED: stream time. */
    public enum Outcome { APPLIED, DUPLICATE, ADVANCED }

    public TwinTransition {
        events = List.copyOf(events);
    }
}
