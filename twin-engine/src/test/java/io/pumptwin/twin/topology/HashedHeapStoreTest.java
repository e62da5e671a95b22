package io.pumptwin.twin.topology;

import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static io.pumptwin.twin.topology.HeapStoreContents.entries;
import static io.pumptwin.twin.topology.HeapStoreContents.key;
import static io.pumptwin.twin.topology.HeapStoreContents.keys;
import static io.pumptwin.twin.topology.HeapStoreContents.value;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The twins' heap store answers as a sorted map would (Kafka Streams' own in-memory store is one): the same values,
 * the same key order in every kind of range, and iterations that stay whole while the stream thread writes.
 */
class HashedHeapStoreTest {

    @Test
    void random_writes_and_deletes_read_back_as_a_sorted_map_would() {
        Random random = new Random(7);
        HashedHeapStore store = new HashedHeapStore("s");
        TreeMap<Bytes, byte[]> reference = new TreeMap<>();
        for (int i = 0; i < 5_000; i++) {
            Bytes key = key("P" + random.nextInt(400));
            switch (random.nextInt(5)) {
                case 0 -> assertThat(store.delete(key)).isEqualTo(reference.remove(key));
                case 1 -> {
                    store.put(key, null); // a null value deletes, as in Kafka Streams' stores
                    reference.remove(key);
                }
                case 2 -> {
                    byte[] v = value(i);
                    assertThat(store.putIfAbsent(key, v)).isEqualTo(reference.putIfAbsent(key, v));
                }
                default -> {
                    byte[] v = value(i);
                    store.put(key, v);
                    reference.put(key, v);
                }
            }
            if (i % 500 == 0) {
                assertSameContents(store, reference, random);
            }
        }
        assertSameContents(store, reference, random);
        assertThat(store.approximateNumEntries()).isEqualTo(reference.size());
    }

    @Test
    void put_all_writes_each_entry_and_deletes_the_null_ones() {
        HashedHeapStore store = new HashedHeapStore("s");
        store.put(key("A"), value(1));
        store.putAll(List.of(KeyValue.pair(key("B"), value(2)), KeyValue.pair(key("A"), null),
                KeyValue.pair(key("C"), value(3))));
        assertThat(keys(store.all())).containsExactly("B", "C");
        assertThat(store.get(key("A"))).isNull();
    }

    @Test
    void ranges_include_both_bounds_take_null_as_open_and_are_empty_when_reversed() {
        HashedHeapStore store = new HashedHeapStore("s");
        for (String k : List.of("PT-1", "PT-2", "PT-3", "PT-4", "QX-1")) {
            store.put(key(k), value(k.hashCode()));
        }
        assertThat(keys(store.range(key("PT-2"), key("PT-4")))).containsExactly("PT-2", "PT-3", "PT-4");
        assertThat(keys(store.range(key("PT-3"), null))).containsExactly("PT-3", "PT-4", "QX-1");
        assertThat(keys(store.range(null, key("PT-2")))).containsExactly("PT-1", "PT-2");
        assertThat(keys(store.range(key("PT-4"), key("PT-2")))).isEmpty();
        assertThat(keys(store.reverseRange(key("PT-2"), key("PT-4")))).containsExactly("PT-4", "PT-3", "PT-2");
        assertThat(keys(store.reverseAll())).containsExactly("QX-1", "PT-4", "PT-3", "PT-2", "PT-1");
        assertThat(keys(store.prefixScan("PT-", new StringSerializer())))
                .containsExactly("PT-1", "PT-2", "PT-3", "PT-4");
    }

    @Test
    void an_iterator_peeks_at_the_key_it_will_give_next_and_ends_cleanly() {
        HashedHeapStore store = new HashedHeapStore("s");
        store.put(key("A"), value(1));
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            assertThat(it.peekNextKey()).isEqualTo(key("A"));
            assertThat(it.next().key).isEqualTo(key("A"));
            assertThat(it.hasNext()).isFalse();
            assertThatThrownBy(it::next).isInstanceOf(NoSuchElementException.class);
            assertThatThrownBy(it::peekNextKey).isInstanceOf(NoSuchElementException.class);
        }
    }

    @Test
    void an_iteration_while_another_thread_writes_sees_each_key_once_in_order() throws Exception {
        HashedHeapStore store = new HashedHeapStore("s");
        for (int i = 0; i < 20_000; i += 2) {
            store.put(key(String.format("P%06d", i)), value(i));
        }
        AtomicBoolean stop = new AtomicBoolean();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread writer = new Thread(() -> {
            Random random = new Random(3);
            try {
                while (!stop.get()) {
                    int i = random.nextInt(20_000);
                    Bytes k = key(String.format("P%06d", i));
                    if (i % 2 == 0) {
                        store.put(k, value(random.nextInt())); // rewrites, as every report does
                    } else if (random.nextBoolean()) {
                        store.put(k, value(i)); // new pumps
                    } else {
                        store.delete(k);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        writer.start();
        try {
            for (int pass = 0; pass < 20; pass++) {
                List<String> seen = keys(store.all());
                assertThat(seen).doesNotHaveDuplicates().isSorted();
                // the keys never deleted are all there
                assertThat(seen.stream().filter(k -> Integer.parseInt(k.substring(1)) % 2 == 0)).hasSize(10_000);
            }
        } finally {
            stop.set(true);
            writer.join();
        }
        assertThat(failure.get()).isNull();
    }

    private static void assertSameContents(HashedHeapStore store, NavigableMap<Bytes, byte[]> reference,
                                           Random random) {
        for (Map.Entry<Bytes, byte[]> e : reference.entrySet()) {
            assertThat(store.get(e.getKey())).isEqualTo(e.getValue());
        }
        assertThat(entries(store.all())).isEqualTo(entries(reference));
        assertThat(entries(store.reverseAll())).isEqualTo(entries(reference.descendingMap()));
        Bytes from = key("P" + random.nextInt(400));
        Bytes to = key("P" + random.nextInt(400));
        if (from.compareTo(to) <= 0) {
            assertThat(entries(store.range(from, to))).isEqualTo(entries(reference.subMap(from, true, to, true)));
            assertThat(entries(store.reverseRange(from, to)))
                    .isEqualTo(entries(reference.subMap(from, true, to, true).descendingMap()));
        }
        assertThat(entries(store.range(from, null))).isEqualTo(entries(reference.tailMap(from, true)));
    }
}
