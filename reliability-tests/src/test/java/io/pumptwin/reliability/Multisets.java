package io.pumptwin.reliability;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * Lost and duplicated, counted the one way every fault test counts them: the disturbed run's
 * outputs against the undisturbed run's, each as a multiset of keys.
 */
final class Multisets {
  private Multisets() {
  }

  static Map<String, Integer> count(Collection<String> keys) {
    Map<String, Integer> counts = new TreeMap<>();
    keys.forEach(k -> counts.merge(k, 1, Integer::sum));
    return counts;
  }

  /** Occurrences the reference has and the disturbed run lacks. */
  static int lost(Collection<String> reference, Collection<String> disturbed) {
    Map<String, Integer> d = count(disturbed);
    return count(reference).entrySet().stream()
        .mapToInt(e -> Math.max(0, e.getValue() - d.getOrDefault(e.getKey(), 0))).sum();
  }

  /** Occurrences the disturbed run has beyond the reference's. */
  static int duplicated(Collection<String> reference, Collection<String> disturbed) {
    return lost(disturbed, reference);
  }

  /** Keys present more than once. */
  static int repeats(Collection<String> keys) {
    return count(keys).values().stream().mapToInt(n -> n - 1).sum();
  }
}
