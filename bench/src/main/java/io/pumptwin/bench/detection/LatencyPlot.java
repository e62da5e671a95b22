package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.bench.plot.StripPlot;
import io.pumptwin.events.AlertType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A strip plot of detection latencies, one row per true condition kind, log-scaled hours. */
final class LatencyPlot {
    private static final StripPlot PLOT = new StripPlot(
            "Detection latency from true onset (hours, log scale); red x: missed; grey: censored", 0.1, 2000,
            List.of(new StripPlot.Tick(0.1, "0.1"), new StripPlot.Tick(1, "1 h"), new StripPlot.Tick(6, "6 h"),
                    new StripPlot.Tick(24, "24 h"), new StripPlot.Tick(72, "72 h"), new StripPlot.Tick(168, "168 h"),
                    new StripPlot.Tick(720, "720 h")));

    private LatencyPlot() {
    }

    static String svg(Scorecard card) {
        Map<String, List<Outcome>> rows = new LinkedHashMap<>();
        card.runs().forEach(r -> r.faults().forEach(o -> rows.computeIfAbsent(o.condition(), k -> new ArrayList<>()).add(o)));
        card.runs().forEach(r -> rows.computeIfAbsent("DELIVERY_STOPPED (underdose alert)", k -> new ArrayList<>())
                .addAll(r.conditions().get(AlertType.UNDERDOSE_WITHDRAWAL_RISK)));
        List<StripPlot.Row> plotted = new ArrayList<>();
        for (Map.Entry<String, List<Outcome>> e : rows.entrySet()) {
            long caught = e.getValue().stream().filter(Outcome::flagged).count();
            long counted = e.getValue().stream().filter(Outcome::counted).count();
            List<StripPlot.Point> points = new ArrayList<>();
            for (Outcome o : e.getValue()) {
                points.add(o.flagged() ? new StripPlot.Value(o.latencyHours()) : new StripPlot.Missed(o.censored()));
            }
            plotted.add(new StripPlot.Row(e.getKey() + " (" + caught + "/" + counted + ")", points));
        }
        return PLOT.svg(plotted);
    }
}
