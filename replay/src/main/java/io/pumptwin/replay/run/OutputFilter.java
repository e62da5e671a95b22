package io.pumptwin.replay.run;

import io.pumptwin.replay.source.TimeRange;
import java.time.Instant;
import java.util.Set;

/**
 * Which outputs an analyst asked for: pumps, clinics (empty: all) and the event-time range. The
 * filter applies to the outputs, never to the input: every pump of a partition moves its stream
 * time (silent-pump sweeps, alert deadlines), so dropping other pumps' telemetry would change the
 * selected pumps' twins and alerts.
 */
public record OutputFilter(Set<String> pumps, Set<String> clinics, TimeRange range) {
  public OutputFilter {
    pumps = Set.copyOf(pumps);
    clinics = Set.copyOf(clinics);
  }

  public static OutputFilter everything() {
    return new OutputFilter(Set.of(), Set.of(), TimeRange.all());
  }

  public boolean accepts(String pump, String clinic, Instant time) {
    return (pumps.isEmpty() || pumps.contains(pump)) && (clinics.isEmpty() || clinics.contains(clinic))
        && range.contains(time);
  }
}
