package io.pumptwin.twin.topology;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A task's two twin stores (hot and cold parts, StoredTwin) with a write-through read cache of their bytes on the
 * heap. Every write goes to the stores as before (RocksDB, changelogged: what fail-over and interactive queries
 * read); the cache only spares the stream thread the two RocksDB reads per report, the largest single item of its
 * time after the writes (issue 5: 2.9 of 13.2 us per record, measured inside the processor at 100,000 pumps).
 *
 * <p>Why not Kafka Streams' record cache: it orders its entries (a tree map per store) so that it can merge them
 * into range scans, and at 100,000 twins its lookups cost what RocksDB's do; it also defers writes to the commit,
 * which the twins do not need. Why not RocksDB's row cache: the read still crosses JNI and walks the memtables
 * (measured, no gain). Nothing in Kafka Streams offers an unordered read cache, so this one is written here.
 * Why bytes and not decoded twins, which would also spare the decoding: tried, and slower than no cache at all
 * (stream thread 14.7 against 13.8 us per record, heap after the run 476 against 226 MB, same run): a decoded twin
 * is many small objects, and keeping 100,000 of them alive, each replaced at every report, cost the collector more
 * than the decoding it saved.
 *
 * <p>Consistency: the cache holds exactly the bytes last written to or read from the stores by this task's stream
 * thread, the only writer. It is emptied whenever the processor is (re)initialised or closed: a task closed dirty
 * under exactly-once (an aborted transaction) has its stores wiped and restored from the changelogs, and its
 * processor initialised again, so no cached byte can outlive the store state it mirrored.
 *
 * <p>Memory: the tasks of one engine instance share one {@link Budget} of heap bytes (entries are counted with
 * their object overhead); a task over the budget drops its least recently used twins. A dropped twin costs only
 * the RocksDB reads on its next report.
 */
final class TwinStores {

    /** Approximate heap bytes of an entry beyond its key and value bytes: map entry, entry object, arrays' headers. */
    static final int ENTRY_OVERHEAD = 160;

    /** The heap bytes the cached twins of one engine instance may hold, shared by its tasks. */
    static final class Budget {
        private final long maxBytes;
        private final AtomicLong used = new AtomicLong();

        Budget(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("twin cache bytes must be >= 0, was " + maxBytes);
            }
            this.maxBytes = maxBytes;
        }

        long usedBytes() {
            return used.get();
        }

        long maxBytes() {
            return maxBytes;
        }
    }

    private static final class Entry {
        byte[] hot;
        /** The cold part; meaningful only when {@link #coldKnown}. */
        byte[] cold;
        boolean coldKnown;
        int keyBytes;
        long bytes;
    }

    private final KeyValueStore<String, byte[]> hotStore;
    private final KeyValueStore<String, byte[]> coldStore;
    private final Budget budget;
    /** Access order: the eldest entry is the least recently used. */
    private final LinkedHashMap<String, Entry> cache = new LinkedHashMap<>(1024, 0.75f, true);
    private final TwinMetrics metrics;

    TwinStores(KeyValueStore<String, byte[]> hotStore, KeyValueStore<String, byte[]> coldStore, Budget budget,
               TwinMetrics metrics) {
        this.hotStore = hotStore;
        this.coldStore = coldStore;
        this.budget = budget;
        this.metrics = metrics;
    }

    /** The twin-store value (header and hot part) of {@code serial}; null when the pump has no twin. */
    byte[] hot(String serial) {
        Entry e = cache.get(serial);
        if (e != null) {
            metrics.cacheHit();
            return e.hot;
        }
        metrics.cacheMiss();
        byte[] value = hotStore.get(serial);
        if (value != null) {
            remember(serial, value, null, false);
        }
        return value;
    }

    /** The cold part of {@code serial}'s twin; null when none was written. */
    byte[] cold(String serial) {
        Entry e = cache.get(serial);
        if (e != null && e.coldKnown) {
            return e.cold;
        }
        byte[] cold = coldStore.get(serial);
        if (e != null) {
            e.cold = cold;
            e.coldKnown = true;
            resize(e);
        }
        return cold;
    }

    /** Writes a twin: its hot part, and its cold part when that changed (null: the cold store already holds it). */
    void put(String serial, byte[] hot, byte[] cold) {
        if (cold != null) {
            coldStore.put(serial, cold);
        }
        hotStore.put(serial, hot);
        Entry e = cache.get(serial);
        if (e == null) {
            remember(serial, hot, cold, cold != null);
            return;
        }
        e.hot = hot;
        if (cold != null) {
            e.cold = cold;
            e.coldKnown = true;
        }
        resize(e);
    }

    /** The hot store's twins in key order from {@code from} (exclusive handling is the caller's), or all of them. */
    KeyValueIterator<String, byte[]> range(String from) {
        return from == null ? hotStore.all() : hotStore.range(from, null);
    }

    /** Empties the cache and returns its bytes to the budget: the stores may change under it from now on. */
    void clear() {
        long held = 0;
        for (Entry e : cache.values()) {
            held += e.bytes;
        }
        cache.clear();
        budget.used.addAndGet(-held);
    }

    int size() {
        return cache.size();
    }

    private void remember(String serial, byte[] hot, byte[] cold, boolean coldKnown) {
        if (budget.maxBytes == 0) {
            return;
        }
        Entry e = new Entry();
        e.hot = hot;
        e.cold = cold;
        e.coldKnown = coldKnown;
        e.keyBytes = 40 + serial.length(); // a compact (Latin-1) String with its array
        e.bytes = sizeOf(e);
        cache.put(serial, e);
        budget.used.addAndGet(e.bytes);
        evictOver();
    }

    private static long sizeOf(Entry e) {
        return ENTRY_OVERHEAD + e.keyBytes + e.hot.length + (e.cold == null ? 0 : e.cold.length);
    }

    private void resize(Entry e) {
        long bytes = sizeOf(e);
        budget.used.addAndGet(bytes - e.bytes);
        e.bytes = bytes;
        evictOver();
    }

    /** Drops this task's least recently used twins while the instance is over its budget (never the newest one). */
    private void evictOver() {
        if (budget.used.get() <= budget.maxBytes) {
            return;
        }
        Iterator<Map.Entry<String, Entry>> it = cache.entrySet().iterator();
        while (budget.used.get() > budget.maxBytes && cache.size() > 1 && it.hasNext()) {
            Entry eldest = it.next().getValue();
            it.remove();
            budget.used.addAndGet(-eldest.bytes);
        }
    }
}
