package io.pumptwin.bench.latency;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Measurement;
import java.util.Locale;

/**
 * A look at a Streams service's own Kafka metrics (as bound to its meter registry) while the load runs, to tell a
 * backlog (consumer lag growing, processing rate below the offered rate) from commit waits.
 */
record EngineProbe(String service, MeterRegistry meters) {
  String line() {
    return String.format(Locale.ROOT, "%s: process %.0f rec/s, lag max %.0f, commit %.0f ms avg / %.1f per s",
        service, sum("kafka.stream.thread.process.rate"), max("kafka.consumer.fetch.manager.records.lag.max"),
        max("kafka.stream.thread.commit.latency.avg"), sum("kafka.stream.thread.commit.rate"));
  }

  private double sum(String name) {
    double total = 0;
    for (Meter m : meters.getMeters()) {
      if (m.getId().getName().equals(name)) {
        double v = value(m);
        total += Double.isFinite(v) ? v : 0;
      }
    }
    return total;
  }

  private double max(String name) {
    double best = Double.NaN;
    for (Meter m : meters.getMeters()) {
      if (m.getId().getName().equals(name)) {
        double v = value(m);
        if (Double.isFinite(v) && !(v <= best)) {
          best = v;
        }
      }
    }
    return best;
  }

  private static double value(Meter m) {
    for (Measurement x : m.measure()) {
      return x.getValue();
    }
    return Double.NaN;
  }
}
