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
    PUMP_SILENT,
    /**
     * A pump recorded as explanted reports programmed delivery more than a day after the explant: it looks implanted,
     * and the explant may have been recorded against the wrong serial. Raised on the retired twin; cleared when the
     * clinic retracts the explant. (The store writes conditions by ordinal: new types join at the end.)
     */
    EXPLANT_DOUBTED
}
