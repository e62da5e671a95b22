package io.pumptwin.twin.risk;

import io.pumptwin.twin.telemetry.Symptom;

import java.time.Instant;
import java.util.Set;

/** Symptoms as reported at an event time, kept for the risk window. */
public record SymptomObservation(Instant at, Set<Symptom> symptoms, String sourceEventId) {

    public SymptomObservation {
        symptoms = Set.copyOf(symptoms);
    }
}
