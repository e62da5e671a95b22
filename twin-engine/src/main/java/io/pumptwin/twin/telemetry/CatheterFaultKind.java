package io.pumptwin.twin.telemetry;

/**
 * Catheter faults (DOMAIN.md). KINK and OCCLUSION keep drug in the pump (the residual at refill is
 * larger than expected); DISCONNECTION, TEAR_OR_LEAK and MIGRATION empty the reservoir as expected
 * without drug reaching the spinal fluid.
 */
public enum CatheterFaultKind {
    KINK, OCCLUSION, DISCONNECTION, TEAR_OR_LEAK, MIGRATION, TIP_MASS, UNKNOWN;

    /** True for faults that keep drug in the reservoir. */
    public boolean obstructsFlow() {
        return this == KINK || this == OCCLUSION || this == TIP_MASS;
    }

    /** True for faults where the drug leaves the reservoir but does not reach the spinal fluid. */
    public boolean losesDrug() {
        return this == DISCONNECTION || this == TEAR_OR_LEAK || this == MIGRATION;
    }
}
