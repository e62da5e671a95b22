package io.pumptwin.twin.delivery;

/** Causes of interrupted delivery (DOMAIN.md, "Underdose and withdrawal"). */
public enum InterruptionCause {
    RESERVOIR_EMPTY,
    END_OF_SERVICE,
    RESET_TO_MINIMUM_RATE,
    MOTOR_STALL,
    CATHETER_FAULT,
    PROGRAMMED_BELOW_FILLED
}
