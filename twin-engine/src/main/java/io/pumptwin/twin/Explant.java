package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.ExplantReason;

import java.time.Instant;
import java.util.Objects;

/**
 * The explant that retired a twin: the pump is no longer in the patient.
 *
 * @param replacementPumpSerial the pump implanted in its place, null if none
 * @param sourceEventId         the telemetry event that recorded the explant
 */
public record Explant(Instant explantedAt, ExplantReason reason, String replacementPumpSerial, String sourceEventId) {

    public Explant {
        Objects.requireNonNull(explantedAt, "explantedAt");
        Objects.requireNonNull(reason, "reason");
    }

    /** What staff read on every condition the explant closes: when, why, and what replaced the pump. */
    public String describe() {
        return "pump explanted " + explantedAt + " (" + reason
                + (replacementPumpSerial == null ? "" : ", replaced by " + replacementPumpSerial) + ")";
    }
}
