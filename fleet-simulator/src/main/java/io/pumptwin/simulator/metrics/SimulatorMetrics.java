package io.pumptwin.simulator.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.fleet.Pacer;

import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The simulator's meters (README, "Metrics"): events the output took by kind, failed sends, the fleet size, and
 * how far simulated time is behind where the time mode says it should be. Tags are the event kind only, never a
 * pump serial. Micrometer names, written by Prometheus' rules: {@code simulator.events.sent} is served as
 * {@code simulator_events_sent_total}.
 */
public final class SimulatorMetrics {
    /** The ground-truth records' kind; telemetry kinds are the payload types (status_report, pump_alarm, ...). */
    public static final String GROUND_TRUTH = "ground_truth";

    private final PrometheusMeterRegistry registry;
    private final Map<String, Counter> sent = new ConcurrentHashMap<>();
    private final Counter failed;
    private final Map<Class<?>, String> kinds = new ConcurrentHashMap<>();

    public SimulatorMetrics() {
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        // Registered at zero: "no failures" is then a 0 on a dashboard, not a missing series.
        this.failed = Counter.builder("simulator.send.failures")
                .description("Events the output failed to take (Kafka: after the producer's retries)")
                .register(registry);
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** The Prometheus text format of every meter, as {@code /metrics} serves it. */
    public String scrape() {
        return registry.scrape();
    }

    /**
     * The fleet's gauges: pumps simulated, simulated time, and its lag behind the time mode's target ({@code
     * wall seconds since start x speed}), in simulated seconds. As fast as possible has no target: the lag is NaN.
     *
     * @param startNanos {@link System#nanoTime()} when simulated time started to run
     */
    public void watch(FleetSimulation simulation, Pacer pacer, long startNanos, LongSupplier nanoTime) {
        Gauge.builder("simulator.pumps", simulation, s -> s.pumpSerials().size())
                .description("Pumps simulated").register(registry);
        Gauge.builder("simulator.simulated.time", simulation, s -> s.nowMillis() / 1000.0)
                .description("Simulated time reached (epoch seconds)").baseUnit("seconds").register(registry);
        Gauge.builder("simulator.lag", simulation, s -> lagSeconds(s, pacer, startNanos, nanoTime.getAsLong()))
                .description("Simulated seconds behind the time mode's target; NaN as fast as possible")
                .baseUnit("seconds").register(registry);
    }

    static double lagSeconds(FleetSimulation simulation, Pacer pacer, long startNanos, long nowNanos) {
        double speed = pacer.speed();
        if (Double.isInfinite(speed)) {
            return Double.NaN;
        }
        double target = Math.min((nowNanos - startNanos) / 1e9 * speed,
                (simulation.endMillis() - simulation.startMillis()) / 1000.0);
        double reached = (simulation.nowMillis() - simulation.startMillis()) / 1000.0;
        return Math.max(0, target - reached);
    }

    /** A record the output has taken for good (Kafka: acknowledged by the brokers). */
    public void sent(String kind) {
        sent.computeIfAbsent(kind, k -> Counter.builder("simulator.events.sent").tag("kind", k)
                .description("Events the output took (Kafka: acknowledged, acks=all), by kind").register(registry))
                .increment();
    }

    /** A record the output could not take (Kafka: the send failed after the producer's retries). */
    public void failed() {
        failed.increment();
    }

    /** The kind tag of a telemetry event: its payload type in snake case, e.g. {@code status_report}. */
    public String kindOf(TelemetryEnvelope event) {
        return kinds.computeIfAbsent(event.getPayload().getClass(), SimulatorMetrics::snake);
    }

    private static String snake(Class<?> type) {
        return type.getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase(Locale.ROOT);
    }
}
