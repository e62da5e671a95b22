package io.pumptwin.twin.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.pumptwin.twin.TwinEventType;

import java.util.EnumMap;
import java.util.Map;

/**
 * The topology's meters. Tags are a small fixed vocabulary (outcome, reason code, twin event type): never a
 * pump serial or patient id (STYLE.md, Micrometer's conventions). Counters count processing, so a task that
 * is re-processed after a fail-over counts its records again; the topics are the exactly-once record.
 */
public final class TwinMetrics {
    private final MeterRegistry registry;
    private final Counter applied;
    private final Counter duplicate;
    private final Counter buffered;
    private final Counter late;
    private final Counter statesEmitted;
    private final Counter silentChecks;
    private final Map<TwinEventType, Counter> eventsByType = new EnumMap<>(TwinEventType.class);

    public TwinMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.applied = telemetry("applied");
        this.duplicate = telemetry("duplicate");
        this.buffered = telemetry("buffered");
        this.late = telemetry("late");
        this.statesEmitted = Counter.builder("twin.states.emitted").description("TwinState records written")
                .register(registry);
        this.silentChecks = Counter.builder("twin.sweep.advanced")
                .description("Twins advanced by the stream-time sweep").register(registry);
        for (TwinEventType type : TwinEventType.values()) {
            eventsByType.put(type, Counter.builder("twin.events").description("Twin events raised, by type")
                    .tag("type", type.name()).register(registry));
        }
    }

    /** Meters that go nowhere: for topologies built without a service around them (tests, benchmarks). */
    public static TwinMetrics none() {
        return new TwinMetrics(new CompositeMeterRegistry());
    }

    private Counter telemetry(String outcome) {
        return Counter.builder("twin.telemetry").description("Telemetry events by outcome in the twin engine")
                .tag("outcome", outcome).register(registry);
    }

    void applied() {
        applied.increment();
    }

    void duplicate() {
        duplicate.increment();
    }

    void buffered() {
        buffered.increment();
    }

    void late() {
        late.increment();
    }

    void stateEmitted() {
        statesEmitted.increment();
    }

    void sweptTwin() {
        silentChecks.increment();
    }

    void rejected(String reasonCode) {
        Counter.builder("twin.telemetry.rejected").description("Telemetry refused by the twin engine, by reason")
                .tag("reason", reasonCode).register(registry).increment();
    }

    void twinEvent(TwinEventType type) {
        // one counter per type, registered up front (stream threads share this map, so it never changes after the
        // constructor): building and registering the meter for every event was 1.4% of the
        // stream thread (JFR, issue 5)
        eventsByType.get(type).increment();
    }
}
