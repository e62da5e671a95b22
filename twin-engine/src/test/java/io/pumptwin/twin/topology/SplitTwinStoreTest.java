package io.pumptwin.twin.topology;

import io.pumptwin.twin.PumpTwin;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.store.PumpTwinStoreCodec;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The twin in two stores (issue 5): a routine status report rewrites the hot part only; a twin stored by an earlier
 * release in one piece is still read, and stored split on its next write; an interactive query never decodes a hot
 * part with a cold part it was not written with.
 */
class SplitTwinStoreTest {
    private static final TwinModelParameters MODEL = TwinModelParameters.defaults();

    @Test
    void a_routine_status_report_rewrites_the_hot_part_and_leaves_the_cold_part() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("HOT-1");
            // the battery history's first two readings are kept as they come; later reports replace the newest
            d.send(pump.refill(0, 2, 2), pump.status(0.01), pump.status(0.02));
            byte[] hot = hot(d).get("HOT-1");
            byte[] cold = cold(d).get("HOT-1");
            assertThat(cold).isNotNull();

            var hotLog = changelog(d, TwinTopology.TWIN_STORE);
            var coldLog = changelog(d, TwinTopology.COLD_STORE);
            assertThat(hotLog.readValuesToList()).hasSize(3);
            assertThat(coldLog.readValuesToList()).hasSize(3);

            d.send(pump.status(0.03));
            assertThat(hot(d).get("HOT-1")).isNotEqualTo(hot);
            assertThat(cold(d).get("HOT-1")).isEqualTo(cold);
            // the report reached the hot part's changelog only
            assertThat(hotLog.readValuesToList()).hasSize(1);
            assertThat(coldLog.isEmpty()).isTrue();
            assertThat(stored(d, "HOT-1").eventsApplied()).isEqualTo(4);

            // a refill changes the fill, which is cold: both parts are written, and they still read as one twin
            d.send(pump.refill(40, 10, 10));
            assertThat(cold(d).get("HOT-1")).isNotEqualTo(cold);
            assertThat(stored(d, "HOT-1").fill().filledAt()).isEqualTo(TelemetryStory.day(40));
            assertThat(d.latest("HOT-1").getEventsApplied()).isEqualTo(5);
        }
    }

    @Test
    void a_twin_stored_in_one_piece_by_an_earlier_release_is_read_and_stored_split_again() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("OLD-1");
            d.send(pump.refill(0, 2, 2), pump.status(0.5));
            PumpTwin twin = stored(d, "OLD-1");
            // header format 1 (no cold part's checksum), then the single format
            byte[] header = Arrays.copyOf(hot(d).get("OLD-1"), 1 + 8 + 8 + 8 + 4);
            header[0] = 1;
            byte[] single = PumpTwinStoreCodec.encode(twin);
            hot(d).put("OLD-1", ByteBuffer.allocate(header.length + single.length).put(header).put(single).array());
            cold(d).delete("OLD-1");
            assertThat(stored(d, "OLD-1")).isEqualTo(twin);

            d.send(pump.status(1));
            assertThat(d.deadLetterLog).isEmpty();
            assertThat(hot(d).get("OLD-1")[0]).isEqualTo(StoredTwin.FORMAT);
            assertThat(cold(d).get("OLD-1")).isNotNull();
            assertThat(stored(d, "OLD-1").eventsApplied()).isEqualTo(twin.eventsApplied() + 1);
        }
    }

    @Test
    void a_query_reading_the_two_stores_while_they_change_reads_again_until_the_parts_match() {
        try (TwinDriver d = new TwinDriver()) {
            TelemetryStory pump = new TelemetryStory("TORN-1");
            d.send(pump.refill(0, 2, 2), pump.status(0.5));
            byte[] oldCold = cold(d).get("TORN-1");
            d.send(pump.refill(40, 10, 10));
            byte[] newHot = hot(d).get("TORN-1");
            byte[] newCold = cold(d).get("TORN-1");
            assertThat(newCold).isNotEqualTo(oldCold);

            // the query read the new hot part, then the cold part before the thread wrote it: a torn pair
            Deque<byte[]> colds = new ArrayDeque<>(java.util.List.of(oldCold, newCold));
            int[] hotReads = {0};
            PumpTwin twin = TwinTopology.storedTwin("TORN-1", newHot, s -> colds.poll(), s -> {
                hotReads[0]++;
                return newHot;
            }, MODEL);
            assertThat(hotReads[0]).isEqualTo(1);
            assertThat(twin).isEqualTo(stored(d, "TORN-1"));
            assertThat(twin.fill().filledAt()).isEqualTo(TelemetryStory.day(40));
            // no twin at all: none
            assertThat(TwinTopology.storedTwin("NONE", null, s -> null, s -> null, MODEL)).isNull();
        }
    }

    private static org.apache.kafka.streams.TestOutputTopic<String, byte[]> changelog(TwinDriver d, String store) {
        return d.driver.createOutputTopic("twin-ttd-" + store + "-changelog",
                new org.apache.kafka.common.serialization.StringDeserializer(),
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    private static KeyValueStore<String, byte[]> hot(TwinDriver d) {
        return d.driver.getKeyValueStore(TwinTopology.TWIN_STORE);
    }

    private static KeyValueStore<String, byte[]> cold(TwinDriver d) {
        return d.driver.getKeyValueStore(TwinTopology.COLD_STORE);
    }

    private static PumpTwin stored(TwinDriver d, String serial) {
        return TwinTopology.storedTwin(serial, hot(d).get(serial), cold(d)::get, hot(d)::get, MODEL);
    }
}
