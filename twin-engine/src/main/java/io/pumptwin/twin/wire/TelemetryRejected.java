package io.pumptwin.twin.wire;

/**
 * A telemetry envelope the twin cannot apply, with the field and the rule it broke, so the topology
 * can write a dead-letter record a person can act on.
 */
public final class TelemetryRejected extends Exception {

    private final String field;
    private final String reasonCode;

    public TelemetryRejected(String reasonCode, String field, String reason) {
        super(reason);
        this.reasonCode = reasonCode;
        this.field = field;
    }

    /** Machine-readable reason, as in DeadLetter.reasonCode (INVALID_FIELD, UNSUPPORTED_PAYLOAD). */
    public String reasonCode() {
        return reasonCode;
    }

    /** The offending field, e.g. payload.filledVolumeMl. */
    public String field() {
        return field;
    }
}
