package io.pumptwin.simulator.catheter;

import io.pumptwin.events.CatheterFaultKind;
import io.pumptwin.events.TrueFaultKind;

/**
 * A catheter fault in progress and what it does to the drug (DOMAIN.md): a kink or occlusion keeps the
 * drug in the pump ({@code blockedFraction}); a disconnection, tear/leak or migration lets it leave the pump
 * without reaching the spinal fluid ({@code lostFraction}).
 */
public record CatheterFault(TrueFaultKind kind, double blockedFraction, double lostFraction, long onsetMillis,
                            boolean resolvesSpontaneously, long resolvesAtMillis) {

    public CatheterFault {
        if (!isCatheterFault(kind)) {
            throw new IllegalArgumentException("not a catheter fault: " + kind);
        }
        if (blockedFraction < 0 || blockedFraction > 1 || lostFraction < 0 || lostFraction > 1) {
            throw new IllegalArgumentException("fractions must be within 0..1");
        }
    }

    public static boolean isCatheterFault(TrueFaultKind kind) {
        return switch (kind) {
            case CATHETER_KINK, CATHETER_OCCLUSION, CATHETER_DISCONNECTION, CATHETER_LEAK, CATHETER_MIGRATION -> true;
            default -> false;
        };
    }

    /** The name a catheter check would give it. */
    public CatheterFaultKind asFound() {
        return switch (kind) {
            case CATHETER_KINK -> CatheterFaultKind.KINK;
            case CATHETER_OCCLUSION -> CatheterFaultKind.OCCLUSION;
            case CATHETER_DISCONNECTION -> CatheterFaultKind.DISCONNECTION;
            case CATHETER_LEAK -> CatheterFaultKind.TEAR_OR_LEAK;
            case CATHETER_MIGRATION -> CatheterFaultKind.MIGRATION;
            default -> CatheterFaultKind.UNKNOWN;
        };
    }
}
