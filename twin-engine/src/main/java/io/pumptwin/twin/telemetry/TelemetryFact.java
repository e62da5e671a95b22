package io.pumptwin.twin.telemetry;

/** What a telemetry event says happened: the closed set of facts the twin understands. */
public sealed interface TelemetryFact
        permits StatusReport, PumpAlarm, RefillVisit, PrescriptionChange, SymptomReport, CatheterCheck, PumpExplant,
        PumpExplantRetraction {
}
