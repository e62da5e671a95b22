package io.pumptwin.simulator.fleet;

/** What a run produced, for the command's summary and for tests. */
public record FleetSummary(String scenario, long seed, int pumps, double simulatedDays, long telemetryEvents,
                           long groundTruthRecords, long alarms, long refills, long missedVisits,
                           long symptomReports, long doseIncreases, long catheterChecks, long catheterRevisions,
                           long emergencyVisits, long faultsStarted, long faultsInjected, long pumpsReplaced) {

    public double pumpDays() {
        return pumps * simulatedDays;
    }

    public String toLogLine() {
        return String.format("scenario=%s seed=%d pumps=%d simulated_days=%.2f telemetry=%d ground_truth=%d alarms=%d "
                        + "refills=%d missed_visits=%d symptom_reports=%d dose_increases=%d catheter_checks=%d "
                        + "revisions=%d emergency_visits=%d faults_started=%d faults_injected=%d pumps_replaced=%d",
                scenario, seed, pumps, simulatedDays, telemetryEvents, groundTruthRecords, alarms, refills,
                missedVisits, symptomReports, doseIncreases, catheterChecks, catheterRevisions, emergencyVisits,
                faultsStarted, faultsInjected, pumpsReplaced);
    }

    static final class Builder {
        private final String scenario;
        private final long seed;
        private final int pumps;
        private final double days;
        private long telemetry, groundTruth, alarms, refills, missed, reports, increases, checks, revisions,
                emergencies, faults, injected, replaced;

        Builder(String scenario, long seed, int pumps, double days) {
            this.scenario = scenario;
            this.seed = seed;
            this.pumps = pumps;
            this.days = days;
        }

        void add(SimulatedPump.PumpTally tally) {
            telemetry += tally.telemetry;
            groundTruth += tally.groundTruth;
            alarms += tally.alarms;
            refills += tally.refills;
            missed += tally.missedVisits;
            reports += tally.symptomReports;
            increases += tally.doseIncreases;
            checks += tally.catheterChecks;
            revisions += tally.revisions;
            emergencies += tally.emergencyVisits;
            faults += tally.faultsStarted;
            injected += tally.injected;
            replaced += tally.replaced ? 1 : 0;
        }

        FleetSummary build() {
            return new FleetSummary(scenario, seed, pumps, days, telemetry, groundTruth, alarms, refills, missed,
                    reports, increases, checks, revisions, emergencies, faults, injected, replaced);
        }
    }
}
