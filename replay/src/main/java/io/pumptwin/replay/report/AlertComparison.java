package io.pumptwin.replay.report;

import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.AlertTransition;
import io.pumptwin.events.AlertType;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * The what-if against production, alert by alert: each alert opened in one run is paired with the
 * nearest opening of the same pump and type in the other within {@link #MATCH_WINDOW}, closest
 * pairs first, each opening used once. Unpaired production openings are alerts lost, unpaired
 * what-if openings alerts gained, pairs give the shift in time.
 */
public final class AlertComparison {
  /** Longer than any sensible lead-time change, shorter than a refill interval (weeks to months). */
  public static final Duration MATCH_WINDOW = Duration.ofDays(30);

  public record Opening(String alertId, String pump, AlertType type, Instant at, Instant dueAt) {}

  public record Shift(Opening baseline, Opening whatIf) {
    public Duration by() {
      return Duration.between(baseline.at(), whatIf.at());
    }
  }

  private final List<Shift> matched;
  private final List<Opening> lost;
  private final List<Opening> gained;

  private AlertComparison(List<Shift> matched, List<Opening> lost, List<Opening> gained) {
    this.matched = matched;
    this.lost = lost;
    this.gained = gained;
  }

  public static List<Opening> openings(List<AlertEvent> alerts) {
    return alerts.stream().filter(a -> a.getTransition() == AlertTransition.OPENED)
        .map(a -> new Opening(a.getAlertId(), a.getPumpSerial(), a.getAlertType(), a.getEventTime(), a.getDueAt()))
        .sorted(Comparator.comparing(Opening::at).thenComparing(Opening::pump).thenComparing(Opening::type))
        .toList();
  }

  public static AlertComparison of(List<AlertEvent> baseline, List<AlertEvent> whatIf) {
    Map<String, List<Opening>> b = byPumpAndType(openings(baseline));
    Map<String, List<Opening>> w = byPumpAndType(openings(whatIf));
    List<Shift> matched = new ArrayList<>();
    List<Opening> lost = new ArrayList<>();
    List<Opening> gained = new ArrayList<>();
    Set<String> keys = new HashSet<>(b.keySet());
    keys.addAll(w.keySet());
    for (String key : new TreeMap<>(keys.stream().collect(Collectors.toMap(k -> k, k -> k))).keySet()) {
      List<Opening> bs = b.getOrDefault(key, List.of());
      List<Opening> ws = w.getOrDefault(key, List.of());
      record Pair(int i, int j, long gap) {}
      List<Pair> pairs = new ArrayList<>();
      for (int i = 0; i < bs.size(); i++) {
        for (int j = 0; j < ws.size(); j++) {
          long gap = Math.abs(Duration.between(bs.get(i).at(), ws.get(j).at()).toMillis());
          if (gap <= MATCH_WINDOW.toMillis()) {
            pairs.add(new Pair(i, j, gap));
          }
        }
      }
      pairs.sort(Comparator.comparingLong(Pair::gap).thenComparingInt(Pair::i).thenComparingInt(Pair::j));
      boolean[] bUsed = new boolean[bs.size()];
      boolean[] wUsed = new boolean[ws.size()];
      for (Pair p : pairs) {
        if (!bUsed[p.i()] && !wUsed[p.j()]) {
          bUsed[p.i()] = true;
          wUsed[p.j()] = true;
          matched.add(new Shift(bs.get(p.i()), ws.get(p.j())));
        }
      }
      for (int i = 0; i < bs.size(); i++) {
        if (!bUsed[i]) {
          lost.add(bs.get(i));
        }
      }
      for (int j = 0; j < ws.size(); j++) {
        if (!wUsed[j]) {
          gained.add(ws.get(j));
        }
      }
    }
    Comparator<Opening> byTime = Comparator.comparing(Opening::at).thenComparing(Opening::pump);
    matched.sort(Comparator.comparing((Shift s) -> s.baseline().at()).thenComparing(s -> s.baseline().pump()));
    lost.sort(byTime);
    gained.sort(byTime);
    return new AlertComparison(List.copyOf(matched), List.copyOf(lost), List.copyOf(gained));
  }

  private static Map<String, List<Opening>> byPumpAndType(List<Opening> openings) {
    return openings.stream().collect(Collectors.groupingBy(o -> o.pump() + "|" + o.type(), TreeMap::new,
        Collectors.toList()));
  }

  public List<Shift> matched() {
    return matched;
  }

  public List<Opening> lost() {
    return lost;
  }

  public List<Opening> gained() {
    return gained;
  }
}
