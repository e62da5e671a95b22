package io.pumptwin.twin;

import io.pumptwin.twin.telemetry.TelemetryEvent;
import io.pumptwin.twin.telemetry.TelemetryFact;
import io.pumptwin.twin.telemetry.TelemetrySource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** Drives one twin through a story told in days since the start; keeps every event the twin raised. */
final class PumpScenario {

    static final Instant DAY_ZERO = Instant.parse("2026-01-05T08:00:00Z");

    private final String serial;
    private PumpTwin twin;
    private long sequence;
    private final List<TwinEvent> raised = new ArrayList<>();

    PumpScenario(String serial, TwinModelParameters parameters) {
        this.serial = serial;
        this.twin = PumpTwin.start(new PumpIdentity(serial, "pt-" + serial, "clinic-1", null), DAY_ZERO, parameters);
    }

    PumpScenario(String serial) {
        this(serial, TwinModelParameters.defaults());
    }

    /**
     * A pump at 4.9 % battery (ERI within the notice), reporting weekly at 0.25 mL/day until day 63 and then silent:
     * BATTERY_ERI, REFILL_DUE and PUMP_SILENT are open by day 66.
     */
    static PumpScenario dueForReplacement(String serial) {
        PumpScenario pump = new PumpScenario(serial);
        pump.at(0, io.pumptwin.twin.telemetry.RefillVisit.routine(2.0, 2.0, 20, 20, 2000, 500));
        for (int day = 0; day <= 63; day += 7) {
            pump.at(day, io.pumptwin.twin.telemetry.StatusReport.of(20 - day * 0.25, 20, 2.0, 2000, 500, 4.9));
        }
        pump.advance(66);
        return pump;
    }

    /** The kinds of the twin's open conditions. */
    java.util.Set<TwinEventType> openTypes() {
        return twin.conditions().isEmpty() ? java.util.EnumSet.noneOf(TwinEventType.class)
                : java.util.EnumSet.copyOf(twin.conditions().keySet());
    }

    static Instant day(double d) {
        return DAY_ZERO.plus(Duration.ofMillis(Math.round(d * 86_400_000)));
    }

    TelemetryEvent event(double day, TelemetryFact fact) {
        return event(day, fact, TelemetrySource.SIMULATOR);
    }

    TelemetryEvent event(double day, TelemetryFact fact, TelemetrySource source) {
        sequence++;
        return new TelemetryEvent(serial + "-e" + sequence, serial, "pt-" + serial, "clinic-1", day(day), sequence,
                source, fact);
    }

    TwinTransition at(double day, TelemetryFact fact) {
        return apply(event(day, fact));
    }

    TwinTransition at(double day, TelemetryFact fact, TelemetrySource source) {
        return apply(event(day, fact, source));
    }

    TwinTransition apply(TelemetryEvent e) {
        TwinTransition t = twin.apply(e);
        twin = t.twin();
        raised.addAll(t.events());
        return t;
    }

    TwinTransition advance(double day) {
        TwinTransition t = twin.advanceTo(day(day));
        twin = t.twin();
        raised.addAll(t.events());
        return t;
    }

    PumpTwin twin() {
        return twin;
    }

    List<TwinEvent> raised() {
        return raised;
    }
}
