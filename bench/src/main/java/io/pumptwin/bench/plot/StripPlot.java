package io.pumptwin.bench.plot;

import java.util.List;
import java.util.Locale;

/**
 * A strip plot on a log-scaled axis, one row per group of measurements, SVG written by hand (no plotting
 * library on the benchmark's class path). The detection scorecard's latency plot and the end-to-end latency
 * plot draw with it.
 *
 * @param title the line above the plot
 * @param min   the axis' left end (values below are drawn at it)
 * @param max   the axis' right end (values above are drawn at it)
 * @param ticks grid lines with their labels
 */
public record StripPlot(String title, double min, double max, List<Tick> ticks) {
    private static final int LEFT = 260;
    private static final int WIDTH = 900;
    private static final int ROW = 26;

    public StripPlot {
        if (!(min > 0 && max > min)) {
            throw new IllegalArgumentException("a log axis needs 0 < min < max");
        }
        ticks = List.copyOf(ticks);
    }

    /** A grid line (or, as a row's mark, a short bar) at {@code value}, labelled. */
    public record Tick(double value, String label) {}

    /** One measurement of a row. */
    public sealed interface Point permits Value, Missed {}

    /** A measured value: a dot. */
    public record Value(double value) implements Point {}

    /** Nothing measured: a cross right of the axis, red when missed, grey when censored (not countable). */
    public record Missed(boolean censored) implements Point {}

    /** A labelled row of points; marks (e.g. percentiles) are drawn as short bars across the row. */
    public record Row(String label, List<Point> points, List<Tick> marks) {
        public Row {
            points = List.copyOf(points);
            marks = List.copyOf(marks);
        }

        public Row(String label, List<Point> points) {
            this(label, points, List.of());
        }
    }

    public String svg(List<Row> rows) {
        int height = 60 + ROW * rows.size() + 30;
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" "
                + "font-family=\"sans-serif\" font-size=\"12\">%n", WIDTH, height));
        s.append("<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n");
        s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"20\" font-size=\"14\">%s</text>%n", title));
        int plotRight = WIDTH - 30;
        for (Tick tick : ticks) {
            double x = x(tick.value(), plotRight);
            s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"35\" x2=\"%.1f\" y2=\"%d\" stroke=\"#ddd\"/>"
                    + "<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", x, x, height - 30, x, height - 15,
                    tick.label()));
        }
        int row = 0;
        for (Row r : rows) {
            int y = 50 + ROW * row++;
            s.append(String.format(Locale.ROOT, "<text x=\"10\" y=\"%d\">%s</text>%n", y + 4, r.label()));
            int i = 0;
            for (Point p : r.points()) {
                // Deterministic vertical jitter, so overlapping dots of one row stay visible.
                double jitter = ((i++ * 7) % 11 - 5);
                if (p instanceof Value v) {
                    s.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#1f77b4\" "
                            + "fill-opacity=\"0.6\"/>%n", x(v.value(), plotRight), y + jitter));
                } else if (p instanceof Missed m) {
                    String color = m.censored() ? "#999" : "#d62728";
                    double x = plotRight + 10;
                    s.append(String.format(Locale.ROOT, "<path d=\"M%.1f %.1f l6 6 m0 -6 l-6 6\" stroke=\"%s\"/>%n",
                            x - 3, y + jitter - 3, color));
                }
            }
            for (Tick mark : r.marks()) {
                double x = x(mark.value(), plotRight);
                s.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\" stroke=\"black\" "
                        + "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\" font-size=\"9\">%s"
                        + "</text>%n", x, y - 9, x, y + 9, x, y - 11, mark.label()));
            }
        }
        s.append("</svg>\n");
        return s.toString();
    }

    private double x(double value, int plotRight) {
        double v = Math.max(min, Math.min(max, value));
        double f = (Math.log10(v) - Math.log10(min)) / (Math.log10(max) - Math.log10(min));
        return LEFT + f * (plotRight - LEFT);
    }
}
