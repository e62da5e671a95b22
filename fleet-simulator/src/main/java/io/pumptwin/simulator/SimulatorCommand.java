package io.pumptwin.simulator;

import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.fleet.FleetSummary;
import io.pumptwin.simulator.fleet.Pacer;
import io.pumptwin.simulator.metrics.MeteredSink;
import io.pumptwin.simulator.metrics.MetricsEndpoint;
import io.pumptwin.simulator.metrics.SimulatorMetrics;
import io.pumptwin.simulator.output.CountingSink;
import io.pumptwin.simulator.output.JsonLinesSink;
import io.pumptwin.simulator.output.KafkaSink;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * Runs a scenario: {@code pumptwin simulate --scenario occlusion --seed 7 --pumps 500 --days 60
 * --time-mode afap --output kafka:localhost:9092 --registry http://localhost:8081/apis/ccompat/v7}.
 * Prints progress lines and a summary in key=value form. With {@code --metrics-port N} it also serves
 * Prometheus text at {@code /metrics} and {@code /health} while it runs (README, "Metrics"). Interrupted, it
 * stops between steps, makes what it sent durable, and exits with 130.
 */
@Command(name = "simulate", mixinStandardHelpOptions = true,
        description = "Simulates a fleet of intrathecal baclofen pumps with injected faults and ground truth.")
public final class SimulatorCommand implements Callable<Integer> {

    @Option(names = "--scenario", defaultValue = "nominal-fleet",
            description = "Shipped scenario (${COMPLETION-CANDIDATES}) or a path to a YAML file. Default: ${DEFAULT-VALUE}.",
            completionCandidates = ShippedScenarios.class)
    String scenario;

    @Option(names = "--seed", defaultValue = "1", description = "Seed; the same seed gives the same events. Default: ${DEFAULT-VALUE}.")
    long seed;

    @Option(names = "--pumps", description = "Fleet size (overrides the scenario).")
    Integer pumps;

    @Option(names = "--days", description = "Simulated days (overrides the scenario).")
    Double days;

    @Option(names = "--time-mode", defaultValue = "afap",
            description = "real-time, accelerated:N (N simulated seconds per second) or afap (as fast as possible). Default: ${DEFAULT-VALUE}.")
    String timeMode;

    @Option(names = "--output", defaultValue = "none",
            description = "none, jsonl:<directory>, or kafka:<bootstrap servers> (needs --registry). Default: ${DEFAULT-VALUE}.")
    String output;

    @Option(names = "--registry", description = "Confluent-compatible schema registry URL, for kafka output.")
    String registry;

    @Option(names = "--no-ground-truth", description = "Do not write sim.ground-truth.v1 (kafka output).")
    boolean noGroundTruth;

    @Option(names = "--metrics-port",
            description = "Serve /metrics (Prometheus) and /health on this port while running; 0 picks a free one. Off by default.")
    Integer metricsPort;

    @Option(names = "--metrics-host", defaultValue = "127.0.0.1",
            description = "Address the metrics endpoint binds to (0.0.0.0 in a container). Default: ${DEFAULT-VALUE}.")
    String metricsHost;

    @Option(names = "--progress-seconds", defaultValue = "5", description = "Wall seconds between progress lines. Default: ${DEFAULT-VALUE}.")
    double progressSeconds;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(new CommandLine(new SimulatorCommand()).execute(args));
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Scenario loaded = new ScenarioLoader().load(scenario).withOverrides(pumps, days).validated();
        Pacer pacer = Pacer.parse(timeMode);
        long started = System.nanoTime();
        FleetSimulation simulation = new FleetSimulation(loaded, seed);
        SimulatorMetrics metrics = metricsPort == null ? null : new SimulatorMetrics();
        MetricsEndpoint endpoint = null;
        if (metrics != null) {
            metrics.watch(simulation, pacer, started, System::nanoTime);
            endpoint = MetricsEndpoint.start(metricsHost, metricsPort, metrics::scrape);
            out.printf("event=simulator.metrics_listening host=%s port=%d%n", metricsHost, endpoint.port());
        }
        out.printf("event=simulation.started scenario=%s seed=%d pumps=%d days=%.2f cadence_min=%d time_mode=%s output=%s%n",
                loaded.name(), seed, loaded.fleetSize(), loaded.durationDays(), loaded.statusCadenceMinutes(),
                timeMode, output.startsWith("kafka:") ? "kafka" : output);
        out.flush();
        boolean interrupted = false;
        try (CountingSink sink = new CountingSink(openSink(metrics))) {
            long lastProgress = System.nanoTime();
            while (!simulation.finished() && !interrupted) {
                simulation.step(sink);
                long simulatedMs = simulation.nowMillis() - simulation.startMillis();
                long dueNanos = started + pacer.wallMillisFor(simulatedMs) * 1_000_000L;
                long ahead = dueNanos - System.nanoTime();
                if (ahead > 0) {
                    // Pacing is the only wall-clock dependency, and it lives here, outside the physics.
                    try {
                        Thread.sleep(ahead / 1_000_000L, (int) (ahead % 1_000_000L));
                    } catch (InterruptedException e) {
                        interrupted = true; // asked to stop: flush what was sent below, then say so
                    }
                }
                if (Thread.interrupted()) {
                    interrupted = true;
                }
                if (System.nanoTime() - lastProgress >= progressSeconds * 1e9) {
                    lastProgress = System.nanoTime();
                    double wall = (lastProgress - started) / 1e9;
                    out.printf("event=simulation.progress simulated_days=%.2f telemetry=%d ground_truth=%d events_per_s=%.0f%n",
                            simulatedMs / 86_400_000.0, sink.telemetry(), sink.groundTruth(),
                            (sink.telemetry() + sink.groundTruth()) / wall);
                    out.flush();
                }
            }
            sink.flush();
            double wall = (System.nanoTime() - started) / 1e9;
            FleetSummary summary = simulation.summary();
            out.printf("event=simulation.%s %s wall_s=%.2f events_per_s=%.0f pump_days_per_s=%.0f%n",
                    interrupted ? "stopped" : "finished", summary.toLogLine(), wall,
                    (summary.telemetryEvents() + summary.groundTruthRecords()) / wall, summary.pumpDays() / wall);
            out.flush();
        } finally {
            if (endpoint != null) {
                endpoint.close();
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt(); // the caller asked; let it see so
            return 130;
        }
        return 0;
    }

    private SimulationSink openSink(SimulatorMetrics metrics) {
        if (output.equals("none")) {
            return metrics == null ? null : new MeteredSink(null, metrics);
        }
        if (output.startsWith("jsonl:")) {
            SimulationSink jsonl = new JsonLinesSink(Path.of(output.substring("jsonl:".length())));
            return metrics == null ? jsonl : new MeteredSink(jsonl, metrics);
        }
        if (output.startsWith("kafka:")) {
            if (registry == null) {
                throw new CommandLine.ParameterException(spec.commandLine(), "--output kafka:... needs --registry <url>");
            }
            TopicRegistry topics = new TopicRegistry(new HttpSchemaRegistryClient(RegistrySettings.of(registry)),
                    SerdeSettings.autoRegistering());
            return new KafkaSink(topics, Map.of("bootstrap.servers", output.substring("kafka:".length())), !noGroundTruth,
                    metrics);
        }
        throw new CommandLine.ParameterException(spec.commandLine(),
                "--output must be none, jsonl:<directory> or kafka:<bootstrap servers>, was " + output);
    }

    static final class ShippedScenarios implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return ScenarioLoader.SHIPPED.iterator();
        }
    }
}
