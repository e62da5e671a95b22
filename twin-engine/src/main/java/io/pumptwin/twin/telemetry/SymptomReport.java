package io.pumptwin.twin.telemetry;

import java.time.Instant;
import java.util.Set;

/**
 * Symptoms reported by a patient, caregiver or clinician; they arrive late and noisy.
 *
 * @param spasticityAshworth modified Ashworth score 0-4, null when not assessed
 * @param onsetTime          when the symptoms began, null when unknown
 */
public record SymptomReport(Set<Symptom> symptoms, Double spasticityAshworth, SymptomReporter reporter,
                            Instant onsetTime) implements TelemetryFact {

    public SymptomReport {
        symptoms = Set.copyOf(symptoms);
    }

    public static SymptomReport of(Symptom... symptoms) {
        return new SymptomReport(Set.of(symptoms), null, SymptomReporter.PATIENT, null);
    }
}
