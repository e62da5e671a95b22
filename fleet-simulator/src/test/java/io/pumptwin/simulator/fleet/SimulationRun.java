package io.pumptwin.simulator.fleet;

import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.simulator.output.InMemorySink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** A finished run of a shipped scenario with its output indexed by pump, for specifications to read. */
final class SimulationRun {
    final FleetSimulation simulation;
    final InMemorySink sink = new InMemorySink();
    final Map<String, List<TelemetryEnvelope>> telemetryByPump = new LinkedHashMap<>();
    final Map<String, List<GroundTruth>> truthByPump = new LinkedHashMap<>();

    private SimulationRun(FleetSimulation simulation) {
        this.simulation = simulation;
    }

    static SimulationRun of(String scenarioName, long seed, Integer fleetSize, Double days) {
        return of(new ScenarioLoader().load(scenarioName).withOverrides(fleetSize, days), seed);
    }

    static SimulationRun of(Scenario scenario, long seed) {
        SimulationRun run = new SimulationRun(new FleetSimulation(scenario, seed));
        run.simulation.runToEnd(run.sink);
        for (TelemetryEnvelope e : run.sink.telemetry()) {
            run.telemetryByPump.computeIfAbsent(e.getPumpSerial(), k -> new ArrayList<>()).add(e);
        }
        for (GroundTruth g : run.sink.groundTruth()) {
            run.truthByPump.computeIfAbsent(g.getPumpSerial(), k -> new ArrayList<>()).add(g);
        }
        return run;
    }

    /** Pumps where the fault started, with its first onset. */
    Map<String, Instant> onsets(TrueFaultKind kind) {
        Map<String, Instant> onsets = new LinkedHashMap<>();
        for (GroundTruth g : sink.groundTruth()) {
            if (g.getFaultChange() != null && g.getFaultChange().getKind() == kind && g.getFaultChange().getStarted()) {
                onsets.putIfAbsent(g.getPumpSerial(), g.getSimTime());
            }
        }
        return onsets;
    }

    Optional<Instant> end(String serial, TrueFaultKind kind, Instant after) {
        return truthByPump.getOrDefault(serial, List.of()).stream()
                .filter(g -> g.getFaultChange() != null && g.getFaultChange().getKind() == kind
                        && !g.getFaultChange().getStarted() && !g.getSimTime().isBefore(after))
                .map(GroundTruth::getSimTime).findFirst();
    }

    <T> List<Timed<T>> payloads(String serial, Class<T> type) {
        List<Timed<T>> found = new ArrayList<>();
        for (TelemetryEnvelope e : telemetryByPump.getOrDefault(serial, List.of())) {
            if (type.isInstance(e.getPayload())) {
                found.add(new Timed<>(e.getEventTime(), type.cast(e.getPayload())));
            }
        }
        return found;
    }

    long alarms(PumpAlarmKind kind) {
        return sink.telemetry().stream().filter(e -> e.getPayload() instanceof PumpAlarm a && a.getKind() == kind).count();
    }

    record Timed<T>(Instant time, T value) {
    }
}
