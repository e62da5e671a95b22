package io.pumptwin.twin.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;

import java.util.Map;
import java.util.NavigableSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListSet;

/**
 * The twins' two stores, hot parts and cold parts, over one heap table per task: a row per pump holds both parts, so
 * the cold part's lookup, which follows the hot part's for every report, finds the row the first lookup just brought
 * into the cache instead of walking a second table (issue 5: each lookup of a pump's entry waits on memory, and the
 * cold one was 3.3% of the stream thread's CPU samples; TwinTopology.StoreKind#ON_HEAP has the benchmark's figures).
 * Each part is still its own Kafka Streams store, with its own changelog and restoration; only the heap they keep
 * their values in is shared, as {@link HashedHeapStore}'s map and sorted key set are for one store. Written by hand
 * for the reason HashedHeapStore is: no library in the project's stack has such a store.
 *
 * <p>One instance per topology, so per Kafka Streams instance: the two stores of a task find their table by task id
 * when they are initialised, and the table goes when both are closed. A store that closes takes its part out of every
 * row first, so the other never sees it again.
 */
final class PairedHeapStores {

    /** Which part of a row a store holds. */
    enum Part { HOT, COLD }

    private final Map<TaskId, Table> tables = new ConcurrentHashMap<>();

    /** A supplier of the stores of {@code part}, named {@code name}. */
    KeyValueBytesStoreSupplier supplier(String name, Part part) {
        return HeapKeyValueStore.supplier(name, () -> new Store(name, part));
    }

    /** Both parts of one pump's twin; a part is null when its store has none. */
    private static final class Row {
        volatile byte[] hot;
        volatile byte[] cold;

        byte[] get(Part part) {
            return part == Part.HOT ? hot : cold;
        }

        void set(Part part, byte[] value) {
            if (part == Part.HOT) {
                hot = value;
            } else {
                cold = value;
            }
        }

        boolean empty() {
            return hot == null && cold == null;
        }
    }

    /** A task's rows, and their keys in order; a key is there while either part has a value. */
    private static final class Table {
        final ConcurrentHashMap<Bytes, Row> rows = new ConcurrentHashMap<>();
        final ConcurrentSkipListSet<Bytes> keys = new ConcurrentSkipListSet<>();
        int open;
    }

    private Table open(TaskId task) {
        synchronized (tables) {
            Table t = tables.computeIfAbsent(task, k -> new Table());
            t.open++;
            return t;
        }
    }

    private void close(TaskId task, Table table) {
        synchronized (tables) {
            if (--table.open == 0) {
                tables.remove(task, table);
            }
        }
    }

    /** One part's store: a view of its part of the task's rows. */
    final class Store extends HeapKeyValueStore {
        private final Part part;
        private TaskId task;
        private volatile Table table;

        Store(String name, Part part) {
            super(name);
            this.part = part;
        }

        @Override
        void open(StateStoreContext context) {
            task = context.taskId();
            table = PairedHeapStores.this.open(task);
        }

        @Override
        NavigableSet<Bytes> keys() {
            Table t = table;
            return t == null ? new ConcurrentSkipListSet<>() : t.keys;
        }

        @Override
        public boolean isOpen() {
            return table != null;
        }

        @Override
        public void close() {
            Table t = table;
            if (t == null) {
                return;
            }
            for (Bytes key : t.keys) {
                delete(key);
            }
            table = null;
            PairedHeapStores.this.close(task, t);
        }

        @Override
        public byte[] get(Bytes key) {
            Table t = table;
            Row row = t == null ? null : t.rows.get(key);
            return row == null ? null : row.get(part);
        }

        @Override
        public void put(Bytes key, byte[] value) {
            if (value == null) {
                delete(key);
                return;
            }
            Table t = table;
            Row row = t.rows.get(key);
            if (row == null) {
                Row fresh = new Row();
                fresh.set(part, value);
                row = t.rows.putIfAbsent(key, fresh);
                if (row == null) {
                    t.keys.add(key); // the row first: a key in the set always has a row
                    return;
                }
            }
            row.set(part, value);
        }

        @Override
        public byte[] delete(Bytes key) {
            Table t = table;
            Row row = t.rows.get(key);
            if (row == null) {
                return null;
            }
            byte[] old = row.get(part);
            row.set(part, null);
            if (row.empty()) {
                // Both parts are written by the task's one thread at a time: no other part lands in between.
                t.keys.remove(key);
                t.rows.remove(key, row);
            }
            return old;
        }

        @Override
        public long approximateNumEntries() {
            Table t = table;
            return t == null ? 0 : t.rows.size();
        }
    }
}
