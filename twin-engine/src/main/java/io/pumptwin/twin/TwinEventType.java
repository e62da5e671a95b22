package io.pumptwin.twin;

/** What the twin saw cross a threshold. */
public enum TwinEventType {
    REFILL_DUE,
    REFILL_URGENT,
    UNDERDOSE_RISK,
    OVERDOSE_RISK,
    CATHETER_FAULT_SUSPECTED,
    BATTERY_ERI,
    BATTERY_END_OF_SERVICE,
    PUMP_CRITICAL_ALARM,
    PUMP_SILENT
}
