package io.pumptwin.twin.telemetry;

/**
 * Why the clinic took a pump out of the patient (mirrors the contract's ExplantReason symbols; the store codec writes
 * it by ordinal: append only).
 */
public enum ExplantReason {
    /** Replaced after the elective replacement indicator: the battery nearing its end (DOMAIN.md). */
    ELECTIVE_REPLACEMENT,
    /** Replaced after the battery ran out and delivery stopped. */
    END_OF_SERVICE,
    /** Replaced for a pump fault, e.g. a motor stall that does not recover. */
    DEVICE_FAILURE,
    /** Removed for a pocket or catheter infection. */
    INFECTION,
    /** Removed with no pump in its place. */
    THERAPY_DISCONTINUED,
    OTHER
}
