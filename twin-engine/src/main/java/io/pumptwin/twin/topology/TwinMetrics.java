package io.pumptwin.twin.topology;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.composite.CompositeMeterRegistry;
import io.pumptwin.twin.TwinEventType;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The topology's meters. Tags are a small fixed vocabulary (outcome, reason code, twin event type): never a
 * pump serial or patient id (STYLE.md, Micrometer's conventions). Counters count processing, so a task that
 * is re-processed after a fail-over counts its records again; the topics are the exactly-once record.
 *
 * <p>Where the stream threads' time goes: every {@link #SAMPLE_EVERY}-th record of each task is timed stage by stage
 * ({@link Stage}), as {@code twin.stage.time} (seconds, by stage) over {@code twin.stage.sampled} (records timed).
 * Their ratio is the mean time per record in each stage; a sample keeps the clock reads (about 25 ns each, ten per
 * record timed) off the other records. The throughput benchmark reports it beside the stream thread's CPU (issue 5).
 */
public final class TwinMetrics {
    /** One record in this many is timed stage by stage: a prime, so no period of the input lines up with it. */
    public static final int SAMPLE_EVERY = 13;

    /** The stages of one record, in the order the processor goes through them. */
    public enum Stage {
        /** The telemetry's checks and mapping to the model's event. */
        MAP,
        /** Reading the stored twin's two parts from the stores. */
        READ,
        /** Decoding the stored twin. */
        DECODE,
        /** Catching up silent checks, applying the event, deciding whether the state is written. */
        APPLY,
        /** Encoding the twin for the stores. */
        ENCODE,
        /** Writing the stored twin's parts, with their changelog records. */
        WRITE,
        /** Mapping and sending twin events. */
        EVENTS,
        /** Mapping, serializing and sending the TwinState. */
        STATE,
        /** Stream-time work (held telemetry released, the silent-pump sweep) and what no other stage covers. */
        STREAM_TIME
    }

    private final LongAdder[] stageNanos = new LongAdder[Stage.values().length];
    private final LongAdder sampled = new LongAdder();

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
        for (Stage stage : Stage.values()) {
            LongAdder nanos = new LongAdder();
            stageNanos[stage.ordinal()] = nanos;
            FunctionCounter.builder("twin.stage.time", nanos, n -> n.sum() / 1e9).baseUnit("seconds")
                    .description("Time in each stage of the records timed (1 in " + SAMPLE_EVERY + ")")
                    .tag("stage", stage.name().toLowerCase(java.util.Locale.ROOT)).register(registry);
        }
        FunctionCounter.builder("twin.stage.sampled", sampled, LongAdder::sum)
                .description("Records timed stage by stage (1 in " + SAMPLE_EVERY + ")").register(registry);
    }

    void sampledRecord() {
        sampled.increment();
    }

    void stageTime(Stage stage, long nanos) {
        stageNanos[stage.ordinal()].add(nanos);
    }

    /** Mean microseconds per record in each stage, over the records timed so far (empty before the first). */
    public Map<Stage, Double> stageMicrosPerRecord() {
        Map<Stage, Double> out = new EnumMap<>(Stage.class);
        long n = sampled.sum();
        if (n > 0) {
            for (Stage stage : Stage.values()) {
                out.put(stage, stageNanos[stage.ordinal()].sum() / 1e3 / n);
            }
        }
        return out;
    }

    /** How many records have been timed stage by stage. */
    public long sampledRecords() {
        return sampled.sum();
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
