package io.pumptwin.twin.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * A heap key-value store for the twins: the values in a hash map, which the stream thread reads and writes once per
 * report, and the keys alone in a concurrent sorted set, which changes only when a pump is first seen (or a key is
 * deleted) and gives the silent-pump sweep and the fleet queries their key order.
 *
 * <p>Written by hand (issue 5): Kafka Streams' own in-memory store keeps one sorted tree map, so every report paid a
 * tree descent of byte-array comparisons for its read and another for its write, and every range it iterates
 * copies the keys of that range first (the sweep's cost grew with the square of a task's pumps; README, known
 * limits). Here a read or write is a hash lookup, and an iteration walks the key set in place
 * ({@link HeapKeyValueStore}). No library in the project's stack has such a store; Kafka Streams takes any
 * {@link KeyValueBytesStoreSupplier}, and wraps this one with its changelogging and metering layers as it does its own.
 *
 * <p>The engine's default keeps both parts of a twin in one table instead ({@link PairedHeapStores}); this one holds
 * the hot parts when the cold ones are in RocksDB, and every store of an in-process replay.
 */
public final class HashedHeapStore extends HeapKeyValueStore {

    private final ConcurrentHashMap<Bytes, byte[]> values = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Bytes> keys = new ConcurrentSkipListSet<>();
    private volatile boolean open;

    public HashedHeapStore(String name) {
        super(name);
    }

    /** A supplier of these stores, for {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder}. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return supplier(name, () -> new HashedHeapStore(name));
    }

    @Override
    NavigableSet<Bytes> keys() {
        return keys;
    }

    @Override
    void open(StateStoreContext context) {
        open = true;
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        values.clear();
        keys.clear();
        open = false;
    }

    @Override
    public byte[] get(Bytes key) {
        return values.get(key);
    }

    @Override
    public void put(Bytes key, byte[] value) {
        if (value == null) {
            delete(key);
            return;
        }
        // The value first: a key in the set always has a value, but for a delete racing an iteration (skipped).
        if (values.put(key, value) == null) {
            keys.add(key);
        }
    }

    @Override
    public byte[] delete(Bytes key) {
        keys.remove(key);
        return values.remove(key);
    }

    @Override
    public long approximateNumEntries() {
        return values.size();
    }
}
