package io.pumptwin.twin.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * The evidence that moved an estimate, newest last, bounded so a twin's size stays constant over
 * years of therapy (the oldest entries fall off).
 */
public record EvidenceTrail(List<Evidence> items, int limit) {

    public EvidenceTrail {
        if (limit < 1) {
            throw new IllegalArgumentException("evidence limit must be at least 1, was " + limit);
        }
        items = List.copyOf(items.size() > limit ? items.subList(items.size() - limit, items.size()) : items);
    }

    public static EvidenceTrail empty(int limit) {
        return new EvidenceTrail(List.of(), limit);
    }

    public EvidenceTrail with(Evidence evidence) {
        List<Evidence> next = new ArrayList<>(items.size() + 1);
        next.addAll(items);
        next.add(evidence);
        return new EvidenceTrail(next, limit);
    }

    public EvidenceTrail withAll(List<Evidence> more) {
        EvidenceTrail trail = this;
        for (Evidence e : more) {
            trail = trail.with(e);
        }
        return trail;
    }

    public boolean contains(EvidenceKind kind) {
        return items.stream().anyMatch(e -> e.kind() == kind);
    }
}
