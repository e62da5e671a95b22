package io.pumptwin.twin.delivery;

import io.pumptwin.twin.evidence.EvidenceKind;

/** Causes of interrupted delivery (DOMAIN.md, "Underdose and withdrawal"). */
public enum InterruptionCause {
    RESERVOIR_EMPTY,
    END_OF_SERVICE,
    RESET_TO_MINIMUM_RATE,
    MOTOR_STALL,
    CATHETER_FAULT,
    PROGRAMMED_BELOW_FILLED;

    /** The kind of evidence an interruption of this cause is, in the underdose risk and the catheter belief. */
    public EvidenceKind evidenceKind() {
        return switch (this) {
            case RESERVOIR_EMPTY -> EvidenceKind.RESERVOIR_EMPTY;
            case END_OF_SERVICE -> EvidenceKind.END_OF_SERVICE;
            case RESET_TO_MINIMUM_RATE -> EvidenceKind.RESET_TO_MINIMUM_RATE;
            case MOTOR_STALL -> EvidenceKind.MOTOR_STALL;
            case CATHETER_FAULT -> EvidenceKind.CATHETER_FAULT_SUSPECTED;
            case PROGRAMMED_BELOW_FILLED -> EvidenceKind.CONCENTRATION_MISMATCH;
        };
    }
}
