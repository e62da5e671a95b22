package io.pumptwin.twin.telemetry;

/**
 * The clinic took the pump out of the patient, at the event's time. Recorded by the clinic (the gateway refuses it
 * from devices at the patient's side): the serial is no longer in a patient, so nothing it or its projections say
 * afterwards can call for a nurse.
 *
 * @param replacementPumpSerial the pump implanted in its place at the same operation, null if none; it has its own
 *                              twin from its own telemetry
 */
public record PumpExplant(ExplantReason reason, String replacementPumpSerial) implements TelemetryFact {
    public PumpExplant {
        java.util.Objects.requireNonNull(reason, "reason");
    }
}
