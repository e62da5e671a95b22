package io.pumptwin.twin.topology;

import org.apache.kafka.streams.processor.api.RecordMetadata;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;

/** Where a telemetry record came from, for its dead-letter record; kept with a buffered event. */
record Origin(String topic, int partition, long offset, String key) {

    static Origin of(Optional<RecordMetadata> metadata, String key) {
        return metadata.map(m -> new Origin(m.topic(), m.partition(), m.offset(), key))
                .orElseGet(() -> new Origin(null, -1, -1, key));
    }

    byte[] keyBytes() {
        return key == null ? null : key.getBytes(StandardCharsets.UTF_8);
    }

    /** Dead-letter id: stable for a given input record, so a re-processed record after a fail-over keeps its id. */
    String deadLetterId(String stage) {
        return stage + ":" + topic + ":" + partition + ":" + offset;
    }

    void write(ByteBuffer b) {
        byte[] t = topic == null ? new byte[0] : topic.getBytes(StandardCharsets.UTF_8);
        byte[] k = key == null ? new byte[0] : key.getBytes(StandardCharsets.UTF_8);
        b.putInt(t.length).put(t).putInt(partition).putLong(offset).putInt(k.length).put(k);
    }

    int size() {
        return 4 + (topic == null ? 0 : topic.getBytes(StandardCharsets.UTF_8).length) + 4 + 8 + 4
                + (key == null ? 0 : key.getBytes(StandardCharsets.UTF_8).length);
    }

    static Origin read(ByteBuffer b) {
        byte[] t = new byte[b.getInt()];
        b.get(t);
        int partition = b.getInt();
        long offset = b.getLong();
        byte[] k = new byte[b.getInt()];
        b.get(k);
        return new Origin(t.length == 0 ? null : new String(t, StandardCharsets.UTF_8), partition, offset,
                k.length == 0 ? null : new String(k, StandardCharsets.UTF_8));
    }
}
