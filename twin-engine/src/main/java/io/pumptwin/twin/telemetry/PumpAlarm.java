package io.pumptwin.twin.telemetry;

/** An alarm raised by the pump. {@code detail} is free device text, never patient data; may be null. */
public record PumpAlarm(PumpAlarmKind kind, boolean critical, String detail) implements TelemetryFact {

    public static PumpAlarm of(PumpAlarmKind kind) {
        return new PumpAlarm(kind, kind.criticalByLabeling(), null);
    }
}
