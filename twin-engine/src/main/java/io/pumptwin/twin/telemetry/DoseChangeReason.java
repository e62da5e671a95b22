package io.pumptwin.twin.telemetry;

/** Why a dose changed; repeated SPASTICITY_NOT_CONTROLLED increases without benefit are a catheter-fault clue. */
public enum DoseChangeReason { SPASTICITY_NOT_CONTROLLED, SIDE_EFFECTS, TITRATION, OTHER }
