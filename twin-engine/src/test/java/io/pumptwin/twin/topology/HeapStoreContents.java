package io.pumptwin.twin.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.state.KeyValueIterator;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;

/** Keys, values and what a heap store holds, as text, for the heap stores' tests. */
final class HeapStoreContents {
    private HeapStoreContents() {
    }

    static List<String> entries(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(text(kv.key) + "=" + new String(kv.value, StandardCharsets.UTF_8)));
        }
        return out;
    }

    static List<String> entries(NavigableMap<Bytes, byte[]> map) {
        List<String> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(text(k) + "=" + new String(v, StandardCharsets.UTF_8)));
        return out;
    }

    static List<String> keys(KeyValueIterator<Bytes, byte[]> it) {
        List<String> out = new ArrayList<>();
        try (it) {
            it.forEachRemaining(kv -> out.add(text(kv.key)));
        }
        return out;
    }

    static Bytes key(String k) {
        return Bytes.wrap(k.getBytes(StandardCharsets.UTF_8));
    }

    static String text(Bytes k) {
        return new String(k.get(), StandardCharsets.UTF_8);
    }

    static byte[] value(int i) {
        return ("v" + i).getBytes(StandardCharsets.UTF_8);
    }
}
