package io.pumptwin.twin.telemetry;

/** An alarm as the implanted pump raises it (DOMAIN.md: non-critical single tone, critical two tone). */
public enum PumpAlarmKind {
    LOW_RESERVOIR,
    ELECTIVE_REPLACEMENT_INDICATOR,
    END_OF_SERVICE,
    MOTOR_STALL,
    MOTOR_STALL_RECOVERED,
    LOW_BATTERY_RESET,
    MEMORY_RESET,
    OTHER_CRITICAL,
    OTHER_NON_CRITICAL;

    /** Critical (two-tone) alarms per the device labeling summarised in DOMAIN.md. */
    public boolean criticalByLabeling() {
        return switch (this) {
            case END_OF_SERVICE, MOTOR_STALL, LOW_BATTERY_RESET, MEMORY_RESET, OTHER_CRITICAL -> true;
            default -> false;
        };
    }
}
