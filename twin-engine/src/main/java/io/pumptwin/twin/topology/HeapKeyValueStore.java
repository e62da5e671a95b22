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
import java.util.function.Supplier;

/**
 * What the engine's heap stores ({@link HashedHeapStore}, {@link PairedHeapStores}) share: values looked up by key in
 * a hash table, and the keys alone in a concurrent sorted set, which gives ranges and iterations their order and is
 * walked in place, weakly consistent as the concurrent collections are (an interactive query iterating from an HTTP
 * thread while the stream thread writes sees each key at most once, and a value as it was at some moment during the
 * iteration). A subclass says where the values and keys are kept; everything else is here.
 *
 * <p>Not persistent: a restarted instance restores it from its changelog, as Kafka Streams does its in-memory store.
 * It keeps no {@link Position}: the engine's queries are interactive queries of the first version (by store), which
 * do not bound positions; a query of the second version is answered as of an unknown type.
 */
abstract class HeapKeyValueStore implements KeyValueStore<Bytes, byte[]> {

    private final String name;
    /** Never advanced (above): what the changelogging layer attaches to records only when consistency is on. */
    private final Position position = Position.emptyPosition();

    HeapKeyValueStore(String name) {
        this.name = name;
    }

    /** A supplier of heap stores made by {@code stores}, for Stores#keyValueStoreBuilder. */
    static KeyValueBytesStoreSupplier supplier(String name, Supplier<KeyValueStore<Bytes, byte[]>> stores) {
        return new KeyValueBytesStoreSupplier() {
            @Override
            public String name() {
                return name;
            }

            @Override
            public KeyValueStore<Bytes, byte[]> get() {
                return stores.get();
            }

            @Override
            public String metricsScope() {
                return "in-memory";
            }
        };
    }

    /** The keys in order; a key is there while its value is, but for a delete racing an iteration (skipped). */
    abstract NavigableSet<Bytes> keys();

    /** Opens the store's heap; the restore callback is registered after it. */
    abstract void open(StateStoreContext context);

    @Override
    public final String name() {
        return name;
    }

    @Override
    public final void init(StateStoreContext context, StateStore root) {
        open(context);
        if (root != null) {
            context.register(root, (key, value) -> put(Bytes.wrap(key), value));
        }
    }

    @Override
    public final boolean persistent() {
        return false;
    }

    @Override
    public final Position getPosition() {
        return position;
    }

    @Override
    public final <R> QueryResult<R> query(Query<R> query, PositionBound positionBound, QueryConfig config) {
        return QueryResult.forUnknownQueryType(query, this);
    }

    @Override
    public final byte[] putIfAbsent(Bytes key, byte[] value) {
        byte[] present = get(key);
        if (present == null) {
            put(key, value);
        }
        return present;
    }

    @Override
    public final void putAll(List<KeyValue<Bytes, byte[]>> entries) {
        for (KeyValue<Bytes, byte[]> e : entries) {
            put(e.key, e.value);
        }
    }

    @Override
    public final KeyValueIterator<Bytes, byte[]> range(Bytes from, Bytes to) {
        return new Walk(span(from, to), false);
    }

    @Override
    public final KeyValueIterator<Bytes, byte[]> reverseRange(Bytes from, Bytes to) {
        return new Walk(span(from, to), true);
    }

    @Override
    public final KeyValueIterator<Bytes, byte[]> all() {
        return new Walk(keys(), false);
    }

    @Override
    public final KeyValueIterator<Bytes, byte[]> reverseAll() {
        return new Walk(keys(), true);
    }

    @Override
    public final <PS extends Serializer<P>, P> KeyValueIterator<Bytes, byte[]> prefixScan(P prefix,
                                                                                       PS prefixKeySerializer) {
        Bytes from = Bytes.wrap(prefixKeySerializer.serialize(null, prefix));
        return new Walk(keys().subSet(from, true, Bytes.increment(from), false), false);
    }

    /** The keys from {@code from} to {@code to}, both included; a null bound is open; empty when from > to. */
    private NavigableSet<Bytes> span(Bytes from, Bytes to) {
        NavigableSet<Bytes> keys = keys();
        if (from != null && to != null) {
            return from.compareTo(to) > 0 ? keys.subSet(from, false, from, false) : keys.subSet(from, true, to, true);
        }
        if (from != null) {
            return keys.tailSet(from, true);
        }
        return to != null ? keys.headSet(to, true) : keys;
    }

    /** Walks a view of the key set in place, looking each value up; a key without one is skipped. */
    private final class Walk implements KeyValueIterator<Bytes, byte[]> {
        private final Iterator<Bytes> it;
        private KeyValue<Bytes, byte[]> next;

        Walk(NavigableSet<Bytes> span, boolean reverse) {
            this.it = reverse ? span.descendingIterator() : span.iterator();
        }

        @Override
        public boolean hasNext() {
            while (next == null && it.hasNext()) {
                Bytes k = it.next();
                byte[] v = get(k);
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
