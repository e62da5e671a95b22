package io.pumptwin.twin.topology;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.processor.StateStoreContext;
import org.apache.kafka.streams.processor.TaskId;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;
import java.util.TreeMap;

import static io.pumptwin.twin.topology.HeapStoreContents.entries;
import static io.pumptwin.twin.topology.HeapStoreContents.key;
import static io.pumptwin.twin.topology.HeapStoreContents.keys;
import static io.pumptwin.twin.topology.HeapStoreContents.value;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The twins' two parts over one heap table: each part answers as a store of its own would (HashedHeapStore, itself
 * checked against a sorted map), whatever the other part holds; a task's two stores share one table and other tasks'
 * stores do not; a store that closes leaves nothing of its part behind, and its partner keeps its own.
 */
class PairedHeapStoresTest {

    @Test
    void each_part_reads_back_as_its_own_store_would_while_the_other_part_is_written_too() {
        PairedHeapStores pairs = new PairedHeapStores();
        KeyValueStore<Bytes, byte[]> hot = open(pairs, PairedHeapStores.Part.HOT, new TaskId(0, 1));
        KeyValueStore<Bytes, byte[]> cold = open(pairs, PairedHeapStores.Part.COLD, new TaskId(0, 1));
        HashedHeapStore hotAlone = new HashedHeapStore("hot");
        HashedHeapStore coldAlone = new HashedHeapStore("cold");
        Random random = new Random(11);
        for (int i = 0; i < 6_000; i++) {
            Bytes key = key("P" + random.nextInt(300));
            boolean toHot = random.nextBoolean();
            KeyValueStore<Bytes, byte[]> store = toHot ? hot : cold;
            HashedHeapStore alone = toHot ? hotAlone : coldAlone;
            switch (random.nextInt(5)) {
                case 0 -> assertThat(store.delete(key)).isEqualTo(alone.delete(key));
                case 1 -> {
                    store.put(key, null);
                    alone.put(key, null);
                }
                case 2 -> assertThat(store.putIfAbsent(key, value(i))).isEqualTo(alone.putIfAbsent(key, value(i)));
                default -> {
                    store.put(key, value(i));
                    alone.put(key, value(i));
                }
            }
        }
        assertSame(hot, hotAlone);
        assertSame(cold, coldAlone);
    }

    @Test
    void a_tasks_two_stores_share_a_table_and_another_tasks_do_not() {
        PairedHeapStores pairs = new PairedHeapStores();
        KeyValueStore<Bytes, byte[]> hot1 = open(pairs, PairedHeapStores.Part.HOT, new TaskId(0, 1));
        KeyValueStore<Bytes, byte[]> cold1 = open(pairs, PairedHeapStores.Part.COLD, new TaskId(0, 1));
        KeyValueStore<Bytes, byte[]> hot2 = open(pairs, PairedHeapStores.Part.HOT, new TaskId(0, 2));
        hot1.put(key("A"), value(1));
        cold1.put(key("A"), value(2));
        hot2.put(key("B"), value(3));

        assertThat(hot1.get(key("A"))).isEqualTo(value(1));
        assertThat(cold1.get(key("A"))).isEqualTo(value(2));
        assertThat(cold1.get(key("B"))).isNull();
        assertThat(hot2.get(key("A"))).isNull();
        assertThat(keys(hot1.all())).containsExactly("A");
        assertThat(keys(hot2.all())).containsExactly("B");
    }

    @Test
    void a_closed_part_leaves_nothing_behind_and_its_partner_keeps_its_own() {
        PairedHeapStores pairs = new PairedHeapStores();
        TaskId task = new TaskId(0, 3);
        KeyValueStore<Bytes, byte[]> hot = open(pairs, PairedHeapStores.Part.HOT, task);
        KeyValueStore<Bytes, byte[]> cold = open(pairs, PairedHeapStores.Part.COLD, task);
        hot.put(key("A"), value(1));
        hot.put(key("B"), value(2));
        cold.put(key("B"), value(3));

        hot.close();
        assertThat(hot.isOpen()).isFalse();
        assertThat(hot.get(key("A"))).isNull();
        assertThat(keys(hot.all())).isEmpty();
        assertThat(keys(cold.all())).containsExactly("B"); // A had no cold part: its row went with the hot one
        assertThat(cold.get(key("B"))).isEqualTo(value(3));

        KeyValueStore<Bytes, byte[]> reopened = open(pairs, PairedHeapStores.Part.HOT, task);
        assertThat(reopened.get(key("B"))).isNull(); // the task's table, without the closed store's part
        cold.close();
        reopened.close();
        // both closed: the task's next stores start from an empty table
        KeyValueStore<Bytes, byte[]> fresh = open(pairs, PairedHeapStores.Part.COLD, task);
        assertThat(keys(fresh.all())).isEmpty();
    }

    @Test
    void ranges_and_prefixes_skip_the_rows_without_the_part() {
        PairedHeapStores pairs = new PairedHeapStores();
        KeyValueStore<Bytes, byte[]> hot = open(pairs, PairedHeapStores.Part.HOT, new TaskId(0, 1));
        KeyValueStore<Bytes, byte[]> cold = open(pairs, PairedHeapStores.Part.COLD, new TaskId(0, 1));
        for (String k : List.of("PT-1", "PT-2", "PT-3", "QX-1")) {
            hot.put(key(k), value(k.hashCode()));
        }
        cold.put(key("PT-2"), value(9));
        cold.put(key("PT-9"), value(9));
        assertThat(keys(hot.range(key("PT-2"), key("PT-9")))).containsExactly("PT-2", "PT-3");
        assertThat(keys(cold.range(key("PT-1"), key("PT-9")))).containsExactly("PT-2", "PT-9");
        assertThat(keys(cold.reverseAll())).containsExactly("PT-9", "PT-2");
        assertThat(keys(hot.reverseRange(null, key("PT-2")))).containsExactly("PT-2", "PT-1");
        assertThat(keys(hot.prefixScan("PT-", new StringSerializer()))).containsExactly("PT-1", "PT-2", "PT-3");
        assertThat(keys(cold.prefixScan("QX", new StringSerializer()))).isEmpty();
    }

    // ------------------------------------------------------------------ helpers

    /** A store of {@code part} initialised for {@code task}, as Kafka Streams would (no changelog here). */
    private static KeyValueStore<Bytes, byte[]> open(PairedHeapStores pairs, PairedHeapStores.Part part,
                                                     TaskId task) {
        KeyValueStore<Bytes, byte[]> store = pairs.supplier("s-" + part, part).get();
        StateStoreContext context = (StateStoreContext) Proxy.newProxyInstance(
                PairedHeapStoresTest.class.getClassLoader(), new Class<?>[] {StateStoreContext.class},
                (proxy, method, args) -> method.getName().equals("taskId") ? task : null);
        store.init(context, null);
        return store;
    }

    private static void assertSame(KeyValueStore<Bytes, byte[]> store, HashedHeapStore alone) {
        assertThat(entries(store.all())).isEqualTo(entries(alone.all()));
        assertThat(entries(store.reverseAll())).isEqualTo(entries(alone.reverseAll()));
        assertThat(entries(store.range(key("P1"), key("P5")))).isEqualTo(entries(alone.range(key("P1"), key("P5"))));
        TreeMap<String, String> viaGet = new TreeMap<>();
        for (int p = 0; p < 300; p++) {
            byte[] v = store.get(key("P" + p));
            assertThat(v).isEqualTo(alone.get(key("P" + p)));
            if (v != null) {
                viaGet.put("P" + p, new String(v, StandardCharsets.UTF_8));
            }
        }
        assertThat(viaGet).isNotEmpty();
    }
}
