package io.pumptwin.twin.evidence;

import java.time.Instant;
import java.util.Objects;

/**
 * One observation that moved an estimate: what, when, how much it counted, and which telemetry
 * event it came from, so a nurse can trace every figure back to its source.
 *
 * @param weight         a log-likelihood ratio for probabilities, or the contribution to a risk score
 * @param sourceEventId  telemetry event id, null when the evidence comes from the passage of time
 */
public record Evidence(EvidenceKind kind, Instant observedAt, String detail, double weight, String sourceEventId) {

    public Evidence {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(observedAt, "observedAt");
        Objects.requireNonNull(detail, "detail");
    }
}
