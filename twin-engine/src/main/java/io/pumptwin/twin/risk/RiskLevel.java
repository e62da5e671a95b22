package io.pumptwin.twin.risk;

/** A graded clinical risk: NONE, WATCH (look at it today), LIKELY (act today), URGENT (act now). */
public enum RiskLevel {
    NONE, WATCH, LIKELY, URGENT;

    public boolean atLeast(RiskLevel other) {
        return compareTo(other) >= 0;
    }

    public static RiskLevel max(RiskLevel a, RiskLevel b) {
        return a.compareTo(b) >= 0 ? a : b;
    }
}
