package io.pumptwin.gateway.sequence;

/**
 * Bounds of the per-pump memory of accepted events.
 *
 * @param maxPumps pumps remembered; the least recently active is forgotten first (a fleet of 100k+
 *     pumps, DOMAIN.md "Scale", fits in the default)
 * @param eventIdsPerPump recent event ids remembered per pump
 * @param sequenceRangesPerPump disjoint runs of accepted sequence numbers remembered per pump; a
 *     device that numbers by one keeps all its history in a single run, so a retried 500-event
 *     backlog is recognised in full
 */
public record SequenceSettings(int maxPumps, int eventIdsPerPump, int sequenceRangesPerPump) {
  public SequenceSettings {
    if (maxPumps < 1 || eventIdsPerPump < 1 || sequenceRangesPerPump < 1) {
      throw new IllegalArgumentException("sequence memory bounds must be >= 1");
    }
  }

  public static SequenceSettings defaults() {
    return new SequenceSettings(200_000, 32, 8);
  }
}
