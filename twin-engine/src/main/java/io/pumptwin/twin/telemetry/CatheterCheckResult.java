package io.pumptwin.twin.telemetry;

/** Outcome of a catheter check. */
public enum CatheterCheckResult { NORMAL, FAULT_FOUND, INCONCLUSIVE }
