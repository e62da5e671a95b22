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

    static Instant day(double d) {
        return DAY_ZERO.plus(Duration.ofMillis(Math.round(d * 86_400_000)));
    }

    TelemetryEvent event(double day, TelemetryFact fact) {
        sequence++;
        return new TelemetryEvent(serial + "-e" + sequence, serial, "pt-" + serial, "clinic-1", day(day), sequence,
                TelemetrySource.SIMULATOR, fact);
    }

    TwinTransition at(double day, TelemetryFact fact) {
        return apply(event(day, fact));
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
