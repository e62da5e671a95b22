package io.pumptwin.logscan;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Finds what must never be in a log: each needle is a secret (device key, staff token, webhook or
 * SMTP secret) or a patient's pseudonymous id, searched verbatim and case-insensitively (hex
 * secrets are sometimes upper-cased on the way). Findings show the needle masked, so the report of
 * a leak does not leak it again.
 */
final class LogScanner {
  private LogScanner() {}

  /** Something that must not appear; {@code kind} says what it is, for the report. */
  record Needle(String kind, String value) {
    Needle {
      if (value == null || value.length() < 6) {
        throw new IllegalArgumentException(kind + ": too short to search for without false alarms");
      }
    }

    String masked() {
      return value.substring(0, 3) + "..." + value.length() + " chars";
    }
  }

  record Finding(String kind, String needle, int line, String excerpt) {}

  static List<Finding> scan(List<String> lines, Collection<Needle> needles) {
    List<Finding> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String line = lines.get(i);
      String lower = line.toLowerCase(Locale.ROOT);
      for (Needle n : needles) {
        String value = n.value().toLowerCase(Locale.ROOT);
        int at = lower.indexOf(value);
        if (at >= 0) {
          String excerpt = line.substring(Math.max(0, at - 120), at) + "<" + n.kind() + ">"
              + line.substring(Math.min(line.length(), at + value.length()),
                  Math.min(line.length(), at + value.length() + 60));
          out.add(new Finding(n.kind(), n.masked(), i + 1, excerpt));
        }
      }
    }
    return out;
  }
}
