package io.pumptwin.bench.plot;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Horizontal stacked bars on a linear axis from zero, one bar per row, with dashed reference lines: SVG written by
 * hand, as {@link StripPlot} (no plotting library on the benchmark's class path). The throughput benchmark draws where
 * the twin engine's time per record goes against the baseline's with it.
 *
 * @param title the line above the plot
 * @param unit  the axis' unit, after each tick's number
 * @param lines dashed vertical lines across all bars, labelled at the top
 */
public record StackedBars(String title, String unit, List<Line> lines) {
    private static final int LEFT = 300;
    private static final int WIDTH = 980;
    private static final int ROW = 34;
    private static final String[] PALETTE = {"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b",
        "#e377c2", "#7f7f7f", "#bcbd22", "#17becf", "#aec7e8", "#ffbb78"};

    public StackedBars {
        lines = List.copyOf(lines);
    }

    /** One part of a bar; parts with the same label share a colour and one legend entry. */
    public record Segment(String label, double value) {
        public Segment {
            if (!(value >= 0)) {
                throw new IllegalArgumentException("a segment is a non-negative length: " + label + " " + value);
            }
        }
    }

    public record Bar(String label, List<Segment> segments) {
        public Bar {
            segments = List.copyOf(segments);
        }

        double total() {
            return segments.stream().mapToDouble(Segment::value).sum();
        }
    }

    public record Line(double value, String label) {}

    public String svg(List<Bar> bars) {
        List<String> legend = new ArrayList<>();
        bars.forEach(b -> b.segments().forEach(s -> {
            if (!legend.contains(s.label())) {
                legend.add(s.label());
            }
        }));
        double max = Math.max(bars.stream().mapToDouble(Bar::total).max().orElse(1),
                lines.stream().mapToDouble(Line::value).max().orElse(0)) * 1.05;
        double step = niceStep(max / 6);
        int legendRows = (legend.size() + 1) / 2;
        int plotTop = 60;
        int plotBottom = plotTop + ROW * bars.size();
        int height = plotBottom + 40 + 20 * legendRows + 10;
        int plotRight = WIDTH - 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">%s</text>%n", escape(title)));
        for (double t = 0; t <= max; t += step) {
            double x = x(t, max, plotRight);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s %s</text>%n", x, plotTop - 10, x,
                    plotBottom, x, plotBottom + 15, trim(t), unit));
        }
        int row = 0;
        for (Bar bar : bars) {
            int y = plotTop + ROW * row++;
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + ROW / 2 + 4,
                    escape(bar.label())));
            double at = 0;
            for (Segment seg : bar.segments()) {
                double x0 = x(at, max, plotRight);
                double x1 = x(at + seg.value(), max, plotRight);
                s.append(String.format(Locale.ROOT, "<rect x=\"%.1f\" y=\"%d\" width=\"%.1f\" height=\"%d\" "
                        + "fill=\"%s\"><title>%s: %.2f %s</title></rect>%n", x0, y + 5, x1 - x0, ROW - 10,
                        colour(legend.indexOf(seg.label())), escape(seg.label()), seg.value(), unit));
                at += seg.value();
            }
            s.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%d\" font-size=\"11\">%.1f</text>%n",
                    x(at, max, plotRight) + 4, y + ROW / 2 + 4, at));
        }
        for (Line line : lines) {
            double x = x(line.value(), max, plotRight);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" "
                    + "stroke-dasharray=\"5,4\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"11\">"
                    + "%s</text>%n", x, plotTop - 8, x, plotBottom, x, plotTop - 14, escape(line.label())));
        }
        for (int i = 0; i < legend.size(); i++) {
            int lx = 10 + (i % 2) * 480;
            int ly = plotBottom + 35 + 20 * (i / 2);
            s.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
                    + "<text x=\"%d\" y=\"%d\">%s</text>%n", lx, ly - 10, colour(i), lx + 18, ly, escape(legend.get(i))));
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private static String colour(int i) {
        return PALETTE[i % PALETTE.length];
    }

    private static double x(double v, double max, int plotRight) {
        return LEFT + v / max * (plotRight - LEFT);
    }

    /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
    static double niceStep(double raw) {
        double p = Math.pow(10, Math.floor(Math.log10(raw)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= raw) {
                return m * p;
            }
        }
        return 10 * p;
    }

    private static String trim(double v) {
        return v == Math.rint(v) ? String.format(Locale.ROOT, "%.0f", v) : String.format(Locale.ROOT, "%.1f", v);
    }

    private static String escape(String text) {
        return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
