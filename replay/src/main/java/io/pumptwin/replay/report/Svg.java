package io.pumptwin.replay.report;

import java.util.Locale;

/** The few SVG shapes the report draws, written by hand: the report must open with no network. */
final class Svg {
  private final StringBuilder b = new StringBuilder();
  final double width;
  final double height;

  Svg(double width, double height, String label) {
    this.width = width;
    this.height = height;
    b.append(f("<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" width=\"%.0f\" height=\"%.0f\""
        + " role=\"img\" aria-label=\"%s\">", width, height, width, height, Html.escape(label)));
  }

  Svg line(double x1, double y1, double x2, double y2, String cls) {
    b.append(f("<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" class=\"%s\"/>", x1, y1, x2, y2, cls));
    return this;
  }

  Svg rect(double x, double y, double w, double h, String cls, String title) {
    b.append(f("<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" class=\"%s\">", x, y, Math.max(0, w),
        Math.max(0, h), cls));
    title(title);
    b.append("</rect>");
    return this;
  }

  Svg circle(double x, double y, double r, String cls, String title) {
    b.append(f("<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%.1f\" class=\"%s\">", x, y, r, cls));
    title(title);
    b.append("</circle>");
    return this;
  }

  Svg path(String d, String cls) {
    b.append("<path d=\"").append(d).append("\" class=\"").append(cls).append("\"/>");
    return this;
  }

  Svg text(double x, double y, String text, String cls) {
    b.append(f("<text x=\"%.1f\" y=\"%.1f\" class=\"%s\">", x, y, cls)).append(Html.escape(text)).append("</text>");
    return this;
  }

  private void title(String title) {
    if (title != null) {
      b.append("<title>").append(Html.escape(title)).append("</title>");
    }
  }

  String end() {
    return b.append("</svg>").toString();
  }

  static String f(String format, Object... args) {
    return String.format(Locale.ROOT, format, args);
  }
}
