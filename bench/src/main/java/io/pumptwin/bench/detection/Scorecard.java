package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.detection.ScenarioResult.RefillCycle;
import io.pumptwin.events.AlertType;
import io.pumptwin.events.TrueFaultKind;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.DoubleStream;

/** Figures summed over scenario runs: recall, false alerts per 100 pump-months, latencies, lead times, coverage. */
public final class Scorecard {
    private final List<ScenarioResult> runs = new ArrayList<>();

    public Scorecard add(ScenarioResult r) {
        runs.add(r);
        return this;
    }

    public List<ScenarioResult> runs() {
        return List.copyOf(runs);
    }

    public double pumpMonths() {
        return runs.stream().mapToDouble(ScenarioResult::pumpMonths).sum();
    }

    /** Recall, latency and false-alert figures of one alert type. */
    public record AlertRow(AlertType type, int conditions, int flagged, int censored, int opened, int falseAlerts,
                           double falsePer100PumpMonths, double medianLatencyHours, double worstLatencyHours) {
        public double recall() {
            return conditions == 0 ? Double.NaN : flagged / (double) conditions;
        }
    }

    /** Recall and latency of one true fault kind. */
    public record FaultRow(String kind, int onsets, int flagged, int censored, double medianLatencyHours,
                           double worstLatencyHours) {
        public double recall() {
            return onsets == 0 ? Double.NaN : flagged / (double) onsets;
        }
    }

    public List<AlertRow> alertRows() {
        List<AlertRow> rows = new ArrayList<>();
        double months = pumpMonths();
        for (AlertType type : AlertType.values()) {
            List<Outcome> all = runs.stream().flatMap(r -> r.conditions().get(type).stream()).toList();
            List<Outcome> counted = all.stream().filter(Outcome::counted).toList();
            double[] latency = counted.stream().filter(Outcome::flagged).mapToDouble(Outcome::latencyHours).sorted()
                    .toArray();
            int opened = runs.stream().mapToInt(r -> r.openedAlerts().getOrDefault(type, 0)).sum();
            int falseAlerts = runs.stream().mapToInt(r -> r.falseAlerts().getOrDefault(type, List.of()).size()).sum();
            rows.add(new AlertRow(type, counted.size(), (int) counted.stream().filter(Outcome::flagged).count(),
                    all.size() - counted.size(), opened, falseAlerts, months == 0 ? 0 : 100 * falseAlerts / months,
                    median(latency), latency.length == 0 ? Double.NaN : latency[latency.length - 1]));
        }
        return rows;
    }

    /** Per true fault kind; {@code injectedOnly} keeps the scenarios' own injected faults. */
    public List<FaultRow> faultRows(boolean injectedOnly) {
        Map<String, List<Outcome>> byKind = new LinkedHashMap<>();
        for (TrueFaultKind k : TrueFaultKind.values()) {
            byKind.put(k.name(), new ArrayList<>());
        }
        runs.forEach(r -> r.faults().stream().filter(o -> !injectedOnly || o.injected())
                .forEach(o -> byKind.get(o.condition()).add(o)));
        List<Outcome> stops = runs.stream()
                .flatMap(r -> r.conditions().get(AlertType.UNDERDOSE_WITHDRAWAL_RISK).stream()).toList();
        if (!injectedOnly) {
            byKind.put("DELIVERY_STOPPED (underdose)", new ArrayList<>(stops));
        }
        List<FaultRow> rows = new ArrayList<>();
        byKind.forEach((kind, all) -> {
            if (all.isEmpty()) {
                return;
            }
            List<Outcome> counted = all.stream().filter(Outcome::counted).toList();
            double[] latency = counted.stream().filter(Outcome::flagged).mapToDouble(Outcome::latencyHours).sorted()
                    .toArray();
            rows.add(new FaultRow(kind, counted.size(), latency.length, all.size() - counted.size(), median(latency),
                    latency.length == 0 ? Double.NaN : latency[latency.length - 1]));
        });
        return rows;
    }

    public List<Outcome> missed(boolean injectedOnly) {
        return runs.stream().flatMap(r -> r.faults().stream())
                .filter(o -> (!injectedOnly || o.injected()) && o.counted() && !o.flagged()).toList();
    }

    /** Days of REFILL_DUE lead before the (true or extrapolated) alarm-volume crossing, sorted. */
    public double[] refillLeadDays() {
        return runs.stream().flatMap(r -> r.refillCycles().stream()).mapToDouble(RefillCycle::leadDays)
                .filter(d -> !Double.isNaN(d)).sorted().toArray();
    }

    public List<RefillCycle> emptyCycles() {
        return runs.stream().flatMap(r -> r.refillCycles().stream()).filter(c -> c.emptyAt() != null).toList();
    }

    /** Reservoirs that ran empty without a REFILL_DUE alert opened at least {@code leadDays} before. */
    public List<RefillCycle> emptyWithoutLead(double leadDays) {
        return emptyCycles().stream()
                .filter(c -> Double.isNaN(c.leadBeforeEmptyDays()) || c.leadBeforeEmptyDays() < leadDays).toList();
    }

    public int refillsChecked() {
        return runs.stream().mapToInt(r -> r.calibration().refillsChecked()).sum();
    }

    public double refillCoverage() {
        int checked = refillsChecked();
        return checked == 0 ? Double.NaN
                : runs.stream().mapToInt(r -> r.calibration().refillsInside()).sum() / (double) checked;
    }

    public String coldStartCoverage() {
        int checked = runs.stream().mapToInt(r -> r.calibration().coldStartChecked()).sum();
        int inside = runs.stream().mapToInt(r -> r.calibration().coldStartInside()).sum();
        return inside + "/" + checked;
    }

    public double statusCoverage() {
        long checked = runs.stream().mapToLong(r -> r.calibration().statusPointsChecked()).sum();
        long inside = runs.stream().mapToLong(r -> r.calibration().statusPointsInside()).sum();
        return checked == 0 ? Double.NaN : inside / (double) checked;
    }

    public long statusPoints() {
        return runs.stream().mapToLong(r -> r.calibration().statusPointsChecked()).sum();
    }

    /** The stops of delivery that came in a home communicator's backlog, over every run. */
    public List<ScenarioResult.BacklogStop> backlogStops() {
        return runs.stream().flatMap(r -> r.backlogStops().stream()).toList();
    }

    public Map<AlertType, Integer> falseAlertCounts() {
        Map<AlertType, Integer> m = new EnumMap<>(AlertType.class);
        runs.forEach(r -> r.falseAlerts().forEach((t, l) -> m.merge(t, l.size(), Integer::sum)));
        return m;
    }

    /** The median of values sorted in ascending order; NaN for none. The benchmarks' one median. */
    public static double median(double[] sorted) {
        if (sorted.length == 0) {
            return Double.NaN;
        }
        int n = sorted.length;
        return n % 2 == 1 ? sorted[n / 2] : (sorted[n / 2 - 1] + sorted[n / 2]) / 2;
    }

    static String pct(double v) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.3f", v);
    }

    static String num(double v, String unit) {
        return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.1f%s", v, unit);
    }

    static double[] of(List<Double> values) {
        return values.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static DoubleStream finite(double[] v) {
        return DoubleStream.of(v).filter(d -> !Double.isNaN(d));
    }
}
