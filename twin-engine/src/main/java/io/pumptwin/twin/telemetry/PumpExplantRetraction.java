package io.pumptwin.twin.telemetry;

import java.util.Objects;

/**
 * The clinic withdraws an explant it recorded against this serial in error: the pump is in the patient after all, so
 * a twin that explant retired is monitored again. Recorded by the clinic, like the explant (the gateway refuses it
 * from devices at the patient's side).
 *
 * @param retractedEventId the event id of the PumpExplant telemetry it withdraws
 */
public record PumpExplantRetraction(String retractedEventId, ExplantRetractionReason reason) implements TelemetryFact {
    public PumpExplantRetraction {
        Objects.requireNonNull(retractedEventId, "retractedEventId");
        Objects.requireNonNull(reason, "reason");
    }
}
