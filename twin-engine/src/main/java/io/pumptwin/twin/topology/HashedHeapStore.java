package io.pumptwin.twin.topology;

import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.processor.StateStore;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.query.Position;
import org.apache.kafka.streams.query.PositionBound;
import org.apache.kafka.streams.query.Query;
import org.apache.kafka.streams.query.QueryConfig;
import org.apache.kafka.streams.query.QueryResult;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.NoSuchElementException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.function.Function;

/**
 * A heap key-value store for the twins: the values in a hash map, which the stream thread reads and writes once per
 * report, and the keys alone in a concurrent sorted set, which changes only when a pump is first seen (or a key is
 * deleted) and gives the silent-pump sweep and the fleet queries their key order.
 *
 * <p>Written by hand (issue 5): Kafka Streams' own in-memory store keeps one sorted tree map, so every report paid a
 * tree descent of byte-array comparisons for its read and another for its write, and every range it iterates
 * copies the keys of that range first (the sweep's cost grew with the square of a task's pumps; README, known
 * limits). Here a read or write is a hash lookup, and an iteration walks the key set in place, weakly consistent as
 * the concurrent collections are: an interactive query iterating from an HTTP thread while the stream thread writes
 * sees each key at most once, and a value as it was at some moment during the iteration. No library in the project's
 * stack has such a store; Kafka Streams takes any {@link KeyValueBytesStoreSupplier}, and wraps this one with its
 * changelogging and metering layers as it does its own.
 *
 * <p>The engine's default keeps both parts of a twin in one table instead ({@link PairedHeapStores}, which walks its
 * keys with this store's {@link Walk}); this one holds the hot parts when the cold ones are in RocksDB, and every
 * store of an in-process replay.
 *
 * <p>Not persistent: a restarted instance restores it from its changelog, as Kafka Streams does its in-memory store.
 * It keeps no {@link org.apache.kafka.streams.query.Position}: the engine's queries are interactive queries of the
 * first version (by store), which do not bound positions; a query of the second version is answered as of an unknown
 * type.
 */
public final class HashedHeapStore implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    private final ConcurrentHashMap<Bytes, byte[]> values = new ConcurrentHashMap<>();
    private final ConcurrentSkipListSet<Bytes> keys = new ConcurrentSkipListSet<>();
    /** Never advanced (above): what the changelogging layer attaches to records only when consistency is on. */
    private final Position position = Position.emptyPosition();
    private volatile boolean open;

    public HashedHeapStore(String name) {
        this.name = name;
    }

    /** A supplier of these stores, for {@link org.apache.kafka.streams.state.Stores#keyValueStoreBuilder}. */
    public static KeyValueBytesStoreSupplier supplier(String name) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return new HashedHeapStore(name);
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public void init(StateStoreContext context, StateStore root) {
        if (root != null) {
            context.register(root, (key, value) -> put(Bytes.wrap(key), value));
        }
        open = true;
    }

    @Override
    public boolean persistent() {
        return false;
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
    public Position getPosition() {
        return position;
    }

    @Override
    public <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
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
    public byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] present = get(key);
        if (present == null) {
            put(key, value);
        }
        return present;
    }

    @Override
    public void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            put(e.key, e.value);
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

    @Override
    public KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new Walk(span(keys, from, to), false, values::get);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return new Walk(span(keys, from, to), true, values::get);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> all() {
        return new Walk(keys, false, values::get);
    }

    @Override
    public KeyValueIterator<Bytes, byte[]> reverseAll() {
        return new Walk(keys, true, values::get);
    }

    @Override
    public <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix, PS prefixKeySerializer) {
        return new Walk(prefixed(keys, prefix, prefixKeySerializer), false, values::get);
    }

    /** The keys that start with {@code prefix} serialized. */
    static <PS extends Serializer<P>, P> NavigableSet<Bytes> prefixed(NavigableSet<Bytes> keys, P prefix,
                                                                      PS prefixKeySerializer) {
        Bytes from = Bytes.wrap(prefixKeySerializer.serialize(null, prefix));
        return keys.subSet(from, true, Bytes.increment(from), false);
    }

    /** The keys from {@code from} to {@code to}, both included; a null bound is open; empty when from > to. */
    static NavigableSet<Bytes> span(NavigableSet<Bytes> keys, Bytes from, Bytes to) {
        if (from != null && to != null) {
            return from.compareTo(to) > 0 ? keys.subSet(from, false, from, false) : keys.subSet(from, true, to, true);
        }
        if (from != null) {
            return keys.tailSet(from, true);
        }
        return to != null ? keys.headSet(to, true) : keys;
    }

    /** Walks a view of a key set in place, looking each value up; a key deleted meanwhile is skipped. */
    static final class Walk implements KeyValueIterator<Bytes, byte[]> {
        private final Iterator<Bytes> it;
        private final Function<Bytes, byte[]> values;
        private KeyValue<Bytes, byte[]> next;

        Walk(NavigableSet<Bytes> span, boolean reverse, Function<Bytes, byte[]> values) {
            this.it = reverse ? span.descendingIterator() : span.iterator();
            this.values = values;
        }

        @Override
        public boolean hasNext() {
            while (next == null && it.hasNext()) {
                Bytes k = it.next();
                byte[] v = values.apply(k);
                if (v != null) {
                    next = KeyValue.pair(k, v);
                }
            }
            return next != null;
        }

        @Override
        public KeyValue<Bytes, byte[]> next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            KeyValue<Bytes, byte[]> kv = next;
            next = null;
            return kv;
        }

        @Override
        public Bytes peekNextKey() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return next.key;
        }

        @Override
        public void close() {
            // nothing held
        }
    }
}
