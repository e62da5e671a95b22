package io.pumptwin.simulator.patient;

import io.pumptwin.events.Symptom;
import io.pumptwin.events.SymptomReporter;

import java.util.List;

/**
 * What the patient presents, in order of urgency within each side (underdose or overdose). The signs are
 * those of DOMAIN.md and the patient-facing seed text.
 */
public enum ClinicalPicture {
    WELL(0, List.of(), SymptomReporter.PATIENT),
    UNDERTREATED(1, List.of(Symptom.SPASTICITY_RETURN), SymptomReporter.CLINICIAN),
    WITHDRAWAL_EARLY(2, List.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA,
            Symptom.PILOERECTION, Symptom.PARESTHESIA), SymptomReporter.PATIENT),
    WITHDRAWAL_ADVANCED(3, List.of(Symptom.SPASTICITY_RETURN, Symptom.PRURITUS, Symptom.TACHYCARDIA,
            Symptom.HYPOTENSION, Symptom.FEVER, Symptom.REBOUND_RIGIDITY), SymptomReporter.CAREGIVER),
    WITHDRAWAL_SEVERE(4, List.of(Symptom.SPASTICITY_RETURN, Symptom.TACHYCARDIA, Symptom.FEVER,
            Symptom.ALTERED_MENTAL_STATUS, Symptom.REBOUND_RIGIDITY), SymptomReporter.CAREGIVER),
    OVERDOSE_MILD(2, List.of(Symptom.DROWSINESS, Symptom.DIZZINESS), SymptomReporter.PATIENT),
    OVERDOSE_MODERATE(3, List.of(Symptom.DROWSINESS, Symptom.DIZZINESS, Symptom.RESPIRATORY_DEPRESSION,
            Symptom.HYPOTHERMIA), SymptomReporter.CAREGIVER),
    OVERDOSE_SEVERE(4, List.of(Symptom.DROWSINESS, Symptom.RESPIRATORY_DEPRESSION, Symptom.HYPOTHERMIA,
            Symptom.SEIZURE, Symptom.COMA), SymptomReporter.CAREGIVER);

    private final int urgency;
    private final List<Symptom> signs;
    private final SymptomReporter usualReporter;

    ClinicalPicture(int urgency, List<Symptom> signs, SymptomReporter usualReporter) {
        this.urgency = urgency;
        this.signs = signs;
        this.usualReporter = usualReporter;
    }

    public int urgency() {
        return urgency;
    }

    public List<Symptom> signs() {
        return signs;
    }

    public SymptomReporter usualReporter() {
        return usualReporter;
    }

    public boolean underdose() {
        return this == UNDERTREATED || this == WITHDRAWAL_EARLY || this == WITHDRAWAL_ADVANCED || this == WITHDRAWAL_SEVERE;
    }

    public boolean overdose() {
        return this == OVERDOSE_MILD || this == OVERDOSE_MODERATE || this == OVERDOSE_SEVERE;
    }

    /** Needs a clinician within hours rather than days. */
    public boolean emergency() {
        return urgency >= 3;
    }
}
