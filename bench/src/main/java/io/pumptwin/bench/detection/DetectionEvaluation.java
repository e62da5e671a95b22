package io.pumptwin.bench.detection;

import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.bench.detection.DetectionCriteria.FalseAlertRule;
import io.pumptwin.bench.detection.PumpHistory.AlertSpan;
import io.pumptwin.bench.detection.PumpHistory.Band;
import io.pumptwin.bench.detection.PumpHistory.Truth;
import io.pumptwin.bench.detection.ScenarioResult.BacklogStop;
import io.pumptwin.bench.detection.ScenarioResult.Calibration;
import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.detection.ScenarioResult.RefillCycle;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.CatheterCheck;
import io.pumptwin.events.CatheterCheckMethod;
import io.pumptwin.events.CatheterCheckResult;
import io.pumptwin.events.DeliveryStatus;
import io.pumptwin.events.GroundTruth;
import io.pumptwin.events.InfusionMode;
import io.pumptwin.events.PumpAlarm;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.PumpExplant;
import io.pumptwin.events.PumpExplantRetraction;
import io.pumptwin.events.RefillRecord;
import io.pumptwin.events.RiskLevel;
import io.pumptwin.events.StatusReport;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TrueFaultKind;
import io.pumptwin.events.WithdrawalStage;
import io.pumptwin.simulator.fleet.FleetSimulation;
import io.pumptwin.simulator.output.SimulationSink;
import io.pumptwin.simulator.scenario.Scenario;
import io.pumptwin.simulator.scenario.ScenarioLoader;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.delivery.InterruptionCause;
import io.pumptwin.twin.risk.Interruption;
import io.pumptwin.twin.risk.UnderdoseRisk;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Runs a shipped scenario through simulator -> twin -> alerting, all in-process with the production topologies,
 * and judges the twin and the alerts against the simulator's ground truth: reservoir band coverage, whether and
 * how fast each true condition was flagged, refill-due lead times, and false alerts. What counts as what is
 * defined in {@link DetectionCriteria}.
 */
public final class DetectionEvaluation {
    static final long HOUR = 3_600_000L;
    static final long DAY = 24 * HOUR;
    private static final double MONTH_DAYS = 365.25 / 12;
    /** The twin's routine state is written at most hourly; an older band (a silent pump) is not judged. */
    private static final long MAX_BAND_AGE = 3 * HOUR;
    /** The pump's two-tone alarms, as a status report lists them among its active ones. */
    private static final Set<PumpAlarmKind> CRITICAL_ALARMS = EnumSet.of(PumpAlarmKind.END_OF_SERVICE,
            PumpAlarmKind.MOTOR_STALL, PumpAlarmKind.LOW_BATTERY_RESET, PumpAlarmKind.MEMORY_RESET,
            PumpAlarmKind.OTHER_CRITICAL);

    private final TwinModelParameters model;
    private final SeverityPolicy severity;

    public DetectionEvaluation(TwinModelParameters model, SeverityPolicy severity) {
        this.model = Objects.requireNonNull(model);
        this.severity = Objects.requireNonNull(severity);
    }

    /** The production defaults of the twin and the alerting. */
    public static DetectionEvaluation withDefaults() {
        return new DetectionEvaluation(TwinModelParameters.defaults(), SeverityPolicy.defaults());
    }

    public ScenarioResult run(String scenarioName, Integer pumps, Double days, long seed) {
        Scenario scenario = new ScenarioLoader().load(scenarioName).withOverrides(pumps, days);
        long started = System.nanoTime();
        FleetSimulation simulation = new FleetSimulation(scenario, seed);
        Map<String, PumpHistory> histories = new LinkedHashMap<>();
        simulation.pumpSerials().forEach(s -> histories.put(s, new PumpHistory(s)));
        long records;
        // -Dscorecard.trace=<serial>: that pump's clinical telemetry, twin events, alerts and ground truth on stderr
        // (status reports left out), to see why the twin did what the scorecard says.
        String traced = System.getProperty("scorecard.trace");
        try (InProcessPipeline pipeline = new InProcessPipeline(model, severity,
                s -> histories.get(s.getPumpSerial()).bands.add(Band.of(s)), e -> {
                    if (e.getPumpSerial().equals(traced)) {
                        System.err.println("trace " + scenarioName + " " + seed + " twin " + e);
                    }
                },
                a -> {
                    if (a.getPumpSerial().equals(traced)) {
                        System.err.println("trace " + scenarioName + " " + seed + " alert " + a.getAlertType() + " "
                                + a.getTransition() + " " + a.getRiskLevel());
                    }
                    histories.get(a.getPumpSerial()).onAlert(a);
                })) {
            EventTimeOrder sink = new EventTimeOrder(histories, pipeline, traced);
            while (!simulation.finished()) {
                long stepStart = simulation.nowMillis();
                simulation.step(sink);
                sink.releaseUpTo(stepStart);
            }
            sink.releaseUpTo(Long.MAX_VALUE);
            records = sink.sent;
        }
        double seconds = (System.nanoTime() - started) / 1e9;
        return score(scenario, seed, simulation.startMillis(), simulation.endMillis(), histories, records, seconds);
    }

    /**
     * Sends telemetry to the pipeline in the order it arrived: event-time order, but a home communicator's backlog at
     * its upload (receivedTime). The simulator emits a step's alarms stamped at the end of the step before later pumps'
     * reports at its start; holding each step until it is complete and sorting it by arrival (stably, so one pump's
     * sequence order is kept) gives the order a broker partition would see.
     */
    private static final class EventTimeOrder implements SimulationSink {
        private final Map<String, PumpHistory> histories;
        private final InProcessPipeline pipeline;
        private List<TelemetryEnvelope> pending = new ArrayList<>();
        long sent;

        private final String traced;

        EventTimeOrder(Map<String, PumpHistory> histories, InProcessPipeline pipeline, String traced) {
            this.histories = histories;
            this.pipeline = pipeline;
            this.traced = traced;
        }

        @Override
        public void telemetry(TelemetryEnvelope e) {
            pending.add(e);
            if (e.getPumpSerial().equals(traced) && !(e.getPayload() instanceof StatusReport)) {
                System.err.println("trace telemetry " + e.getEventTime() + " " + e.getPayload());
            }
            PumpHistory h = histories.get(e.getPumpSerial());
            long t = e.getEventTime().toEpochMilli();
            long arrived = arrival(e);
            h.telemetryTimes.add(arrived);
            Object payload = e.getPayload();
            if (payload instanceof PumpAlarm a && a.getCritical()) {
                h.criticalAlarmsMade.add(t);
                if (arrived > t) {
                    h.lateCriticalAlarms.add(new PumpHistory.LateAlarm(t, arrived));
                }
            }
            if (payload instanceof CatheterCheck c && c.getMethod() == CatheterCheckMethod.ROTOR_STUDY
                    && c.getResult() == CatheterCheckResult.FAULT_FOUND) {
                h.alarmNews.add(new PumpHistory.AlarmNews(t, arrived, false));
            }
            if (payload instanceof RefillRecord) {
                h.refills.add(t);
            } else if (payload instanceof PumpExplant) {
                h.explantReported(e.getEventId(), t);
            } else if (payload instanceof PumpExplantRetraction r) {
                h.explantRetracted(r.getRetractedEventId(), t);
            } else if (payload instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.ELECTIVE_REPLACEMENT_INDICATOR) {
                h.eriAlarms.add(t);
            } else if (payload instanceof PumpAlarm a && a.getKind() == PumpAlarmKind.END_OF_SERVICE) {
                h.eosAlarms.add(t);
            } else if (payload instanceof StatusReport s) {
                if (Double.isNaN(h.lowReservoirAlarmMl)) {
                    h.lowReservoirAlarmMl = s.getLowReservoirAlarmMl();
                }
                boolean minimum = s.getInfusionMode() == InfusionMode.MINIMUM_RATE;
                if (!minimum) {
                    h.onDose(t, s.getDoseMcgPerDay());
                }
                h.onStatus(t, s.getPumpComputedReservoirMl(), minimum || s.getConcentrationMcgPerMl() <= 0 ? 0
                        : s.getDoseMcgPerDay() / s.getConcentrationMcgPerMl());
                h.onStatusAlarms(t, arrived, s.getActiveAlarms().stream().anyMatch(CRITICAL_ALARMS::contains));
            }
        }

        @Override
        public void groundTruth(GroundTruth truth) {
            if (truth.getPumpSerial().equals(traced)) {
                System.err.println("trace truth " + truth);
            }
            histories.get(truth.getPumpSerial()).truth.add(Truth.of(truth));
        }

        void releaseUpTo(long t) {
            pending.sort(Comparator.comparingLong(DetectionEvaluation::arrival));
            List<TelemetryEnvelope> held = new ArrayList<>();
            for (TelemetryEnvelope e : pending) {
                if (arrival(e) <= t) {
                    pipeline.send(e);
                    sent++;
                } else {
                    held.add(e);
                }
            }
            pending = held;
        }
    }

    /**
     * When a record reached the platform: its receivedTime when the simulator set it (a home communicator's backlog,
     * uploaded when its network was back), else its event time (sent as it happened).
     */
    static long arrival(TelemetryEnvelope e) {
        return (e.getReceivedTime() != null ? e.getReceivedTime() : e.getEventTime()).toEpochMilli();
    }

    // ------------------------------------------------------------------------------------------ scoring

    private ScenarioResult score(Scenario scenario, long seed, long runStart, long runEnd,
                                 Map<String, PumpHistory> histories, long records, double seconds) {
        double pumpMonths = 0;
        List<Outcome> faults = new ArrayList<>();
        Map<AlertType, List<Outcome>> conditions = new EnumMap<>(AlertType.class);
        for (AlertType t : AlertType.values()) {
            conditions.put(t, new ArrayList<>());
        }
        List<RefillCycle> cycles = new ArrayList<>();
        List<BacklogStop> backlogStops = new ArrayList<>();
        Map<AlertType, Integer> opened = new EnumMap<>(AlertType.class);
        Map<AlertType, List<String>> falseAlerts = new EnumMap<>(AlertType.class);
        CalibrationTally calibration = new CalibrationTally();
        for (PumpHistory h : histories.values()) {
            if (h.truth.isEmpty()) {
                continue;
            }
            pumpMonths += (h.lastSeen() - h.firstSeen()) / (double) DAY / MONTH_DAYS;
            calibrate(h, calibration);
            judgeFaults(scenario, runStart, runEnd, h, faults, conditions);
            judgeUnderdose(runEnd, h, conditions.get(AlertType.UNDERDOSE_WITHDRAWAL_RISK), backlogStops);
            judgeOverdose(runEnd, h, conditions.get(AlertType.OVERDOSE_RISK));
            judgeBattery(runEnd, h, conditions.get(AlertType.BATTERY_ERI));
            judgeSilence(runEnd, h, conditions.get(AlertType.PUMP_SILENT));
            judgeRefills(h, cycles, conditions);
            for (AlertSpan a : h.alerts) {
                opened.merge(a.type, 1, Integer::sum);
                String why = falseAlert(runEnd, h, a);
                if (why != null && a.type != AlertType.REFILL_DUE && a.type != AlertType.REFILL_URGENT) {
                    why = why + "; before: " + truthBefore(h, a.openedAt) + "; twin: " + a.openingEvidence;
                }
                if (why != null) {
                    falseAlerts.computeIfAbsent(a.type, k -> new ArrayList<>()).add(h.serial + " "
                            + Instant.ofEpochMilli(a.openedAt) + ": " + why);
                    System.out.printf(Locale.ROOT, "event=false.alert scenario=%s seed=%d type=%s pump=%s at=%s why=\"%s\"%n",
                            scenario.name(), seed, a.type, h.serial, Instant.ofEpochMilli(a.openedAt), why);
                }
            }
        }
        return new ScenarioResult(scenario.name(), scenario.fleetSize(), scenario.durationDays(), seed, pumpMonths,
                records, seconds, calibration.result(), faults, conditions, cycles, opened, falseAlerts, backlogStops);
    }

    // --- reservoir calibration

    private static final class CalibrationTally {
        int refills;
        int refillsInside;
        int cold;
        int coldInside;
        int faulted;
        long points;
        long pointsInside;
        final List<String> misses = new ArrayList<>();

        Calibration result() {
            return new Calibration(refills, refillsInside, cold, coldInside, faulted, points, pointsInside,
                    List.copyOf(misses));
        }
    }

    private void calibrate(PumpHistory h, CalibrationTally tally) {
        long previousRefill = Long.MIN_VALUE;
        for (long refillAt : h.refills) {
            Band before = bandBefore(h, refillAt);
            Double residual = trueResidual(h, refillAt);
            long cycleStart = previousRefill;
            previousRefill = refillAt;
            if (before == null || residual == null) {
                continue;
            }
            if (anyTruth(h, cycleStart, refillAt, g -> !Collections.disjoint(g.faults(),
                    DetectionCriteria.UNDISCLOSED_VOLUME_FAULTS))) {
                // Drug kept in the pump or put into the pocket: the residual is the fault's signal, not noise.
                tally.faulted++;
                continue;
            }
            double[] band = projected(before, refillAt);
            boolean inside = residual >= band[0] - 1e-9 && residual <= band[1] + 1e-9;
            tally.refills++;
            tally.refillsInside += inside ? 1 : 0;
            if (before.lastRefillAt() == null) {
                tally.cold++;
                tally.coldInside += inside ? 1 : 0;
            }
            if (!inside) {
                tally.misses.add(String.format(Locale.ROOT, "%s refill %s: true residual %.2f mL, band [%.2f, %.2f] "
                                + "(mean %.2f, sd %.2f, %s, twin %s)", h.serial, Instant.ofEpochMilli(refillAt),
                        residual, band[0], band[1], band[2], before.stdDevMl(), before.delivery(),
                        before.lastRefillAt() == null ? "no fill seen yet" : "fill seen"));
            }
        }
        // Status points: every hourly truth record while the twin's band belongs to the current fill.
        int b = -1;
        int r = -1;
        for (Truth g : h.truth) {
            if (g.change() != null) {
                continue;
            }
            while (b + 1 < h.bands.size() && h.bands.get(b + 1).asOf() <= g.at()) {
                b++;
            }
            while (r + 1 < h.refills.size() && h.refills.get(r + 1) <= g.at()) {
                r++;
            }
            if (b < 0 || r < 0 || h.refills.get(r) == g.at()) {
                continue;
            }
            Band band = h.bands.get(b);
            if (!Collections.disjoint(g.faults(), DetectionCriteria.UNDISCLOSED_VOLUME_FAULTS)
                    || anyTruth(h, h.refills.get(r), g.at(), x -> !Collections.disjoint(x.faults(),
                    DetectionCriteria.UNDISCLOSED_VOLUME_FAULTS))) {
                continue;
            }
            if (band.lastRefillAt() == null || band.lastRefillAt() != (long) h.refills.get(r)
                    || g.at() - band.asOf() > MAX_BAND_AGE) {
                continue;
            }
            double[] edges = projected(band, g.at());
            tally.points++;
            tally.pointsInside += g.reservoirMl() >= edges[0] - 1e-9 && g.reservoirMl() <= edges[1] + 1e-9 ? 1 : 0;
        }
    }

    /** The last band the twin wrote before it applied the refill at {@code refillAt}. */
    private static Band bandBefore(PumpHistory h, long refillAt) {
        Band found = null;
        for (Band b : h.bands) {
            if (b.asOf() > refillAt) {
                break;
            }
            if (b.lastRefillAt() == null || b.lastRefillAt() != refillAt) {
                found = b;
            }
        }
        return found == null || refillAt - found.asOf() > MAX_BAND_AGE ? null : found;
    }

    /**
     * The band moved forward from its own time to {@code t} as the twin itself predicts (programmed delivery times
     * (1 + bias)); at most a few hours, over which the band's widening is negligible and ignoring it only makes the
     * test stricter. Returns {lower, upper, mean}.
     */
    private double[] projected(Band b, long t) {
        double rate = switch (b.delivery()) {
            case STOPPED -> 0;
            case MINIMUM_RATE -> model.reservoir().minimumRateMlPerDay();
            default -> b.dailyVolumeMl();
        };
        double mean = b.meanMl() - rate * (1 + model.reservoir().deliveryBiasFraction()) * (t - b.asOf()) / DAY;
        double z = model.reservoir().bandZ();
        return new double[] {Math.max(0, mean - z * b.stdDevMl()), Math.max(0, mean + z * b.stdDevMl()), mean};
    }

    /**
     * The true residual aspirated at the refill at {@code refillAt}: exact, from the ledger identity (the aspirated
     * total moves only at a refill), provided no other refill happened between the two truth records around it.
     */
    private static Double trueResidual(PumpHistory h, long refillAt) {
        int before = lastTruthBefore(h, refillAt);
        if (before < 0) {
            return null;
        }
        Truth gb = h.truth.get(before);
        for (int i = before + 1; i < h.truth.size(); i++) {
            Truth ga = h.truth.get(i);
            if (ga.at() >= refillAt && ga.filledMl() > gb.filledMl() + 1e-9) {
                long refillsBetween = h.refills.stream().filter(r -> r > gb.at() && r <= ga.at()).count();
                return refillsBetween == 1 ? ga.aspiratedMl() - gb.aspiratedMl() : null;
            }
        }
        return null;
    }

    private static int lastTruthBefore(PumpHistory h, long t) {
        int lo = 0;
        int hi = h.truth.size() - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (h.truth.get(mid).at() < t) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found;
    }

    private static boolean anyTruth(PumpHistory h, long from, long to, Predicate<Truth> p) {
        for (int i = Math.max(0, lastTruthBefore(h, from)); i < h.truth.size(); i++) {
            Truth g = h.truth.get(i);
            if (g.at() > to) {
                break;
            }
            if (g.at() >= from && p.test(g)) {
                return true;
            }
        }
        return false;
    }

    // --- faults and conditions

    /** Hours from {@code onset} until an alert of one of the types is open in [onset, onset + window]; NaN if none. */
    private static double latencyHours(PumpHistory h, Set<AlertType> types, long onset, long window) {
        double best = Double.NaN;
        for (AlertSpan a : h.alerts) {
            if (types.contains(a.type) && a.openAnyTimeIn(onset, onset + window)) {
                double hours = Math.max(0, a.openedAt - onset) / (double) HOUR;
                if (Double.isNaN(best) || hours < best) {
                    best = hours;
                }
            }
        }
        return best;
    }

    private static Outcome outcome(PumpHistory h, String condition, long onset, boolean injected, Set<AlertType> types,
                                   long window, long runEnd) {
        return outcome(h, condition, onset, onset, injected, types, window, runEnd);
    }

    /**
     * A condition that began at {@code onset} and that a twin could first know of at {@code known} (later than the onset
     * for an alarm that came in a backlog, {@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}): its window and
     * latency count from {@code known}.
     */
    private static Outcome outcome(PumpHistory h, String condition, long onset, long known, boolean injected,
                                   Set<AlertType> types, long window, long runEnd) {
        double latency = latencyHours(h, types, known, window);
        boolean flagged = !Double.isNaN(latency);
        return new Outcome(h.serial, condition, onset, injected, flagged, latency, !flagged && known + window > runEnd);
    }

    /**
     * Whether the onset of {@code kind} at {@code onset} on this pump is one of the scenario's injections: inside an
     * injection's window from the run start or, for one that follows the injection before it ({@code afterPrevious}),
     * from that injection's onset on the same pump (a motor stall days into a wrong-serial explant).
     */
    static boolean injected(Scenario scenario, long runStart, PumpHistory h, TrueFaultKind kind, long onset) {
        for (int i = 0; i < scenario.injections().size(); i++) {
            if (scenario.injections().get(i).fault() == kind && injectedBy(scenario, i, runStart, h, onset)) {
                return true;
            }
        }
        return false;
    }

    private static boolean injectedBy(Scenario scenario, int index, long runStart, PumpHistory h, long onset) {
        Scenario.FaultInjection injection = scenario.injections().get(index);
        if (!injection.followsPrevious()) {
            return inWindow(scenario, injection, runStart, onset);
        }
        TrueFaultKind previous = scenario.injections().get(index - 1).fault();
        for (Truth g : h.truth) {
            if (g.at() > onset) {
                break;
            }
            if (g.change() != null && g.change().getStarted() && g.change().getKind() == previous
                    && inWindow(scenario, injection, g.at(), onset) && injectedBy(scenario, index - 1, runStart, h, g.at())) {
                return true;
            }
        }
        return false;
    }

    private static boolean inWindow(Scenario scenario, Scenario.FaultInjection injection, long from, long onset) {
        return onset >= from + (long) (injection.fromDay() * DAY)
                && onset <= from + (long) (injection.toDay() * DAY) + scenario.stepMillis();
    }

    void judgeFaults(Scenario scenario, long runStart, long runEnd, PumpHistory h, List<Outcome> faults,
                     Map<AlertType, List<Outcome>> conditions) {
        for (Truth g : h.truth) {
            if (g.change() == null || !g.change().getStarted()) {
                continue;
            }
            TrueFaultKind kind = g.change().getKind();
            DetectionCriteria.FaultRule rule = DetectionCriteria.ruleFor(kind);
            boolean injected = injected(scenario, runStart, h, kind, g.at());
            long window = rule.window().toMillis();
            if (kind == TrueFaultKind.MISSED_REFILL && DetectionCriteria.MISSED_REFILL_UNTIL_ALARM_VOLUME) {
                // until the true reservoir reaches the alarm volume (DetectionCriteria.MISSED_REFILL_UNTIL_ALARM_VOLUME)
                double days = trueDaysToAlarmVolume(h, g.at());
                if (Double.isFinite(days)) {
                    window = Math.max(window, (long) (days * DAY));
                }
            }
            if (kind == TrueFaultKind.COMMUNICATOR_OFFLINE) {
                faults.add(judgeOutage(h, g.at(), injected, runEnd));
                continue;
            }
            // What the pump itself reports is judged from when it reached telemetry (a backlog's upload, else the onset),
            // and an alarm that never did from the first report of the pump that listed it.
            long known = DetectionCriteria.CRITICAL_ALARM_FAULTS.contains(kind) ? h.knownAt(g.at(), false) : g.at();
            if (known == Long.MAX_VALUE) {
                // Nothing of the pump's alarm ever reached the platform: nothing a twin could have relayed.
                Outcome unheard = new Outcome(h.serial, kind.name(), g.at(), injected, false, Double.NaN, false, true);
                faults.add(unheard);
                conditions.get(AlertType.PUMP_CRITICAL_ALARM).add(unheard);
                if (kind == TrueFaultKind.BATTERY_END_OF_SERVICE) {
                    conditions.get(AlertType.BATTERY_END_OF_SERVICE).add(unheard);
                }
                continue;
            }
            Outcome judged = outcome(h, kind.name(), g.at(), known, injected, rule.flaggedBy(), window, runEnd);
            if (!judged.flagged() && !DetectionCriteria.observable(kind,
                    overdoseWithin(h, g.at(), g.at() + rule.window().toMillis()))) {
                judged = new Outcome(judged.pump(), judged.condition(), judged.onsetAt(), judged.injected(), false,
                        judged.latencyHours(), judged.censored(), true);
            }
            faults.add(judged);
            // The same onsets, judged per alert type.
            if (DetectionCriteria.CATHETER_FAULTS.contains(kind)) {
                conditions.get(AlertType.CATHETER_FAULT_SUSPECTED).add(faults.get(faults.size() - 1));
            }
            if (kind == TrueFaultKind.WRONG_SERIAL_EXPLANT) {
                conditions.get(AlertType.EXPLANT_DOUBTED).add(judged);
            }
            if (DetectionCriteria.CRITICAL_ALARM_FAULTS.contains(kind)) {
                conditions.get(AlertType.PUMP_CRITICAL_ALARM).add(outcome(h, kind.name(), g.at(), known, injected,
                        Set.of(AlertType.PUMP_CRITICAL_ALARM), HOUR, runEnd));
            }
            if (kind == TrueFaultKind.BATTERY_END_OF_SERVICE) {
                conditions.get(AlertType.BATTERY_END_OF_SERVICE).add(outcome(h, kind.name(), g.at(), known, injected,
                        Set.of(AlertType.BATTERY_END_OF_SERVICE), HOUR, runEnd));
            }
        }
    }

    /**
     * Each true stop of delivery lasting at least {@link DetectionCriteria#UNDERDOSE_MIN_STOP}; a stop the pump's
     * backlog brought is judged from its upload and graded ({@link DetectionCriteria#A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD}).
     */
    void judgeUnderdose(long runEnd, PumpHistory h, List<Outcome> out, List<BacklogStop> backlogStops) {
        Long since = null;
        long lastAt = 0;
        for (Truth g : h.truth) {
            Long s = g.deliveryStoppedSince();
            if (since != null && !since.equals(s)) {
                underdoseEpisode(runEnd, h, since, g.at(), false, out, backlogStops);
                since = null;
            }
            if (since == null && s != null) {
                since = s;
            }
            lastAt = g.at();
        }
        if (since != null) {
            underdoseEpisode(runEnd, h, since, lastAt, true, out, backlogStops);
        }
    }

    private void underdoseEpisode(long runEnd, PumpHistory h, long since, long end, boolean ongoing,
                                  List<Outcome> out, List<BacklogStop> backlogStops) {
        if (end - since < DetectionCriteria.UNDERDOSE_MIN_STOP.toMillis()) {
            return;
        }
        long known = h.knownAt(since, true);
        long window = known == Long.MAX_VALUE ? -1 : end - known + DetectionCriteria.UNDERDOSE_GRACE_AFTER_RESUME.toMillis();
        if (window < 0) {
            // Over for longer than the grace when the backlog or the first record of an alarm no communicator relayed
            // brought it, or never brought: nothing a twin could have flagged in time.
            out.add(new Outcome(h.serial, "DELIVERY_STOPPED", since, false, false, Double.NaN, false, true));
            return;
        }
        double latency = latencyHours(h, Set.of(AlertType.UNDERDOSE_WITHDRAWAL_RISK), known, window);
        boolean flagged = !Double.isNaN(latency);
        boolean censored = !flagged && ongoing && runEnd - known < DetectionCriteria.UNDERDOSE_CENSOR.toMillis();
        out.add(new Outcome(h.serial, "DELIVERY_STOPPED", since, false, flagged, latency, censored));
        if (known > since) {
            backlogStops.add(backlogStop(h, since, known, end));
        }
    }

    /**
     * A stop the pump's backlog brought at {@code uploadedAt}: the grade due by then from the twin's own grading of a
     * certain stop as old as it truly is ({@link DetectionCriteria#BACKLOG_GRADE_WINDOW}), beside the highest grade the
     * underdose alert stood at within that window of the upload.
     */
    BacklogStop backlogStop(PumpHistory h, long since, long uploadedAt, long end) {
        double dose = h.programmedDoseAt(since);
        // A stop that had ended before its upload is history when it arrives: no grade is due, only the flag.
        boolean ongoing = end >= uploadedAt;
        // The cause only names the evidence: a certain stop is graded the same whatever stopped the pump.
        RiskLevel due = !ongoing || Double.isNaN(dose) ? RiskLevel.NONE : RiskLevel.valueOf(UnderdoseRisk.assess(
                Instant.ofEpochMilli(uploadedAt), dose, List.of(new Interruption(InterruptionCause.MOTOR_STALL,
                        Instant.ofEpochMilli(since), 1.0, "the true stop", null)), List.of(), model.risk())
                .level().name());
        long graceEnd = uploadedAt + DetectionCriteria.BACKLOG_GRADE_WINDOW.toMillis();
        RiskLevel onArrival = null;
        double latency = Double.NaN;
        for (AlertSpan a : h.alertsOf(AlertType.UNDERDOSE_WITHDRAWAL_RISK)) {
            RiskLevel l = a.highestLevelIn(uploadedAt, graceEnd);
            if (l != null && (onArrival == null || l.compareTo(onArrival) > 0)) {
                onArrival = l;
            }
            if (l != null) {
                double hours = Math.max(0, a.openedAt - uploadedAt) / (double) HOUR;
                latency = Double.isNaN(latency) ? hours : Math.min(latency, hours);
            }
        }
        return new BacklogStop(h.serial, since, uploadedAt, (Math.min(uploadedAt, end) - since) / (double) HOUR, dose, due,
                onArrival == null ? RiskLevel.NONE : onArrival, latency,
                h.telemetryTimes.stream().anyMatch(t -> t > since && t < uploadedAt));
    }

    private static boolean overdoseWithin(PumpHistory h, long from, long to) {
        return h.truth.stream().anyMatch(t -> t.at() >= from && t.at() <= to && t.overdose());
    }

    /** Each true overdose episode (the simulated patient becomes overdosed). */
    private static void judgeOverdose(long runEnd, PumpHistory h, List<Outcome> out) {
        boolean was = false;
        for (Truth g : h.truth) {
            if (g.overdose() && !was) {
                out.add(outcome(h, "OVERDOSE", g.at(), false, Set.of(AlertType.OVERDOSE_RISK),
                        DetectionCriteria.OVERDOSE_WINDOW.toMillis(), runEnd));
            }
            was = g.overdose();
        }
    }

    /** The pump's own ERI indicator should find a BATTERY_ERI alert open (projected before, or opened at once). */
    private static void judgeBattery(long runEnd, PumpHistory h, List<Outcome> out) {
        for (long eri : h.eriAlarms) {
            out.add(outcome(h, "ERI_INDICATOR", eri, false, Set.of(AlertType.BATTERY_ERI),
                    DetectionCriteria.ERI_WINDOW.toMillis(), runEnd));
        }
    }

    /**
     * Each span in which nothing of an implanted pump arrived for longer than the silence time should be reported silent
     * ({@link DetectionCriteria#SILENCE_IS_WHAT_ARRIVED}); the span after a reported explant is not demanded
     * ({@link DetectionCriteria#EXPLANT_ENDS_THE_SILENCE_TRUTH}) while the explant stands
     * ({@link DetectionCriteria#A_RETRACTED_EXPLANT_STANDS_UNTIL_ITS_RETRACTION}).
     */
    private void judgeSilence(long runEnd, PumpHistory h, List<Outcome> out) {
        for (Silence s : silences(h, runEnd)) {
            out.add(s.outcome());
        }
    }

    /** A span with no telemetry from {@code lastHeard} to {@code heardAgain} (null: not before the run ended). */
    record Silence(String pump, long lastHeard, Long heardAgain, boolean flagged, double latencyHours) {
        Outcome outcome() {
            return new Outcome(pump, "STOPPED_COMMUNICATING", lastHeard, false, flagged, latencyHours, false);
        }

        boolean overlaps(long from, long to) {
            return lastHeard < to && (heardAgain == null || heardAgain > from);
        }
    }

    /** The pump's true silences that a twin with this silence time must report, each judged. */
    List<Silence> silences(PumpHistory h, long runEnd) {
        List<Silence> found = new ArrayList<>();
        long silentAfter = model.silentAfter().toMillis();
        long longEnough = silentAfter + DetectionCriteria.SILENCE_SWEEP_SLACK.toMillis();
        long window = silentAfter + DetectionCriteria.SILENCE_GRACE.toMillis();
        List<Long> heard = h.telemetryTimes;
        for (int i = 0; i < heard.size(); i++) {
            long last = heard.get(i);
            Long again = i + 1 < heard.size() ? heard.get(i + 1) : null;
            if (DetectionCriteria.EXPLANT_ENDS_THE_SILENCE_TRUTH && h.explantStandingAt(last) != null) {
                continue;
            }
            boolean long_ = again == null ? last + window <= runEnd : again - last >= longEnough;
            if (!long_) {
                continue;
            }
            double latency = latencyHours(h, Set.of(AlertType.PUMP_SILENT), last, window);
            found.add(new Silence(h.serial, last, again, !Double.isNaN(latency), latency));
        }
        return found;
    }

    /**
     * A home-communicator outage, judged by the silence it truly caused: caught when the silence overlapping it was
     * reported (latency from the outage's onset), not observable when no silence long enough overlapped it (it ended,
     * or the clinic's visits were heard, within the silence time), censored when that silence is still running at the
     * end of the run.
     */
    private Outcome judgeOutage(PumpHistory h, long onset, boolean injected, long runEnd) {
        long end = runEnd;
        for (Truth g : h.truth) {
            if (g.at() > onset && g.change() != null && g.change().getKind() == TrueFaultKind.COMMUNICATOR_OFFLINE
                    && !g.change().getStarted()) {
                end = g.at();
                break;
            }
        }
        long to = end;
        Silence silence = silences(h, runEnd).stream().filter(s -> s.overlaps(onset, to)).findFirst().orElse(null);
        String condition = TrueFaultKind.COMMUNICATOR_OFFLINE.name();
        if (silence == null) {
            long lastBeforeEnd = h.telemetryTimes.stream().filter(t -> t < to)
                    .reduce((earlier, later) -> later).orElse(onset);
            boolean running = to >= runEnd && lastBeforeEnd + model.silentAfter().toMillis()
                    + DetectionCriteria.SILENCE_GRACE.toMillis() > runEnd;
            return new Outcome(h.serial, condition, onset, injected, false, Double.NaN, running, !running);
        }
        double latency = silence.flagged()
                ? silence.latencyHours() + (silence.lastHeard() - onset) / (double) HOUR : Double.NaN;
        return new Outcome(h.serial, condition, onset, injected, silence.flagged(), latency, false);
    }

    // --- refill due

    void judgeRefills(PumpHistory h, List<RefillCycle> cycles, Map<AlertType, List<Outcome>> conditions) {
        double alarmMl = Double.isNaN(h.lowReservoirAlarmMl) ? 2.0 : h.lowReservoirAlarmMl;
        List<Long> starts = new ArrayList<>();
        starts.add(h.firstSeen());
        starts.addAll(h.refills);
        List<AlertSpan> urgent = h.alertsOf(AlertType.REFILL_URGENT);
        // The refill notice is either refill alert (DetectionCriteria.LOUDER_REFILL_ALERT_IS_A_NOTICE).
        List<AlertSpan> due = new ArrayList<>(h.alertsOf(AlertType.REFILL_DUE));
        if (DetectionCriteria.LOUDER_REFILL_ALERT_IS_A_NOTICE) {
            due.addAll(urgent);
        }
        for (int c = 0; c < starts.size(); c++) {
            long start = starts.get(c);
            boolean endsInRefill = c + 1 < starts.size();
            long end = endsInRefill ? starts.get(c + 1) : h.lastSeen() + 1;
            boolean first = c == 0;
            List<Truth> inCycle = h.truth.stream()
                    .filter(g -> (first ? g.at() >= start : g.at() > start) && g.at() < end).toList();
            if (inCycle.isEmpty() || inCycle.get(0).reservoirMl() <= alarmMl) {
                continue;
            }
            Long crossing = null;
            Long emptyAt = null;
            for (Truth g : inCycle) {
                if (crossing == null && g.reservoirMl() <= alarmMl) {
                    crossing = g.at();
                }
                if (emptyAt == null && g.reservoirMl() <= 1e-6) {
                    emptyAt = g.at();
                }
            }
            boolean actual = crossing != null;
            if (!actual && endsInRefill) {
                Double residual = trueResidual(h, end);
                double rate = trueRateMlPerDay(h, end);
                if (residual != null && rate > 0) {
                    crossing = end + (long) (Math.max(0, residual - alarmMl) / rate * DAY);
                }
            }
            if (crossing == null) {
                continue;
            }
            long cross = crossing;
            AlertSpan opened = due.stream().filter(a -> a.openAnyTimeIn(start, cross))
                    .min(Comparator.comparingLong(a -> a.openedAt)).orElse(null);
            double lead = opened == null ? Double.NaN : (cross - opened.openedAt) / (double) DAY;
            double leadEmpty = Double.NaN;
            if (emptyAt != null && opened != null && opened.openedAt <= emptyAt) {
                leadEmpty = (emptyAt - opened.openedAt) / (double) DAY;
            }
            cycles.add(new RefillCycle(h.serial, actual, cross, lead, emptyAt, leadEmpty));
            if (actual) {
                conditions.get(AlertType.REFILL_DUE).add(new Outcome(h.serial, "ALARM_VOLUME_REACHED", cross, false,
                        opened != null, opened == null ? Double.NaN : -lead * 24, false));
            }
            if (emptyAt != null) {
                long empty = emptyAt;
                AlertSpan loud = urgent.stream().filter(a -> a.openAnyTimeIn(start, empty + HOUR))
                        .min(Comparator.comparingLong(a -> a.openedAt)).orElse(null);
                conditions.get(AlertType.REFILL_URGENT).add(new Outcome(h.serial, "RESERVOIR_EMPTY", empty, false,
                        loud != null, loud == null ? Double.NaN : (loud.openedAt - empty) / (double) HOUR, false));
            }
        }
    }

    /** The true rate out of the reservoir over the day before {@code t}, in mL/day. */
    private static double trueRateMlPerDay(PumpHistory h, long t) {
        int last = lastTruthBefore(h, t);
        if (last < 0) {
            return 0;
        }
        Truth end = h.truth.get(last);
        int first = Math.max(0, lastTruthBefore(h, end.at() - DAY));
        Truth start = h.truth.get(first);
        if (end.at() - start.at() < DAY / 2) {
            // At the start of the run there is no past: take the day ahead (the reservoir is not refilled in it).
            long from = end.at();
            long nextRefill = h.refills.stream().filter(r -> r > from).findFirst().orElse(Long.MAX_VALUE);
            int ahead = Math.max(last, lastTruthBefore(h, Math.min(from + DAY, nextRefill)));
            start = end;
            end = h.truth.get(ahead);
        }
        double days = (end.at() - start.at()) / (double) DAY;
        return days <= 0 ? 0 : (end.deliveredMl() - start.deliveredMl()) / days;
    }

    /** Days until the true reservoir reaches the alarm volume from {@code t}: observed if it does, else extrapolated. */
    private static double trueDaysToAlarmVolume(PumpHistory h, long t) {
        double alarmMl = Double.isNaN(h.lowReservoirAlarmMl) ? 2.0 : h.lowReservoirAlarmMl;
        int i = Math.max(0, lastTruthBefore(h, t + 1));
        Truth now = h.truth.get(i);
        if (now.reservoirMl() <= alarmMl) {
            return 0;
        }
        long nextRefill = h.refills.stream().filter(r -> r > t).findFirst().orElse(Long.MAX_VALUE);
        for (int j = i + 1; j < h.truth.size() && h.truth.get(j).at() < nextRefill; j++) {
            if (h.truth.get(j).reservoirMl() <= alarmMl) {
                return (h.truth.get(j).at() - t) / (double) DAY;
            }
        }
        double rate = trueRateMlPerDay(h, t + 1);
        return rate <= 0 ? Double.POSITIVE_INFINITY : (now.reservoirMl() - alarmMl) / rate;
    }

    /**
     * Days until the pump's own computed volume reaches the alarm volume from {@code t}, when the pump would raise its
     * low-reservoir alarm, at its programmed daily volume: from its first status report in the hour after {@code t}
     * (an alert opened by a reprogramming, after a reset, is judged at the rate programmed then, not the minimal rate
     * of the report before), else its last one at or before {@code t}. Infinite when no report is known, a refill
     * came between that report and {@code t}, or the pump delivers nothing (the minimal rate).
     */
    static double pumpDaysToAlarmVolume(PumpHistory h, long t) {
        double alarmMl = Double.isNaN(h.lowReservoirAlarmMl) ? 2.0 : h.lowReservoirAlarmMl;
        PumpHistory.PumpBelief belief = null;
        for (int i = h.beliefs.size() - 1; i >= 0; i--) {
            PumpHistory.PumpBelief b = h.beliefs.get(i);
            if (b.at() <= t) {
                belief = belief == null ? b : belief;
                break;
            }
            if (b.at() <= t + HOUR) {
                belief = b;
            }
        }
        if (belief == null || belief.programmedDailyMl() <= 0 || t - belief.at() > DAY) {
            return Double.POSITIVE_INFINITY;
        }
        long from = Math.min(t, belief.at());
        long to = Math.max(t, belief.at());
        if (h.refills.stream().anyMatch(r -> r > from && r <= to)) {
            return Double.POSITIVE_INFINITY;
        }
        double left = belief.computedMl() - alarmMl - belief.programmedDailyMl() * (t - belief.at()) / (double) DAY;
        return Math.max(0, left) / belief.programmedDailyMl();
    }

    // --- false alerts

    /** Why an opened alert had no matching true condition; null when it had one (or cannot be judged yet). */
    String falseAlert(long runEnd, PumpHistory h, AlertSpan a) {
        FalseAlertRule rule = FalseAlertRule.of(a.type);
        long w = rule.window.toMillis();
        long t = a.openedAt;
        switch (rule) {
            case REFILL_DUE, REFILL_URGENT -> {
                if (a.drugStability) {
                    return null;
                }
                double days = trueDaysToAlarmVolume(h, t);
                double pumpDays = DetectionCriteria.REFILL_DUE_AT_PUMP_ALARM ? pumpDaysToAlarmVolume(h, t)
                        : Double.POSITIVE_INFINITY;
                return Math.min(days, pumpDays) * DAY <= w ? null : String.format(Locale.ROOT,
                        "true reservoir reaches the alarm volume in %.1f d, the pump's own computed volume in %.1f d "
                                + "(> %d d)%s", days, pumpDays, w / DAY, twinAt(h, t));
            }
            case UNDERDOSE_WITHDRAWAL_RISK -> {
                if (anyTruth(h, t - w, t + DAY, g -> g.deliveryStoppedSince() != null
                        || g.withdrawal() != WithdrawalStage.NONE
                        || !Collections.disjoint(g.faults(), DetectionCriteria.UNDERDOSE_CAUSES))) {
                    return null;
                }
                long early = DetectionCriteria.UNDERDOSE_EARLY_WARNING.toMillis();
                return anyTruth(h, t, t + early, g -> g.deliveryStoppedSince() != null
                        && (a.resolvedAt == null || a.resolvedAt >= g.deliveryStoppedSince()))
                        ? null : "no stop, withdrawal or dose-cutting fault within 3 d before to 1 d after, "
                        + "no stop within " + DetectionCriteria.UNDERDOSE_EARLY_WARNING.toDays() + " d after while open";
            }
            case CATHETER_FAULT_SUSPECTED -> {
                return anyTruth(h, t - w, t + DAY, g -> !Collections.disjoint(g.faults(), DetectionCriteria.CATHETER_FAULTS))
                        ? null : "no catheter fault within 30 d before to 1 d after";
            }
            case OVERDOSE_RISK -> {
                return anyTruth(h, t - w, t + DAY, g -> g.overdose()
                        || !Collections.disjoint(g.faults(), DetectionCriteria.OVERDOSE_CAUSES))
                        ? null : "no overdose, pocket fill or wrong concentration within 3 d before to 1 d after";
            }
            case PUMP_CRITICAL_ALARM -> {
                if (DetectionCriteria.A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD
                        && h.lateCriticalAlarms.stream().anyMatch(l -> Math.abs(l.arrivedAt() - t) <= w)) {
                    return null; // the pump's own alarm, uploaded late (DetectionCriteria.A_BACKLOG_IS_JUDGED_FROM_ITS_UPLOAD)
                }
                return anyTruth(h, t - w, t + w, g -> !Collections.disjoint(g.faults(),
                        DetectionCriteria.CRITICAL_ALARM_FAULTS)) ? null : "no stall, reset or end of service within 1 h";
            }
            case BATTERY_ERI, BATTERY_END_OF_SERVICE -> {
                List<Long> indicators = new ArrayList<>(h.eriAlarms);
                if (rule == FalseAlertRule.BATTERY_END_OF_SERVICE) {
                    indicators.addAll(h.eosAlarms);
                }
                if (indicators.stream().anyMatch(x -> x <= t + w)) {
                    return null;
                }
                return t + w > runEnd ? null : "no ERI/EOS indicator from the pump within " + w / DAY + " d";
            }
            case PUMP_SILENT -> {
                long silentAfter = model.silentAfter().toMillis();
                Long explant = h.explantStandingAt(t);
                if (explant != null) {
                    return "the pump's explant was reported " + hoursBefore(explant, t);
                }
                Long heard = h.telemetryTimes.stream().filter(x -> x > t - silentAfter && x <= t)
                        .reduce((earlier, later) -> later).orElse(null);
                return heard == null ? null : "the pump was communicating: telemetry arrived " + hoursBefore(heard, t)
                        + " (silence time " + silentAfter / HOUR + " h)";
            }
            case EXPLANT_DOUBTED -> {
                return anyTruth(h, t - w, t + w, g -> g.faults().contains(TrueFaultKind.WRONG_SERIAL_EXPLANT)) ? null
                        : "no explant recorded against the wrong serial within 1 h";
            }
            default -> throw new IllegalStateException(rule.name());
        }
    }

    /**
     * What the twin believed when a refill alert opened, so a reader of a false one can tell why it fired: its mean
     * and spread, the daily volume, whether it had seen a fill, and how long it had followed the pump.
     */
    private static String twinAt(PumpHistory h, long t) {
        Band b = null;
        for (Band x : h.bands) {
            if (x.asOf() > t) {
                break;
            }
            b = x;
        }
        if (b == null) {
            return "";
        }
        return String.format(Locale.ROOT, "; twin %.1f +/- %.1f mL at %.2f mL/d, %s, %.0f d after first telemetry",
                b.meanMl(), b.stdDevMl(), b.dailyVolumeMl(), b.lastRefillAt() == null ? "no fill seen" : "fill seen",
                (t - h.firstSeen()) / (double) DAY);
    }

    /**
     * What truly happened to the pump in the 14 days before {@code t} (stops of delivery, withdrawal, faults), so a
     * reader of a false underdose or catheter alert can tell whether it was late evidence of something real.
     */
    private static String truthBefore(PumpHistory h, long t) {
        List<String> seen = new ArrayList<>();
        Long stoppedSince = null;
        WithdrawalStage stage = WithdrawalStage.NONE;
        Set<TrueFaultKind> faults = Set.of();
        for (int i = Math.max(0, lastTruthBefore(h, t - 14 * DAY)); i < h.truth.size() && h.truth.get(i).at() <= t; i++) {
            Truth g = h.truth.get(i);
            if (g.deliveryStoppedSince() != null && !g.deliveryStoppedSince().equals(stoppedSince)) {
                seen.add("stopped " + hoursBefore(g.deliveryStoppedSince(), t));
            }
            if (g.withdrawal() != stage && g.withdrawal() != WithdrawalStage.NONE) {
                seen.add("withdrawal " + g.withdrawal() + " " + hoursBefore(g.at(), t));
            }
            for (TrueFaultKind f : g.faults()) {
                if (!faults.contains(f)) {
                    seen.add(f + " " + hoursBefore(g.at(), t));
                }
            }
            stoppedSince = g.deliveryStoppedSince();
            stage = g.withdrawal();
            faults = g.faults();
        }
        for (long r : h.refills) {
            if (r <= t && r > t - 14 * DAY) {
                seen.add("refill " + hoursBefore(r, t));
            }
        }
        return seen.isEmpty() ? "nothing in 14 d" : String.join(", ", seen);
    }

    private static String hoursBefore(long at, long t) {
        return String.format(Locale.ROOT, "%.0f h before", (t - at) / (double) HOUR);
    }

    static String hours(double h) {
        return Double.isNaN(h) ? "-" : String.format(Locale.ROOT, "%.1f h", h);
    }

    static Duration since(long from, long to) {
        return Duration.ofMillis(to - from);
    }
}
