package io.pumptwin.simulator.bench;

import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.fleet.FleetSummary;
import io.pumptwin.simulator.output.CountingSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;

/**
 * Simulated pump-days per second generating 100,000 pumps x 1 day at a 15-minute status cadence, in
 * memory (events built as Avro objects, then counted and dropped). Not a test: run by hand,
 * {@code java -cp ... io.pumptwin.simulator.bench.FleetBackfillBenchmark [pumps] [days] [rounds]}.
 * The Kafka leg is measured in bench/ against a real broker.
 */
public final class FleetBackfillBenchmark {
    public static void main(String[] args) {
        int pumps = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        double days = args.length > 1 ? Double.parseDouble(args[1]) : 1.0;
        int rounds = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        Scenario scenario = new ScenarioLoader().load("nominal-fleet").withOverrides(pumps, days);
        for (int round = 1; round <= rounds; round++) {
            long t0 = System.nanoTime();
            FleetSimulation simulation = new FleetSimulation(scenario, round);
            long t1 = System.nanoTime();
            CountingSink sink = new CountingSink();
            simulation.runToEnd(sink);
            long t2 = System.nanoTime();
            FleetSummary summary = simulation.summary();
            double runS = (t2 - t1) / 1e9;
            System.out.printf("bench=fleet_backfill_in_memory round=%d pumps=%d days=%.1f setup_s=%.2f run_s=%.2f "
                            + "pump_days_per_s=%.0f telemetry=%d ground_truth=%d events_per_s=%.0f%n",
                    round, pumps, days, (t1 - t0) / 1e9, runS, summary.pumpDays() / runS, sink.telemetry(),
                    sink.groundTruth(), (sink.telemetry() + sink.groundTruth()) / runS);
        }
    }
}
