package io.pumptwin.twin.telemetry;

/** A diagnostic check of the catheter or the pump rotor. {@code faultKind} is null unless a fault was found. */
public record CatheterCheck(CatheterCheckMethod method, CatheterCheckResult result, CatheterFaultKind faultKind)
        implements TelemetryFact {
}
