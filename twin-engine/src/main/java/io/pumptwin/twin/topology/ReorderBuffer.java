package io.pumptwin.twin.topology;

import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * Telemetry held back until stream time has moved a window past it, in a changelogged store so a fail-over
 * loses nothing. Keys sort by event time first (RocksDB orders keys bytewise; the sign bit is flipped so
 * big-endian bytes sort as signed longs), then pump, sequence and event id: the flush reads the store in
 * event-time order, and the same event buffered twice is one entry.
 */
final class ReorderBuffer {

    /** One held-back event: its raw telemetry bytes and where they came from. */
    record Held(Bytes key, long eventTimeMillis, String pumpSerial, Origin origin, byte[] raw) {
    }

    private final KeyValueStore<Bytes, byte[]> store;

    ReorderBuffer(KeyValueStore<Bytes, byte[]> store) {
        this.store = store;
    }

    /** Holds an event back; false when exactly this event is already held. */
    boolean hold(long eventTimeMillis, String pumpSerial, long sequence, String eventId, Origin origin, byte[] raw) {
        Bytes key = key(eventTimeMillis, pumpSerial, sequence, eventId);
        if (store.get(key) != null) {
            return false;
        }
        ByteBuffer v = ByteBuffer.allocate(origin.size() + raw.length);
        origin.write(v);
        v.put(raw);
        store.put(key, v.array());
        return true;
    }

    /** Held events with event time at or before {@code watermark}, oldest first, at most {@code limit}. */
    List<Held> due(long watermark, int limit) {
        List<Held> due = new ArrayList<>();
        try (KeyValueIterator<Bytes, byte[]> it = store.all()) {
            while (it.hasNext() && due.size() < limit) {
                KeyValue<Bytes, byte[]> kv = it.next();
                ByteBuffer k = ByteBuffer.wrap(kv.key.get());
                long t = k.getLong() ^ Long.MIN_VALUE;
                if (t > watermark) {
                    break;
                }
                int serialStart = 8;
                int serialEnd = serialStart;
                byte[] kb = kv.key.get();
                while (kb[serialEnd] != 0) {
                    serialEnd++;
                }
                String serial = new String(kb, serialStart, serialEnd - serialStart, StandardCharsets.UTF_8);
                ByteBuffer v = ByteBuffer.wrap(kv.value);
                Origin origin = Origin.read(v);
                byte[] raw = new byte[v.remaining()];
                v.get(raw);
                due.add(new Held(kv.key, t, serial, origin, raw));
            }
        }
        return due;
    }

    void release(Held held) {
        store.delete(held.key());
    }

    static Bytes key(long eventTimeMillis, String pumpSerial, long sequence, String eventId) {
        byte[] serial = pumpSerial.getBytes(StandardCharsets.UTF_8);
        byte[] id = eventId.getBytes(StandardCharsets.UTF_8);
        ByteBuffer b = ByteBuffer.allocate(8 + serial.length + 1 + 8 + id.length);
        b.putLong(eventTimeMillis ^ Long.MIN_VALUE).put(serial).put((byte) 0).putLong(sequence ^ Long.MIN_VALUE).put(id);
        return Bytes.wrap(b.array());
    }
}
