package io.pumptwin.dashboard.view;

import io.pumptwin.events.Evidence;
import java.time.Instant;
import java.util.List;

/** One observation that moved an estimate, as a nurse reads it. */
public record EvidenceItem(String kind, Instant observedAt, String detail, double weight,
    String sourceEventId) {

  static EvidenceItem of(Evidence e) {
    return new EvidenceItem(e.getKind(), e.getObservedAt(), e.getDetail(), e.getWeight(),
        e.getSourceEventId());
  }

  static List<EvidenceItem> all(List<Evidence> evidence) {
    return evidence.stream().map(EvidenceItem::of).toList();
  }

  /** Same observation: a twin state repeats its evidence list, so new items are found by this. */
  String identity() {
    return kind + "|" + observedAt.toEpochMilli() + "|" + detail;
  }
}
