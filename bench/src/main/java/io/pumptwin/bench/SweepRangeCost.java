package io.pumptwin.bench;

import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.HashedHeapStore;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * What the silent-pump sweep costs over the twins on the heap: in the engine's own heap store (HashedHeapStore, the
 * engine's default since TwinTopology.StoreKind.ON_HEAP) and in Kafka Streams' in-memory store (the default before).
 * The sweep visits a task's twins in key order, at most {@code sweepBatch} per
 * flush slot of stream time, resuming at its cursor with a new range each slot (TwinProcessor.sweep). Kafka Streams'
 * in-memory store copies the keys of every range it opens, from the cursor to the end, so a round costs more than its
 * visits: the baseline is the same visits over a plain TreeMap (what the store keeps inside), iterated in place.
 * In-process, no Kafka; best of several rounds after a warm-up.
 *
 * <pre>
 * ./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.SweepRangeCost
 * </pre>
 */
public final class SweepRangeCost {
  /** Pumps per task: 100,000 and 1,000,000 pumps over the engine's 6 partitions. */
  private static final int[] PER_TASK = {16_667, 166_667};
  private static final int HOT_BYTES = 400;
  private static final int ROUNDS = 5;

  private SweepRangeCost() {}

  record Row(int keys, int slots, double storeMillis, double engineMillis, double inPlaceMillis) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchStack.options(args);
    String out = opts.getOrDefault("--out", "bench/results/sweep-range-cost.md");
    int batch = TwinEngineConfig.ReorderSettings.defaults().sweepBatch();
    List<Row> rows = new ArrayList<>();
    for (int keys : PER_TASK) {
      KeyValueStore<Bytes, byte[]> store = Stores.inMemoryKeyValueStore("pump-twins").get();
      KeyValueStore<Bytes, byte[]> engine = new HashedHeapStore("pump-twins");
      NavigableMap<Bytes, byte[]> map = new TreeMap<>();
      for (int p = 0; p < keys; p++) {
        Bytes key = Bytes.wrap(StatusStreamFixture.serial(p).getBytes(StandardCharsets.UTF_8));
        byte[] value = new byte[HOT_BYTES];
        value[8] = (byte) p; // the header's check time varies by twin, as the sweep reads it
        store.put(key, value);
        engine.put(key, value);
        map.put(key, value);
      }
      double bestStore = Double.MAX_VALUE;
      double bestEngine = Double.MAX_VALUE;
      double bestInPlace = Double.MAX_VALUE;
      int slots = 0;
      long sink = 0;
      for (int round = 0; round <= ROUNDS; round++) {
        long t0 = System.nanoTime();
        SweepRound storeRound = sweepStore(store, batch);
        long t1 = System.nanoTime();
        SweepRound inPlaceRound = sweepInPlace(map, batch);
        long t2 = System.nanoTime();
        SweepRound engineRound = sweepStore(engine, batch);
        long t3 = System.nanoTime();
        if (storeRound.visited() != keys || inPlaceRound.visited() != keys || engineRound.visited() != keys) {
          throw new IllegalStateException("a round visited " + storeRound.visited() + ", " + engineRound.visited()
              + " and " + inPlaceRound.visited() + " of " + keys + " twins");
        }
        sink += storeRound.checksum() + inPlaceRound.checksum() + engineRound.checksum();
        slots = storeRound.slots();
        if (round > 0) { // round 0 warms the JIT
          bestStore = Math.min(bestStore, (t1 - t0) / 1e6);
          bestInPlace = Math.min(bestInPlace, (t2 - t1) / 1e6);
          bestEngine = Math.min(bestEngine, (t3 - t2) / 1e6);
        }
      }
      if (sink == 0) {
        throw new IllegalStateException("nothing read");
      }
      rows.add(new Row(keys, slots, bestStore, bestEngine, bestInPlace));
      System.err.printf(Locale.ROOT, "sweep range cost: %,d twins per task: %.1f ms per round in Kafka Streams'"
          + " store, %.1f in the engine's, %.1f in place%n", keys, bestStore, bestEngine, bestInPlace);
    }
    String report = render(batch, rows);
    ResultsHistory.prepend(Path.of(out), report);
    System.out.print(report);
  }

  /** A round's visits, flush slots and a checksum of the check times read, so nothing is optimised away. */
  record SweepRound(int visited, int slots, long checksum) {}

  /** The sweep as TwinProcessor runs it: all(), then range(cursor, null) per slot, skipping the cursor itself. */
  private static SweepRound sweepStore(KeyValueStore<Bytes, byte[]> store, int batch) {
    Bytes cursor = null;
    int visited = 0;
    int slots = 0;
    long checksum = 0;
    boolean exhausted = false;
    while (!exhausted) {
      slots++;
      int n = 0;
      try (KeyValueIterator<Bytes, byte[]> it = cursor == null ? store.all() : store.range(cursor, null)) {
        while (it.hasNext() && n < batch) {
          KeyValue<Bytes, byte[]> kv = it.next();
          if (kv.key.equals(cursor)) {
            continue;
          }
          n++;
          cursor = kv.key;
          checksum += kv.value[8];
        }
        exhausted = !it.hasNext();
      }
      visited += n;
    }
    return new SweepRound(visited, slots, checksum + 1);
  }

  /** The same visits over the map itself: a view from the cursor on, nothing copied. */
  private static SweepRound sweepInPlace(NavigableMap<Bytes, byte[]> map, int batch) {
    Bytes cursor = null;
    int visited = 0;
    int slots = 0;
    long checksum = 0;
    boolean exhausted = false;
    while (!exhausted) {
      slots++;
      int n = 0;
      Iterator<Map.Entry<Bytes, byte[]>> it = (cursor == null ? map : map.tailMap(cursor, false)).entrySet()
          .iterator();
      while (it.hasNext() && n < batch) {
        Map.Entry<Bytes, byte[]> e = it.next();
        n++;
        cursor = e.getKey();
        checksum += e.getValue()[8];
      }
      exhausted = !it.hasNext();
      visited += n;
    }
    return new SweepRound(visited, slots, checksum + 1);
  }

  private static String render(int batch, List<Row> rows) {
    StringBuilder sb = new StringBuilder();
    sb.append("Silent-pump sweep over the twins on the heap, ").append(Instant.now()).append(": one")
        .append(" round visits every twin of a task, ").append(String.format(Locale.ROOT, "%,d", batch))
        .append(" per flush slot of stream time (one slot a minute), each slot opening a new range at its cursor;")
        .append(" Kafka Streams' in-memory store copies each range's keys, the engine's HashedHeapStore walks its key")
        .append(" set in place, the baseline iterates a TreeMap in place; ").append(HOT_BYTES)
        .append("-byte values; best of ").append(ROUNDS).append(" rounds\n\n");
    sb.append("| twins per task (pumps per instance, 6 tasks) | flush slots per round | Kafka Streams' in-memory store,")
        .append(" ms per round | engine's HashedHeapStore, ms per round | in place, ms per round (baseline) |")
        .append(" ratios to the baseline (Kafka's / engine's) | engine's ms per instance per hourly round |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %,d (%,d) | %d | %.1f | %.1f | %.1f | %.1f / %.1f | %.0f |%n", r.keys(),
          r.keys() * 6, r.slots(), r.storeMillis(), r.engineMillis(), r.inPlaceMillis(),
          r.storeMillis() / r.inPlaceMillis(), r.engineMillis() / r.inPlaceMillis(), 6 * r.engineMillis()));
    }
    sb.append("\nCommand: `./mvnw -q -pl bench exec:exec -Dbench.main=io.pumptwin.bench.SweepRangeCost`\n");
    return sb.toString();
  }
}
