package io.pumptwin.replay.run;

import java.time.Instant;
import java.util.Locale;

/** RFC 4180 fields: the analyst's own tools (pandas, R, a spreadsheet) read these files as they are. */
final class Csv {
  private Csv() {}

  static String text(String s) {
    if (s == null) {
      return "";
    }
    if (s.indexOf(',') >= 0 || s.indexOf('"') >= 0 || s.indexOf('\n') >= 0 || s.indexOf('\r') >= 0) {
      return '"' + s.replace("\"", "\"\"") + '"';
    }
    return s;
  }

  static String time(Instant t) {
    return t == null ? "" : t.toString();
  }

  static String number(double d) {
    return Double.isNaN(d) ? "" : String.format(Locale.ROOT, "%.4f", d);
  }
}
