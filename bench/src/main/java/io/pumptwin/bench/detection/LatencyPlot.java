package io.pumptwin.bench.detection;

import io.pumptwin.bench.detection.ScenarioResult.Outcome;
import io.pumptwin.events.AlertType;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/** A strip plot of detection latencies, one row per true condition kind, log-scaled hours; SVG written by hand. */
final class LatencyPlot {
    private static final int LEFT = 260;
    private static final int WIDTH = 900;
    private static final int ROW = 26;
    private static final double MIN_H = 0.1;
    private static final double MAX_H = 2000;

    private LatencyPlot() {
    }

    static String svg(Scorecard card) {
        Map<String, List<Outcome>> rows = new LinkedHashMap<>();
        card.runs().forEach(r -> r.faults().forEach(o -> rows.computeIfAbsent(o.condition(), k -> new ArrayList<>()).add(o)));
        card.runs().forEach(r -> rows.computeIfAbsent("DELIVERY_STOPPED (underdose alert)", k -> new ArrayList<>())
                .addAll(r.conditions().get(AlertType.UNDERDOSE_WITHDRAWAL_RISK)));
        int height = 60 + ROW * rows.size() + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">Detection latency from true onset "
                + "(hours, log scale); red x: missed; grey: censored</text>%n"));
        int plotRight = WIDTH - 30;
        for (double tick : new double[] {0.1, 1, 6, 24, 72, 168, 720}) {
            double x = x(tick, plotRight);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"35\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, x, height - 30, x, height - 15,
                    tick < 1 ? "0.1" : (int) tick + " h"));
        }
        int row = 0;
        for (Map.Entry<String, List<Outcome>> e : rows.entrySet()) {
            int y = 50 + ROW * row++;
            long caught = e.getValue().stream().filter(Outcome::flagged).count();
            long counted = e.getValue().stream().filter(Outcome::counted).count();
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s (%d/%d)</text>%n", y + 4, e.getKey(),
                    caught, counted));
            int i = 0;
            for (Outcome o : e.getValue()) {
                double jitter = ((i++ * 7) % 11 - 5);
                if (o.flagged()) {
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\" "
                            + "fill-opacity=\"0.6\"/>%n", x(o.latencyHours(), plotRight), y + jitter));
                } else {
                    String color = o.censored() ? "#999" : "#d62728";
                    double x = plotRight + 10;
                    s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l6 6 m0 -6 l-6 6\" stroke=\"%s\"/>%n",
                            x - 3, y + jitter - 3, color));
                }
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static double x(double hours, int plotRight) {
        double h = Math.max(MIN_H, Math.min(MAX_H, hours));
        double f = (Math.log10(h) - Math.log10(MIN_H)) / (Math.log10(MAX_H) - Math.log10(MIN_H));
        return LEFT + f * (plotRight - LEFT);
    }
}
