package io.pumptwin.twin.telemetry;

/** Why the clinic withdraws an explant it recorded (mirrors the contract's ExplantRetractionReason symbols). */
public enum ExplantRetractionReason {
    /** The explant was of another pump and was recorded against this serial. */
    WRONG_SERIAL,
    /** No explant took place. */
    ENTERED_IN_ERROR,
    OTHER
}
