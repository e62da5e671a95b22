package io.pumptwin.bench.latency;

import io.pumptwin.bench.plot.StripPlot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** A set of latencies in nanoseconds, sorted, with nearest-rank percentiles in milliseconds. */
record Latencies(long[] sortedNanos) {
  static Latencies of(long[] nanos) {
    long[] copy = nanos.clone();
    Arrays.sort(copy);
    return new Latencies(copy);
  }

  static Latencies of(List<Long> nanos) {
    return of(nanos.stream().mapToLong(Long::longValue).toArray());
  }

  int count() {
    return sortedNanos.length;
  }

  double percentileMs(double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.ceil(p * sortedNanos.length) - 1;
    return sortedNanos[Math.max(0, i)] / 1e6;
  }

  double p50() {
    return percentileMs(0.50);
  }

  double p95() {
    return percentileMs(0.95);
  }

  double p99() {
    return percentileMs(0.99);
  }

  double maxMs() {
    return sortedNanos.length == 0 ? Double.NaN : sortedNanos[sortedNanos.length - 1] / 1e6;
  }

  /** A plot row: at most {@code points} evenly spaced by rank (the shape survives), p50 and p99 marked. */
  StripPlot.Row row(String label, int points) {
    List<StripPlot.Point> sample = new ArrayList<>();
    int n = sortedNanos.length;
    int step = Math.max(1, (int) Math.ceil(n / (double) points));
    for (int i = 0; i < n; i += step) {
      sample.add(new StripPlot.Value(sortedNanos[i] / 1e6));
    }
    if (n > 0 && (n - 1) % step != 0) {
      sample.add(new StripPlot.Value(sortedNanos[n - 1] / 1e6)); // the maximum is always shown
    }
    List<StripPlot.Tick> marks = n == 0 ? List.of()
        : List.of(new StripPlot.Tick(p50(), "p50"), new StripPlot.Tick(p99(), "p99"));
    return new StripPlot.Row(label + " (n=" + n + ")", sample, marks);
  }
}
