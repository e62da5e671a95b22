package io.pumptwin.twin.telemetry;

/**
 * Clinical signs (DOMAIN.md, "Underdose and withdrawal" and "Overdose").
 */
public enum Symptom {
    SPASTICITY_RETURN(Meaning.EARLY_WITHDRAWAL),
    PRURITUS(Meaning.EARLY_WITHDRAWAL),
    TACHYCARDIA(Meaning.EARLY_WITHDRAWAL),
    PILOERECTION(Meaning.EARLY_WITHDRAWAL),
    HYPOTENSION(Meaning.EARLY_WITHDRAWAL),
    PARESTHESIA(Meaning.EARLY_WITHDRAWAL),
    FEVER(Meaning.SEVERE_WITHDRAWAL),
    ALTERED_MENTAL_STATUS(Meaning.SEVERE_WITHDRAWAL),
    REBOUND_RIGIDITY(Meaning.SEVERE_WITHDRAWAL),
    DROWSINESS(Meaning.OVERDOSE),
    DIZZINESS(Meaning.OVERDOSE),
    RESPIRATORY_DEPRESSION(Meaning.SEVERE_OVERDOSE),
    HYPOTHERMIA(Meaning.SEVERE_OVERDOSE),
    SEIZURE(Meaning.SEVERE_OVERDOSE),
    COMA(Meaning.SEVERE_OVERDOSE),
    OTHER(Meaning.UNSPECIFIC);

    /** What a sign points to. Severe withdrawal signs mark the 24-72 h progression (DOMAIN.md). */
    public enum Meaning { EARLY_WITHDRAWAL, SEVERE_WITHDRAWAL, OVERDOSE, SEVERE_OVERDOSE, UNSPECIFIC }

    private final Meaning meaning;

    Symptom(Meaning meaning) {
        this.meaning = meaning;
    }

    public Meaning meaning() {
        return meaning;
    }

    public boolean pointsToUnderdose() {
        return meaning == Meaning.EARLY_WITHDRAWAL || meaning == Meaning.SEVERE_WITHDRAWAL;
    }

    public boolean pointsToOverdose() {
        return meaning == Meaning.OVERDOSE || meaning == Meaning.SEVERE_OVERDOSE;
    }

    public boolean severe() {
        return meaning == Meaning.SEVERE_WITHDRAWAL || meaning == Meaning.SEVERE_OVERDOSE;
    }
}
