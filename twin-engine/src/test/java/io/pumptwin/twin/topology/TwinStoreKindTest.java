package io.pumptwin.twin.topology;

import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.PumpAlarmKind;
import io.pumptwin.events.Symptom;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.streams.KeyValue;
import org.apache.kafka.streams.state.KeyValueStore;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Where the twins live (TwinEngineConfig.twinStores) changes nothing the engine says: with both parts of every twin on
 * the heap (production's default), with the hot parts alone on the heap and with every twin in RocksDB, the same
 * telemetry gives the same twin states, the same twin events and the same changelog records, which are what a
 * fail-over restores from.
 */
class TwinStoreKindTest {

    @Test
    void on_the_heap_hot_parts_on_the_heap_and_all_in_rocksdb_say_and_changelog_the_same() {
        Run heap = run(TwinTopology.StoreKind.HOT_ON_HEAP);
        Run rocks = run(TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED);
        Run allOnHeap = run(TwinTopology.StoreKind.ON_HEAP);
        Run twoTables = run(TwinTopology.StoreKind.ON_HEAP_TWO_TABLES);

        assertThat(allOnHeap).isEqualTo(rocks);
        assertThat(twoTables).isEqualTo(rocks);
        assertThat(heap.states).isNotEmpty().isEqualTo(rocks.states);
        assertThat(heap.events).isNotEmpty().isEqualTo(rocks.events);
        assertThat(heap.hotChangelog).isNotEmpty().isEqualTo(rocks.hotChangelog);
        assertThat(heap.coldChangelog).isNotEmpty().isEqualTo(rocks.coldChangelog);
        assertThat(heap.events).anyMatch(e -> e.contains("PUMP_CRITICAL_ALARM"))
                .anyMatch(e -> e.contains("PUMP_SILENT"));
    }

    @Test
    void each_kind_puts_the_parts_where_it_says() {
        try (TwinDriver d = new TwinDriver(c -> c)) {
            assertThat(d.config.twinStores()).isEqualTo(TwinTopology.StoreKind.ON_HEAP); // the default
            assertThat(store(d, TwinTopology.TWIN_STORE).persistent()).isFalse();
            assertThat(store(d, TwinTopology.COLD_STORE).persistent()).isFalse();
        }
        try (TwinDriver d = new TwinDriver(c -> c.withTwinStores(TwinTopology.StoreKind.ON_HEAP_TWO_TABLES))) {
            assertThat(store(d, TwinTopology.TWIN_STORE).persistent()).isFalse();
            assertThat(store(d, TwinTopology.COLD_STORE).persistent()).isFalse();
        }
        try (TwinDriver d = new TwinDriver(c -> c.withTwinStores(TwinTopology.StoreKind.HOT_ON_HEAP))) {
            assertThat(store(d, TwinTopology.TWIN_STORE).persistent()).isFalse();
            assertThat(store(d, TwinTopology.COLD_STORE).persistent()).isTrue();
        }
        try (TwinDriver d = new TwinDriver(c -> c.withTwinStores(TwinTopology.StoreKind.PERSISTENT_CHANGELOGGED))) {
            assertThat(store(d, TwinTopology.TWIN_STORE).persistent()).isTrue();
            assertThat(store(d, TwinTopology.COLD_STORE).persistent()).isTrue();
        }
    }

    @Test
    void replays_in_memory_stores_are_not_for_the_engine() {
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> io.pumptwin.twin.engine.TwinEngineConfig
                        .defaults("k:9092", "http://r", java.nio.file.Path.of("s"))
                        .withTwinStores(TwinTopology.StoreKind.IN_MEMORY))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not changelogged");
    }

    private record Run(List<String> states, List<String> events, List<String> hotChangelog,
                       List<String> coldChangelog) {
    }

    /** Three pumps: refills, reports, a stall, symptoms, a dose change and a pump that falls silent. */
    private static Run run(TwinTopology.StoreKind kind) {
        try (TwinDriver d = new TwinDriver(c -> c.withTwinStores(kind))) {
            TelemetryStory a = new TelemetryStory("KIND-A");
            TelemetryStory b = new TelemetryStory("KIND-B");
            TelemetryStory c = new TelemetryStory("KIND-C");
            List<TelemetryEnvelope> all = new ArrayList<>();
            all.addAll(List.of(a.refill(0, 2, 2), b.refill(0, 2, 2), c.refill(0, 2, 2)));
            for (int k = 1; k <= 40; k++) {
                double day = k * 0.25;
                all.add(a.status(day));
                all.add(b.status(day));
                if (day <= 3) {
                    all.add(c.status(day));
                }
            }
            all.add(b.alarm(10.1, PumpAlarmKind.MOTOR_STALL, true));
            all.add(a.symptoms(10.2, Symptom.DROWSINESS));
            d.send(all.toArray(TelemetryEnvelope[]::new));
            return new Run(
                    d.stateLog.stream().map(r -> r.key() + "=" + r.value()).toList(),
                    d.eventLog.stream().map(r -> r.key() + "=" + r.value()).toList(),
                    changelog(d, TwinTopology.TWIN_STORE), changelog(d, TwinTopology.COLD_STORE));
        }
    }

    private static List<String> changelog(TwinDriver d, String store) {
        return d.driver.createOutputTopic("twin-ttd-" + store + "-changelog", new StringDeserializer(),
                        new ByteArrayDeserializer()).readKeyValuesToList().stream()
                .map((KeyValue<String, byte[]> kv) -> kv.key + "=" + Arrays.toString(kv.value)).toList();
    }

    private static KeyValueStore<String, byte[]> store(TwinDriver d, String name) {
        return d.driver.getKeyValueStore(name);
    }
}
