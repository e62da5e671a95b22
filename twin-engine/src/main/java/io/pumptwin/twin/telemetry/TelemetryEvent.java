package io.pumptwin.twin.telemetry;

import java.time.Instant;
import java.util.Objects;

/**
 * One fact reported about an implanted pump, in the twin's own vocabulary (no wire types).
 * Only pseudonymous ids: the pump serial, a patient pseudonym and the clinic id.
 *
 * @param eventId   globally unique id chosen by the device; duplicates are applied once
 * @param sequence  per-pump sequence number assigned by the device
 * @param eventTime when it happened on the device: the only clock the twin knows
 */
public record TelemetryEvent(
        String eventId,
        String pumpSerial,
        String patientPseudonym,
        String clinicId,
        Instant eventTime,
        long sequence,
        TelemetrySource source,
        TelemetryFact fact) {

    public TelemetryEvent {
        Objects.requireNonNull(eventId, "eventId");
        Objects.requireNonNull(pumpSerial, "pumpSerial");
        Objects.requireNonNull(patientPseudonym, "patientPseudonym");
        Objects.requireNonNull(clinicId, "clinicId");
        Objects.requireNonNull(eventTime, "eventTime");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(fact, "fact");
    }
}
