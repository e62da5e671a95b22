package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.Scorecard.AlertRow;
import io.pumptwin.bench.detection.Scorecard.FaultRow;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.detection.ScenarioResult.RefillCycle;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.twin.TwinModelParameters;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * The detection scorecard (issue 6): every shipped scenario over several seeds through simulator -> twin ->
 * alerting in-process, judged against ground truth; writes a Markdown report and an SVG of detection latencies.
 *
 * <pre>
 * mvn -q -o -pl bench exec:exec -Dbench.main=io.pumptwin.bench.detection.DetectionScorecard \
 *     -Dbench.args="--pumps 60 --seeds 1,2,3"
 * </pre>
 * Options: {@code --pumps N} per scenario (default 60), {@code --days D} (default: each scenario's own duration),
 * {@code --seeds 1,2,3}, {@code --scenarios a,b} (default: all shipped), {@code --threads 2}, {@code --out path.md}.
 */
public final class DetectionScorecard {
    private DetectionScorecard() {
    }

    public static void main(String[] args) throws IOException {
        Map<String, String> opts = options(args);
        int pumps = Integer.parseInt(opts.getOrDefault("--pumps", "60"));
        Double days = opts.containsKey("--days") ? Double.valueOf(opts.get("--days")) : null;
        long[] seeds = Arrays.stream(opts.getOrDefault("--seeds", "1,2,3").split(",")).mapToLong(Long::parseLong)
                .toArray();
        List<String> scenarios = opts.containsKey("--scenarios") ? List.of(opts.get("--scenarios").split(","))
                : ScenarioLoader.SHIPPED;
        Path out = Path.of(opts.getOrDefault("--out", defaultOut()));

        int threads = Integer.parseInt(opts.getOrDefault("--threads", "2"));

        DetectionEvaluation evaluation = DetectionEvaluation.withDefaults();
        Scorecard card = new Scorecard();
        Map<String, Scorecard> perScenario = new LinkedHashMap<>();
        long started = System.nanoTime();
        // Runs share nothing (each has its own simulator, drivers and state directory): one per thread.
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        Map<String, List<Future<ScenarioResult>>> running = new LinkedHashMap<>();
        for (String scenario : scenarios) {
            for (long seed : seeds) {
                running.computeIfAbsent(scenario, k -> new ArrayList<>()).add(pool.submit(() -> {
                    ScenarioResult r = evaluation.run(scenario, pumps, days, seed);
                    System.out.printf(Locale.ROOT, "event=scenario.scored scenario=%s seed=%d pumps=%d days=%.0f "
                                    + "records=%d seconds=%.1f refill_coverage=%s faults=%d missed=%d "
                                    + "false_alerts=%d%n", scenario, seed, r.pumps(), r.days(), r.telemetryRecords(),
                            r.seconds(), Scorecard.pct(r.calibration().refillCoverage()), r.faults().size(),
                            r.faults().stream().filter(o -> o.counted() && !o.flagged()).count(),
                            r.falseAlerts().values().stream().mapToInt(List::size).sum());
                    return r;
                }));
            }
        }
        try {
            for (Map.Entry<String, List<Future<ScenarioResult>>> e : running.entrySet()) {
                Scorecard mine = new Scorecard();
                for (Future<ScenarioResult> f : e.getValue()) {
                    ScenarioResult r = f.get();
                    card.add(r);
                    mine.add(r);
                }
                perScenario.put(e.getKey(), mine);
            }
        } catch (InterruptedException | ExecutionException e) {
            throw new IllegalStateException("scenario run failed", e);
        } finally {
            pool.shutdownNow();
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        String command = "mvn -q -o -pl bench exec:exec -Dbench.main=" + DetectionScorecard.class.getName()
                + " -Dbench.args=\"" + String.join(" ", args) + "\"";
        Files.createDirectories(out.toAbsolutePath().getParent());
        Path svg = out.resolveSibling(out.getFileName().toString().replaceAll("\\.md$", "") + "-latency.svg");
        Files.writeString(out, markdown(card, perScenario, command, pumps, days, seeds, seconds,
                svg.getFileName().toString()));
        Files.writeString(svg, LatencyPlot.svg(card));
        System.out.println("event=scorecard.written path=" + out.toAbsolutePath() + " svg=" + svg.toAbsolutePath()
                + " seconds=" + Math.round(seconds));
    }

    /** Tolerates the exec plugin passing all options as one argument. */
    static Map<String, String> options(String[] args) {
        List<String> words = new ArrayList<>();
        for (String a : args) {
            words.addAll(Arrays.asList(a.trim().split("\\s+")));
        }
        Map<String, String> opts = new HashMap<>();
        for (int i = 0; i + 1 < words.size(); i += 2) {
            opts.put(words.get(i), words.get(i + 1));
        }
        return opts;
    }

    /** bench/results whether started from the repository root or from the bench module (exec:exec runs there). */
    private static String defaultOut() {
        return Files.isDirectory(Path.of("bench", "src")) ? "bench/results/detection-scorecard.md"
                : "results/detection-scorecard.md";
    }

    /** @param plot the latency plot's file name, beside the Markdown (it follows {@code --out}) */
    static String markdown(Scorecard card, Map<String, Scorecard> perScenario, String command, int pumps, Double days,
                           long[] seeds, double seconds, String plot) {
        TwinModelParameters model = TwinModelParameters.defaults();
        double leadDays = model.reservoir().clinicLeadTime().toDays();
        StringBuilder md = new StringBuilder();
        md.append("# Detection scorecard\n\n");
        md.append("Command: `").append(command).append("`\n\n");
        md.append(String.format(Locale.ROOT, "Written %s. Scenarios: %s; %d pumps each, %s, seeds %s: %,.0f pump-months "
                        + "in %.0f s. Production twin (parameter set `%s`) and alerting topologies under "
                        + "TopologyTestDriver, fed the simulator's telemetry in the order it arrived (event time; a home "
                        + "communicator's backlog at its upload); judged against "
                        + "`sim.ground-truth.v1` by `io.pumptwin.bench.detection.DetectionCriteria` (what counts as "
                        + "a catch and as a false alert, per type).%n%n", Instant.now(), String.join(", ",
                        perScenario.keySet()), pumps, days == null ? "each scenario's own duration" : days + " days",
                Arrays.toString(seeds), card.pumpMonths(), seconds, model.name()));

        md.append("## Alerts against ground truth\n\n");
        md.append("| alert type | true conditions | caught | recall | alerts opened | false alerts | false / 100 "
                + "pump-months | median latency | worst latency |\n|---|---:|---:|---:|---:|---:|---:|---:|---:|\n");
        for (AlertRow row : card.alertRows()) {
            boolean lead = row.type() == AlertType.REFILL_DUE || row.type() == AlertType.REFILL_URGENT;
            md.append(String.format(Locale.ROOT, "| %s | %d%s | %d | %s | %d | %d | %.2f | %s | %s |%n", row.type(),
                    row.conditions(), row.censored() > 0 ? " (+" + row.censored() + " censored)" : "", row.flagged(),
                    Scorecard.pct(row.recall()), row.opened(), row.falseAlerts(), row.falsePer100PumpMonths(),
                    lead ? leadText(-row.medianLatencyHours()) : Scorecard.num(row.medianLatencyHours(), " h"),
                    lead ? leadText(-row.worstLatencyHours()) : Scorecard.num(row.worstLatencyHours(), " h")));
        }
        md.append("\nTrue conditions per type: REFILL_DUE, the true reservoir reaching the low-reservoir alarm volume "
                + "(latency shown as lead: days the alert opened before); REFILL_URGENT, the true reservoir running "
                + "empty (lead before empty); UNDERDOSE_WITHDRAWAL_RISK, delivery truly stopped for at least "
                + DetectionCriteria.UNDERDOSE_MIN_STOP.toHours() + " h (latency from the true stop, or from the upload of the "
                + "backlog that brought it); "
                + "CATHETER_FAULT_SUSPECTED, every catheter fault onset; OVERDOSE_RISK, the patient becoming "
                + "overdosed; PUMP_CRITICAL_ALARM, stalls, resets and end of service (from the upload when their alarm came in "
                + "a backlog); BATTERY_ERI, the pump's own "
                + "ERI indicator; PUMP_SILENT, an implanted pump from which nothing at all arrived for longer than "
                + "the twin's silence time (48 h) + 1 h (latency from the last record that arrived; the span after a "
                + "reported explant is no condition until the clinic retracts it); EXPLANT_DOUBTED, an explant "
                + "recorded against the wrong serial of a pump still implanted (latency from the explant record). "
                + "Censored: not caught yet when the run ended inside the detection window, or nothing of the fault "
                + "reached telemetry: a pocket fill with too little drug in the pocket to overdose and not "
                + "suspected at the visit (the reservoir it leaves short is judged when it runs dry, "
                + "RESERVOIR_EMPTY), a home-communicator outage that ended, or was interrupted by the clinic's "
                + "visit, within the silence time. Not counted.\n\n");

        double[] leads = card.refillLeadDays();
        List<RefillCycle> empties = card.emptyCycles();
        List<RefillCycle> lateEmpties = card.emptyWithoutLead(leadDays);
        md.append("## Refill due\n\n");
        md.append(String.format(Locale.ROOT, "- REFILL_DUE lead before the true reservoir reaches (or, refilled first, "
                        + "would reach at its true rate) the alarm volume: median %s d, worst %s d, over %d fill cycles.%n",
                Scorecard.num(Scorecard.median(leads), ""), leads.length == 0 ? "-" : Scorecard.num(leads[0], ""),
                leads.length));
        md.append(String.format(Locale.ROOT, "- Reservoirs that truly ran empty: %d; without a REFILL_DUE alert at "
                + "least the clinic lead time (%.0f d) ahead: **%d** (goal 0).%n", empties.size(), leadDays,
                lateEmpties.size()));
        lateEmpties.stream().limit(10).forEach(c -> md.append(String.format(Locale.ROOT,
                "  - %s empty %s, REFILL_DUE lead %s%n", c.pump(), Instant.ofEpochMilli(c.emptyAt()),
                Double.isNaN(c.leadBeforeEmptyDays()) ? "none" : Scorecard.num(c.leadBeforeEmptyDays(), " d"))));

        md.append("\n## Faults by kind (every onset, injected and background)\n\n");
        faultTable(md, card.faultRows(false));
        md.append("\n## The scenarios' injected faults only\n\n");
        faultTable(md, card.faultRows(true));
        List<Outcome> missed = card.missed(false);
        if (!missed.isEmpty()) {
            md.append("\nMissed (first 15):\n\n");
            missed.stream().limit(15).forEach(o -> md.append(String.format(Locale.ROOT, "- %s %s at %s%s%n", o.pump(),
                    o.condition(), Instant.ofEpochMilli(o.onsetAt()), o.injected() ? " (injected)" : "")));
        }

        backlogSection(md, card);

        md.append("\n## Reservoir band calibration\n\n");
        md.append(String.format(Locale.ROOT, "- True residual inside the twin's last 95%% band before the refill: **%s** "
                        + "of %d refills (goal >= 0.95); refills before which the twin had seen no fill: %s inside. "
                        + "Left out: %d refills whose cycle had an occlusion, kink or pocket fill (the residual is then "
                        + "the fault's evidence).%n", Scorecard.pct(card.refillCoverage()), card.refillsChecked(),
                card.coldStartCoverage(), card.runs().stream().mapToInt(r -> r.calibration().faultedRefills()).sum()));
        md.append(String.format(Locale.ROOT, "- True volume inside the band at hourly status points (after the twin's "
                + "first refill): %s of %,d.%n", Scorecard.pct(card.statusCoverage()), card.statusPoints()));

        md.append("\n## Per scenario\n\n| scenario | runs | pump-months | refill coverage | injected faults caught "
                + "| underdose recall | false alerts / 100 pump-months |\n|---|---:|---:|---:|---:|---:|---:|\n");
        perScenario.forEach((name, sc) -> {
            List<Outcome> injected = sc.runs().stream().flatMap(r -> r.faults().stream())
                    .filter(o -> o.injected() && o.counted()).toList();
            AlertRow under = sc.alertRows().stream().filter(r -> r.type() == AlertType.UNDERDOSE_WITHDRAWAL_RISK)
                    .findFirst().orElseThrow();
            int falseAlerts = sc.falseAlertCounts().values().stream().mapToInt(Integer::intValue).sum();
            md.append(String.format(Locale.ROOT, "| %s | %d | %.0f | %s | %d/%d | %s | %.1f |%n", name,
                    sc.runs().size(), sc.pumpMonths(), Scorecard.pct(sc.refillCoverage()),
                    injected.stream().filter(Outcome::flagged).count(), injected.size(), Scorecard.pct(under.recall()),
                    sc.pumpMonths() == 0 ? 0 : 100 * falseAlerts / sc.pumpMonths()));
        });

        md.append("\n## False alerts, examples\n\n");
        card.runs().stream().flatMap(r -> r.falseAlerts().entrySet().stream()
                        .flatMap(e -> e.getValue().stream().limit(2).map(s -> r.scenario() + " " + e.getKey() + " " + s)))
                .limit(30).forEach(s -> md.append("- ").append(s).append('\n'));
        md.append("\nLatency plot: `").append(plot).append("` (one dot per caught condition, log hours).\n");
        return md.toString();
    }

    /**
     * The stops the twin could first know of at a home communicator's upload
     * ({@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}) or at the first record of an alarm no communicator
     * relayed ({@link DetectionCriteria#AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD}): flagged within the hour of it, and at the grade
     * the true hours without therapy call for.
     */
    private static void backlogSection(StringBuilder md, Scorecard card) {
        List<ScenarioResult.BacklogStop> stops = card.backlogStops();
        if (stops.isEmpty()) {
            return;
        }
        double[] latency = stops.stream().mapToDouble(ScenarioResult.BacklogStop::latencyHours)
                .filter(d -> !Double.isNaN(d)).sorted().toArray();
        md.append("\n## Stops of delivery learned late (a backlog, or the first record of an unrelayed alarm)\n\n");
        md.append(String.format(Locale.ROOT, "A home communicator with no network uploads what it kept when the network "
                        + "is back; a stop in it is judged from the upload. A stall whose alarm no communicator relayed "
                        + "(out of range) is judged from the first record that shows it: the clinic's rotor study "
                        + "answering the patient's call or report, or the first status report once the communicator is "
                        + "back (DetectionCriteria.AN_UNRELAYED_ALARM_IS_JUDGED_FROM_ITS_FIRST_RECORD); \"uploaded\" is "
                        + "that arrival. %d stops: underdose alert open within %d h of "
                        + "the upload for %d (latency from the upload: median %s, worst %s), at no less than the grade "
                        + "due for **%d**; grade due: %s; grade on arrival: %s. Grade due: the twin's own grading of a "
                        + "certain stop as old as it truly was at the upload, at the programmed dose, no symptom "
                        + "counted.%n%n", stops.size(), DetectionCriteria.BACKLOG_GRADE_WINDOW.toHours(), latency.length,
                Scorecard.num(Scorecard.median(latency), " h"),
                latency.length == 0 ? "-" : Scorecard.num(latency[latency.length - 1], " h"),
                stops.stream().filter(ScenarioResult.BacklogStop::gradedAsDue).count(),
                levels(stops.stream().map(ScenarioResult.BacklogStop::gradeDue).toList()),
                levels(stops.stream().map(ScenarioResult.BacklogStop::gradeOnArrival).toList())));
        // Those below the grade due first, every one of them; then the others, up to 40 rows in all.
        List<String> below = new ArrayList<>();
        List<String> others = new ArrayList<>();
        for (ScenarioResult r : card.runs()) {
            for (ScenarioResult.BacklogStop b : r.backlogStops()) {
                (b.gradedAsDue() ? others : below).add(String.format(Locale.ROOT,
                        "| %s %d | %s | %s | %s | %.1f | %.0f | %s | %s | %s%s | %s |%n", r.scenario(), r.seed(),
                        b.pump(), Instant.ofEpochMilli(b.stoppedAt()), Instant.ofEpochMilli(b.uploadedAt()),
                        b.hoursWithoutTherapy(), b.doseMcgPerDay(), b.heardBetween() ? "yes" : "no", b.gradeDue(),
                        b.gradeOnArrival(), b.gradedAsDue() ? "" : " (below due)", Scorecard.num(b.latencyHours(), " h")));
            }
        }
        List<String> rows = new ArrayList<>(below);
        others.stream().limit(Math.max(0, 40 - below.size())).forEach(rows::add);
        if (rows.size() < stops.size()) {
            md.append(String.format(Locale.ROOT, "%d of %d stops shown, every one below the grade due first.%n%n",
                    rows.size(), stops.size()));
        }
        md.append("| run | pump | stopped | uploaded | hours without therapy | dose mcg/day | heard between | grade due "
                + "| on arrival | latency |\n|---|---|---|---|---:|---:|---|---|---|---:|\n");
        rows.forEach(md::append);
        md.append("\nHeard between: a symptom report or a clinic's record of the pump reached telemetry between the stop "
                + "and the upload.\n");
    }

    private static String levels(List<RiskLevel> levels) {
        Map<RiskLevel, Long> counts = new EnumMap<>(RiskLevel.class);
        levels.forEach(l -> counts.merge(l, 1L, Long::sum));
        List<String> parts = new ArrayList<>();
        counts.forEach((l, n) -> parts.add(n + " " + l));
        return String.join(", ", parts);
    }

    private static String leadText(double leadHours) {
        return Double.isNaN(leadHours) ? "-" : String.format(Locale.ROOT, "%.1f d lead", leadHours / 24);
    }

    private static void faultTable(StringBuilder md, List<FaultRow> rows) {
        md.append("| true condition | onsets | flagged | recall | median latency | worst latency |\n"
                + "|---|---:|---:|---:|---:|---:|\n");
        for (FaultRow r : rows) {
            md.append(String.format(Locale.ROOT, "| %s | %d%s | %d | %s | %s | %s |%n", r.kind(), r.onsets(),
                    r.censored() > 0 ? " (+" + r.censored() + " censored)" : "", r.flagged(), Scorecard.pct(r.recall()),
                    Scorecard.num(r.medianLatencyHours(), " h"), Scorecard.num(r.worstLatencyHours(), " h")));
        }
    }
}
