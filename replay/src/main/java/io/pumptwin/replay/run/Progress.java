package io.pumptwin.replay.run;

import java.io.PrintStream;
import java.util.Locale;

/**
 * The progress line on stderr: records, rate and time left, at most every two seconds. Time left is
 * extrapolated from the fraction of the source read so far at the rate so far.
 */
public final class Progress {
  private static final long EVERY_NANOS = 2_000_000_000L;
  private final PrintStream out;
  private final String what;
  private final long started = System.nanoTime();
  private long lastPrinted = started;
  private long records;
  private double fraction;

  public Progress(PrintStream out, String what) {
    this.out = out;
    this.what = what;
  }

  public void record() {
    records++;
    if ((records & 1023) == 0) {
      maybePrint();
    }
  }

  public void fraction(double f) {
    fraction = Math.max(fraction, Math.min(1, f));
    maybePrint();
  }

  private void maybePrint() {
    long now = System.nanoTime();
    if (out != null && now - lastPrinted >= EVERY_NANOS) {
      lastPrinted = now;
      out.println(line(now));
    }
  }

  public long records() {
    return records;
  }

  public double ratePerSecond() {
    double s = (System.nanoTime() - started) / 1e9;
    return s <= 0 ? 0 : records / s;
  }

  public double elapsedSeconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** The final line. */
  public void done() {
    if (out != null) {
      out.println(String.format(Locale.ROOT, "%s: done, %,d records in %.1f s (%,.0f records/s)", what, records,
          elapsedSeconds(), ratePerSecond()));
    }
  }

  private String line(long now) {
    double s = (now - started) / 1e9;
    double rate = s <= 0 ? 0 : records / s;
    String left = fraction <= 0.001 ? "unknown" : duration(s * (1 - fraction) / fraction);
    return String.format(Locale.ROOT, "%s: %5.1f%% %,d records, %,.0f records/s, about %s left", what,
        fraction * 100, records, rate, left);
  }

  static String duration(double seconds) {
    long t = Math.round(seconds);
    if (t >= 3600) {
      return String.format(Locale.ROOT, "%dh%02dm", t / 3600, (t % 3600) / 60);
    }
    if (t >= 60) {
      return String.format(Locale.ROOT, "%dm%02ds", t / 60, t % 60);
    }
    return t + "s";
  }
}
