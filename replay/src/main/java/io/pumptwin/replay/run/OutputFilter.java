package io.pumptwin.replay.run;

import io.pumptwin.replay.source.TimeRange;
import java.time.Instant;
import java.util.Set;

/**
 * Which outputs an analyst asked for: pumps, clinics, pump models by reservoir size in mL (each empty: all) and
 * the event-time range. The filter applies to the outputs, never to the input: every pump of a partition moves its
 * stream time (silent-pump sweeps, alert deadlines), so dropping other pumps' telemetry would change the selected
 * pumps' twins and alerts. A pump's model is learned from its status reports as the input is read ({@code known});
 * with a model filter, a pump's outputs before its first status report are left out.
 */
public record OutputFilter(Set<String> pumps, Set<String> clinics, Set<Integer> modelsMl, TimeRange range,
                           PumpModels known) {
  public OutputFilter {
    pumps = Set.copyOf(pumps);
    clinics = Set.copyOf(clinics);
    modelsMl = Set.copyOf(modelsMl);
  }

  public OutputFilter(Set<String> pumps, Set<String> clinics, TimeRange range) {
    this(pumps, clinics, Set.of(), range, new PumpModels());
  }

  public static OutputFilter everything() {
    return new OutputFilter(Set.of(), Set.of(), TimeRange.all());
  }

  public boolean accepts(String pump, String clinic, Instant time) {
    return (pumps.isEmpty() || pumps.contains(pump)) && (clinics.isEmpty() || clinics.contains(clinic))
        && (modelsMl.isEmpty() || modelsMl.contains(known.capacityMlOf(pump))) && range.contains(time);
  }
}
