package io.pumptwin.twin.telemetry;

/** A reprogramming of dose, concentration or mode outside a refill. */
public record PrescriptionChange(
        double previousDoseMcgPerDay,
        double newDoseMcgPerDay,
        double concentrationMcgPerMl,
        InfusionMode infusionMode,
        DoseChangeReason reason) implements TelemetryFact {

    public boolean escalation() {
        return newDoseMcgPerDay > previousDoseMcgPerDay;
    }
}
