package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.ScenarioResult.BacklogStop;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.detection.ScenarioResult.RefillCycle;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.twin.TwinModelParameters;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The twin and the alerts against the simulator's ground truth (issue 5 "Against simulator ground truth", issue 6
 * goals), every shipped scenario at small scale through the production topologies in-process. The goals are asserted
 * as the issues state them; what counts as a catch is defined in {@link DetectionCriteria}. The full-scale figures are
 * in bench/results/detection-scorecard.md ({@link DetectionScorecard}).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class GroundTruthDetectionTest {

    /**
     * Small scale, chosen so each scenario's own injected faults occur (asserted below, so a scale or seed change that
     * leaves a scenario without its fault fails rather than passing vacuously) and have time to be detected.
     */
    private static final Map<String, Scale> SCALES = Map.ofEntries(
            Map.entry("nominal-fleet", new Scale(40, 30, 1)),
            Map.entry("missed-refill", new Scale(20, 40, 1)),
            Map.entry("occlusion", new Scale(20, 40, 1)),
            Map.entry("silent-disconnection", new Scale(20, 40, 1)),
            Map.entry("battery-advisory", new Scale(30, 40, 1)),
            Map.entry("motor-stall", new Scale(20, 25, 1)),
            Map.entry("pocket-fill", new Scale(30, 25, 1)),
            Map.entry("wrong-concentration", new Scale(30, 30, 1)),
            Map.entry("local-demo", new Scale(20, 40, 1)),
            Map.entry("high-dose-motor-stall", new Scale(12, 20, 1)),
            Map.entry("communicator-outage", new Scale(30, 45, 1)),
            Map.entry("wrong-serial-explant", new Scale(30, 45, 1)),
            Map.entry("wrong-serial-explant-stall", new Scale(30, 45, 1)),
            // 40 pumps: 7 stalls in a backlog at seed 1 (4 at 30 pumps), among them one a day or more old at its upload
            // with nothing of the pump heard in between, so the grade due on arrival is URGENT.
            Map.entry("communicator-backlog-stall", new Scale(40, 45, 1)),
            Map.entry("communicator-outage-stall", new Scale(40, 45, 1)));

    private record Scale(int pumps, double days, long seed) {
    }

    private final Map<String, ScenarioResult> results = new LinkedHashMap<>();
    private final double leadDays = TwinModelParameters.defaults().reservoir().clinicLeadTime().toDays();

    @BeforeAll
    void runEveryShippedScenario() throws Exception {
        assertThat(SCALES.keySet()).containsExactlyInAnyOrderElementsOf(ScenarioLoader.SHIPPED);
        DetectionEvaluation evaluation = DetectionEvaluation.withDefaults();
        // Two cores: two scenarios at a time; each run is single-threaded and shares nothing with the other.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Map<String, Future<ScenarioResult>> running = new LinkedHashMap<>();
            for (String name : ScenarioLoader.SHIPPED) {
                Scale s = SCALES.get(name);
                running.put(name, pool.submit(() -> evaluation.run(name, s.pumps(), s.days(), s.seed())));
            }
            for (Map.Entry<String, Future<ScenarioResult>> e : running.entrySet()) {
                results.put(e.getKey(), e.getValue().get());
            }
        } finally {
            pool.shutdownNow();
        }
        results.values().forEach(GroundTruthDetectionTest::report);
    }

    static List<String> scenarios() {
        return ScenarioLoader.SHIPPED;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void trueResidualLiesInsideTheTwinsBandAtAtLeast95PercentOfRefills(String scenario) {
        ScenarioResult r = results.get(scenario);
        assertThat(r.calibration().refillsChecked()).as("refills judged in %s", scenario).isGreaterThanOrEqualTo(5);
        assertThat(r.calibration().refillCoverage())
                .as("band coverage at refills in %s; misses: %s", scenario, r.calibration().misses())
                .isGreaterThanOrEqualTo(0.95);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyInjectedFaultIsFlagged(String scenario) {
        ScenarioResult r = results.get(scenario);
        List<Outcome> injected = r.faults().stream().filter(Outcome::injected).filter(Outcome::counted).toList();
        if (!new ScenarioLoader().load(scenario).injections().isEmpty()) {
            assertThat(injected).as("%s at this scale must inject its fault", scenario).isNotEmpty();
        }
        // A pocket fill neither suspected at the refill nor large enough to overdose (e.g. 10 mL of 500 mcg/mL)
        // leaves no trace in telemetry: it is not counted here (DetectionCriteria.observable), and the reservoir
        // it leaves short is held to the RESERVOIR_EMPTY rule in everyFaultIsFlagged when it runs dry.
        assertThat(injected.stream().filter(o -> !o.flagged()).toList())
                .as("injected faults not flagged in %s", scenario).isEmpty();
    }

    @Test
    void silentPocketFillsAreFewAndNamed() {
        List<Outcome> pocket = results.get("pocket-fill").faults().stream()
                .filter(o -> o.condition().equals("POCKET_FILL")).toList();
        List<Outcome> silent = pocket.stream().filter(Outcome::unobservable).toList();
        System.out.printf("pocket-fill: %d pocket fills, %d left no trace in telemetry: %s%n", pocket.size(),
                silent.size(), silent);
        assertThat(silent.size()).as("most pocket fills must show (overdose signs or suspicion)")
                .isLessThan(Math.max(1, pocket.size() / 4) + 1);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void everyFaultIsFlagged(String scenario) {
        // Background hazards too: relayed alarms, catheter faults, refill errors, empty reservoirs.
        ScenarioResult r = results.get(scenario);
        assertThat(r.faults().stream().filter(o -> o.counted() && !o.flagged()).toList())
                .as("faults not flagged in %s", scenario).isEmpty();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("scenarios")
    void noReservoirRunsEmptyWithoutARefillDueAlertAtLeastTheLeadTimeAhead(String scenario) {
        List<RefillCycle> late = results.get(scenario).refillCycles().stream()
                .filter(c -> c.emptyAt() != null)
                .filter(c -> Double.isNaN(c.leadBeforeEmptyDays()) || c.leadBeforeEmptyDays() < leadDays).toList();
        assertThat(late).as("reservoirs empty without REFILL_DUE %s d ahead in %s", leadDays, scenario).isEmpty();
    }

    @Test
    void missedRefillScenarioActuallyEmptiesReservoirs() {
        // Otherwise the lead-time goal above would hold vacuously.
        assertThat(results.get("missed-refill").refillCycles().stream().filter(c -> c.emptyAt() != null)).isNotEmpty();
    }

    @Test
    void everyTrueSilenceIsReportedAndNoPumpThatWasHeardIsCalledSilent() {
        // The communicator outages give true silences (DetectionCriteria.SILENCE_IS_WHAT_ARRIVED); asserted non-empty
        // so that a scale or seed without one fails rather than passing vacuously.
        List<Outcome> silences = results.get("communicator-outage").conditions().get(AlertType.PUMP_SILENT).stream()
                .filter(Outcome::counted).toList();
        assertThat(silences).as("true silences in communicator-outage").isNotEmpty();
        assertThat(silences.stream().filter(o -> !o.flagged()).toList()).as("silences not reported").isEmpty();
        for (ScenarioResult r : results.values()) {
            assertThat(r.falseAlerts().getOrDefault(AlertType.PUMP_SILENT, List.of()))
                    .as("PUMP_SILENT on a pump that was heard, in %s", r.scenario()).isEmpty();
        }
    }

    @Test
    void everyWrongSerialExplantIsDoubtedAndNoDoubtIsFalse() {
        // The wrong explants give the doubt's true conditions; asserted non-empty so that a scale or seed without one
        // fails rather than passing vacuously.
        List<Outcome> wrongExplants = results.get("wrong-serial-explant").conditions().get(AlertType.EXPLANT_DOUBTED)
                .stream().filter(Outcome::counted).toList();
        assertThat(wrongExplants).as("wrong-serial explants in wrong-serial-explant").isNotEmpty();
        assertThat(wrongExplants.stream().filter(o -> !o.flagged()).toList()).as("wrong explants not doubted").isEmpty();
        for (ScenarioResult r : results.values()) {
            assertThat(r.falseAlerts().getOrDefault(AlertType.EXPLANT_DOUBTED, List.of()))
                    .as("EXPLANT_DOUBTED on a pump with no wrong explant standing, in %s", r.scenario()).isEmpty();
        }
    }

    @Test
    void everyStallUnderAStandingWrongExplantIsRelayedWithinTheHourAndNoCriticalAlarmIsFalse() {
        // The stalls that wrong-serial-explant-stall injects 3-6 d into a wrong explant, asserted non-empty so that a
        // scale or seed without one fails rather than passing vacuously.
        List<Outcome> stalls = results.get("wrong-serial-explant-stall").faults().stream()
                .filter(o -> o.condition().equals("MOTOR_STALL") && o.injected() && o.counted()).toList();
        assertThat(stalls).as("stalls under a wrong explant in wrong-serial-explant-stall").isNotEmpty();
        assertThat(stalls.stream().filter(o -> !o.flagged() || o.latencyHours() > 1).toList())
                .as("stalls under a wrong explant not relayed within the hour").isEmpty();
        for (ScenarioResult r : results.values()) {
            assertThat(r.falseAlerts().getOrDefault(AlertType.PUMP_CRITICAL_ALARM, List.of()))
                    .as("PUMP_CRITICAL_ALARM with no stall, reset or end of service, in %s", r.scenario()).isEmpty();
        }
    }

    /**
     * A stop under a standing wrong explant is an underdose like any other: the twin the explant retired doubts the
     * explant on the stall and follows the pump from then on (PumpTwin.followedWhileRetired), so its underdose risk is
     * raised as for an implanted pump. Before that, it relayed the alarm and raised no underdose risk for 19 of 21.
     */
    @Test
    void everyStopUnderAStandingWrongExplantRaisesTheUnderdoseRisk() {
        List<Outcome> stops = stopsUnderAWrongExplant();
        assertThat(stops).as("stops under a wrong explant in wrong-serial-explant-stall").isNotEmpty();
        assertThat(stops.stream().filter(o -> o.counted() && !o.flagged()).toList())
                .as("stops under a standing wrong explant with no underdose alert").isEmpty();
    }

    /**
     * communicator-backlog-stall: a stall the platform hears of only when the communicator's backlog arrives, one to four
     * days after it began, is relayed and its underdose risk flagged within the hour of the upload, the twin dating the
     * stop from the pump's own time (PumpTwin.backlogTime, d10ab3b). Where the backlog is the first the twin hears of the
     * pump since the stall, the underdose alert must stand at once at the grade the stop's true age and dose call for
     * ({@link DetectionCriteria#BACKLOG_GRADE_WINDOW}): URGENT for a stall a day or more old at a usual dose, where the
     * twin that dated it at the upload said WATCH. So must a stop with a symptom report or a clinic's record of the pump
     * heard between the stall and the upload: the twin dates a backlog's stop against the pump's own last report, not
     * against what the patient's app or the clinic sent meanwhile (c3ee209; before it such stops were dated at the
     * upload, 8 of 100 below the grade due over 60 pumps x 6 seeds).
     */
    @Test
    void everyStallInABacklogIsFlaggedWithinTheHourOfItsUploadAtTheGradeItsAgeCallsFor() {
        ScenarioResult r = results.get("communicator-backlog-stall");
        List<BacklogStop> stops = r.backlogStops();
        System.out.println("communicator-backlog-stall backlog stops: " + stops);
        assertThat(stops).as("stops of delivery learned from a backlog").isNotEmpty();
        assertThat(stops.stream().filter(s -> Double.isNaN(s.latencyHours())
                || s.latencyHours() > DetectionCriteria.BACKLOG_GRADE_WINDOW.toHours()).toList())
                .as("backlog stops with no underdose alert within the hour of the upload").isEmpty();
        List<Outcome> stalls = r.conditions().get(AlertType.PUMP_CRITICAL_ALARM).stream()
                .filter(o -> o.condition().equals("MOTOR_STALL") && o.injected() && o.counted()).toList();
        assertThat(stalls).as("stalls relayed from the backlog").hasSizeGreaterThanOrEqualTo(stops.size());
        assertThat(stalls.stream().filter(o -> !o.flagged() || o.latencyHours() > 1).toList())
                .as("stall alarms not relayed within the hour of their upload").isEmpty();

        List<BacklogStop> firstWord = stops.stream().filter(s -> !s.heardBetween()).toList();
        assertThat(firstWord).as("backlog stops due URGENT with nothing of the pump heard since the stall")
                .anyMatch(s -> s.gradeDue() == RiskLevel.URGENT);
        assertThat(stops).as("backlog stops with the patient or the clinic heard between the stall and the upload")
                .anyMatch(BacklogStop::heardBetween);
        assertThat(stops.stream().filter(s -> !s.gradedAsDue()).toList())
                .as("backlog stops below the grade their age calls for on arrival").isEmpty();
    }

    /**
     * communicator-outage-stall: a stall whose alarm no communicator relayed (out of range) reaches the platform only
     * with the first record that shows it, the clinic's rotor study answering the patient's call or report, or the first
     * status report once the communicator is back ({@link DetectionCriteria#AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD}).
     * Its underdose alert must be open within the hour of that record, and the alarm relayed within the hour of the
     * status report that lists it; no such stall is a miss before anything of it arrived. Neither record says when the
     * pump stalled: the twin dates the stop from the pump's last report before it (PumpTwin.listedSince), so its grade
     * on arrival must be the one the stop's true age calls for (before that, 10 of 20 were below it over 30 pumps x 3
     * seeds: the twin graded the stop as fresh).
     */
    @Test
    void everyStallNoCommunicatorRelayedIsFlaggedWithinTheHourOfItsFirstRecord() {
        ScenarioResult r = results.get("communicator-outage-stall");
        List<BacklogStop> stops = r.backlogStops();
        System.out.println("communicator-outage-stall stops learned late: " + stops);
        assertThat(stops).as("stops of delivery learned from the first record of an unrelayed alarm").isNotEmpty();
        assertThat(stops.stream().filter(s -> Double.isNaN(s.latencyHours())
                || s.latencyHours() > DetectionCriteria.BACKLOG_GRADE_WINDOW.toHours()).toList())
                .as("stops with no underdose alert within the hour of their first record").isEmpty();
        List<Outcome> stalls = r.faults().stream()
                .filter(o -> o.condition().equals("MOTOR_STALL") && o.injected()).toList();
        assertThat(stalls.stream().filter(Outcome::counted).filter(o -> !o.flagged() || o.latencyHours() > 1).toList())
                .as("stall alarms not relayed within the hour of the status report that listed them").isEmpty();
        System.out.printf("communicator-outage-stall: %d stalls, %d relayed from a status report, %d never listed by "
                        + "one (not observable as an alarm); %d of %d stops at the grade their true age calls for%n",
                stalls.size(), stalls.stream().filter(Outcome::counted).count(),
                stalls.stream().filter(Outcome::unobservable).count(),
                stops.stream().filter(BacklogStop::gradedAsDue).count(), stops.size());
        assertThat(stops.stream().filter(s -> !s.gradedAsDue()).toList())
                .as("stops below the grade their age calls for on their first record").isEmpty();
    }

    @Test
    void underdoseAndCatheterRecallMeetTheGoal() {
        for (AlertType type : List.of(AlertType.UNDERDOSE_WITHDRAWAL_RISK, AlertType.CATHETER_FAULT_SUSPECTED)) {
            List<Outcome> counted = results.values().stream().flatMap(r -> r.conditions().get(type).stream())
                    .filter(Outcome::counted).toList();
            long caught = counted.stream().filter(Outcome::flagged).count();
            assertThat(counted).as("%s conditions at test scale", type).isNotEmpty();
            assertThat(caught / (double) counted.size())
                    .as("%s recall; missed: %s", type, counted.stream().filter(o -> !o.flagged()).toList())
                    .isGreaterThanOrEqualTo(0.95);
        }
    }

    /** The true stops of delivery in wrong-serial-explant-stall that are its injected stalls (same pump, same step). */
    private List<Outcome> stopsUnderAWrongExplant() {
        ScenarioResult r = results.get("wrong-serial-explant-stall");
        List<Outcome> stalls = r.faults().stream()
                .filter(o -> o.condition().equals("MOTOR_STALL") && o.injected()).toList();
        return r.conditions().get(AlertType.UNDERDOSE_WITHDRAWAL_RISK).stream()
                .filter(stop -> stalls.stream().anyMatch(s -> s.pump().equals(stop.pump())
                        && Math.abs(s.onsetAt() - stop.onsetAt()) <= 15 * 60_000L)).toList();
    }

    private static void report(ScenarioResult r) {
        Map<String, List<Outcome>> byKind = r.faults().stream().filter(Outcome::counted)
                .collect(Collectors.groupingBy(Outcome::condition, LinkedHashMap::new, Collectors.toList()));
        List<String> kinds = new ArrayList<>();
        byKind.forEach((kind, list) -> kinds.add(String.format(Locale.ROOT, "%s=%d/%d(median %s, worst %s)", kind,
                list.stream().filter(Outcome::flagged).count(), list.size(),
                DetectionEvaluation.hours(Scorecard.median(list.stream().filter(Outcome::flagged)
                        .mapToDouble(Outcome::latencyHours).sorted().toArray())),
                DetectionEvaluation.hours(list.stream().filter(Outcome::flagged).mapToDouble(Outcome::latencyHours)
                        .max().orElse(Double.NaN)))));
        List<Outcome> stops = r.conditions().get(AlertType.UNDERDOSE_WITHDRAWAL_RISK).stream()
                .filter(Outcome::counted).toList();
        System.out.printf(Locale.ROOT, "event=detection.scored scenario=%s pumps=%d days=%.0f seed=%d records=%d "
                        + "seconds=%.1f refill_coverage=%s (%d refills) status_coverage=%s faults=[%s] "
                        + "underdose=%d/%d(median %s) false_alerts=%d first_onset=%s%n", r.scenario(), r.pumps(),
                r.days(), r.seed(), r.telemetryRecords(), r.seconds(), Scorecard.pct(r.calibration().refillCoverage()),
                r.calibration().refillsChecked(), Scorecard.pct(r.calibration().statusCoverage()),
                String.join(", ", kinds), stops.stream().filter(Outcome::flagged).count(), stops.size(),
                DetectionEvaluation.hours(Scorecard.median(stops.stream().filter(Outcome::flagged)
                        .mapToDouble(Outcome::latencyHours).sorted().toArray())),
                r.falseAlerts().values().stream().mapToInt(List::size).sum(),
                r.faults().isEmpty() ? "-" : Instant.ofEpochMilli(r.faults().get(0).onsetAt()));
    }
}
