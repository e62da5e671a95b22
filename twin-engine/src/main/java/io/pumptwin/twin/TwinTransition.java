package io.pumptwin.twin;

import java.util.List;

/**
 * The twin after an event or an advance of stream time, and the events that caused.
 *
 * @param assessment the twin's estimates at its time, as computed to decide the events (null for a duplicate):
 *                   the engine writes the twin state from it rather than assessing the twin a second time
 */
public record TwinTransition(PumpTwin twin, List<TwinEvent> events, Outcome outcome, TwinAssessment assessment) {

    /** APPLIED: a new telemetry event moved the twin; DUPLICATE: already applied, nothing changed; ADVANCED: stream time. */
    public enum Outcome { APPLIED, DUPLICATE, ADVANCED }

    public TwinTransition {
        events = List.copyOf(events);
    }

    public TwinTransition(PumpTwin twin, List<TwinEvent> events, Outcome outcome) {
        this(twin, events, outcome, null);
    }
}
