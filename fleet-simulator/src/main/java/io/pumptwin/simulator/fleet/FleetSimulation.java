package io.pumptwin.simulator.fleet;

import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A fleet advanced in lock step over simulated time. Each step advances every pump by the status cadence,
 * in pump order, so the output order is a function of the scenario and the seed alone. No wall clock: how
 * fast simulated time passes is the caller's business ({@link Pacer}).
 */
public final class FleetSimulation {
    private final Scenario scenario;
    private final long seed;
    private final List<SimulatedPump> pumps;
    private final long startMs;
    private final long endMs;
    private final long stepMs;
    private long nowMs;

    public FleetSimulation(Scenario scenario, long seed) {
        this.scenario = scenario.validated();
        this.seed = seed;
        this.startMs = scenario.startInstant().toEpochMilli();
        this.stepMs = scenario.stepMillis();
        long steps = Math.max(1, Math.round(scenario.durationDays() * SimulatedPump.DAY_MS / stepMs));
        this.endMs = startMs + steps * stepMs;
        this.nowMs = startMs;
        List<SimulatedPump> created = new ArrayList<>(scenario.fleetSize());
        for (int i = 0; i < scenario.fleetSize(); i++) {
            created.add(new SimulatedPump(scenario, seed, i, startMs));
        }
        this.pumps = Collections.unmodifiableList(created);
    }

    public boolean finished() {
        return nowMs >= endMs;
    }

    /** Advances the whole fleet by one status cadence. */
    public void step(SimulationSink sink) {
        if (finished()) {
            return;
        }
        for (SimulatedPump pump : pumps) {
            pump.tick(nowMs, sink);
        }
        nowMs += stepMs;
    }

    public void runToEnd(SimulationSink sink) {
        while (!finished()) {
            step(sink);
        }
        sink.flush();
    }

    public FleetSummary summary() {
        FleetSummary.Builder summary = new FleetSummary.Builder(scenario.name(), seed, pumps.size(),
                (nowMs - startMs) / (double) SimulatedPump.DAY_MS);
        pumps.forEach(pump -> summary.add(pump.tally()));
        return summary.build();
    }

    public Scenario scenario() {
        return scenario;
    }

    public long startMillis() {
        return startMs;
    }

    public long endMillis() {
        return endMs;
    }

    public long nowMillis() {
        return nowMs;
    }

    public long stepMillis() {
        return stepMs;
    }

    /** Serials of the simulated pumps, in fleet order: what a launcher provisions devices for. */
    public List<String> pumpSerials() {
        return pumps.stream().map(SimulatedPump::serial).toList();
    }

    /** The pumps, for invariant checks in tests. */
    List<SimulatedPump> pumps() {
        return pumps;
    }
}
