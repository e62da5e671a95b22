package io.pumptwin.twin.topology;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.topics.Topic;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.wire.TwinMapping;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.state.KeyValueBytesStoreSupplier;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.StoreBuilder;
import org.apache.kafka.streams.state.Stores;

import java.util.Map;
import java.util.function.Function;

/**
 * The twin engine's topology, built in one place (STYLE.md): telemetry in; one twin per pump in a
 * changelogged RocksDB store; the latest twin, twin events and dead letters out.
 *
 * <pre>
 *   telemetry ──► twin-processor ──► twin state   (latest twin per pump; compacted)
 *                   │  ▲  ▲     ├──► twin events  (threshold crossings, relayed critical alarms)
 *            pump-twins │ reorder-buffer, silent-sweep
 *                                 └──► dead letters (undecodable, invalid, failed in processing)
 * </pre>
 *
 * Topic names come from the configuration (the project's topics by default); serdes from the topic registry.
 */
public final class TwinTopology {

    /** Store of twins by pump serial; queryable (interactive queries read it). */
    public static final String TWIN_STORE = "pump-twins";
    /** The twins' cold parts, by pump serial (StoredTwin); queryable with {@link #TWIN_STORE}. */
    public static final String COLD_STORE = "pump-twins-cold";
    static final String REORDER_STORE = "reorder-buffer";
    static final String SWEEP_STORE = "silent-sweep";
    static final String SOURCE = "telemetry-source";
    static final String PROCESSOR = "twin-processor";
    static final String STATE_SINK = "twin-state-sink";
    static final String EVENTS_SINK = "twin-events-sink";
    static final String PARAMETERS_SINK = "twin-parameters-sink";
    static final String DEAD_LETTER_SINK = "dead-letter-sink";

    private TwinTopology() {
    }

    /**
     * The twin of {@code serial} in the two stores, for interactive queries; null when there is none. The stream
     * thread may be writing the pair while they are read one after the other: a pair whose cold part is not the one
     * the hot part was written with is read again (StoredTwin's CRC).
     */
    public static io.pumptwin.twin.PumpTwin storedTwin(String serial, byte[] value, Function<String, byte[]> colds,
                                                       Function<String, byte[]> values,
                                                       io.pumptwin.twin.TwinModelParameters model) {
        byte[] v = value;
        for (int attempt = 0; v != null; attempt++) {
            StoredTwin stored = StoredTwin.read(v);
            if (!stored.split()) {
                return stored.twin(model);
            }
            byte[] cold = colds.apply(serial);
            if (stored.matches(cold)) {
                return stored.withCold(cold).twin(model);
            }
            if (attempt == 20) {
                throw new IllegalStateException("twin of pump " + serial + " changed under 20 reads in a row");
            }
            v = values.apply(serial);
        }
        return null;
    }

    public static Topology build(TwinEngineConfig config, TopicRegistry topics) {
        return build(config, topics, TwinMetrics.none());
    }

    /**
     * Where the topology keeps its twins, held telemetry and sweep progress. Only the store kind differs: the
     * processor, its reads, writes and iteration order (both kinds order keys by their serialized bytes) are the same.
     */
    public enum StoreKind {
        /** All in RocksDB, changelogged, so a fail-over restores every twin exactly (exactly_once_v2). */
        PERSISTENT_CHANGELOGGED,
        /**
         * An in-process replay: heap maps, no changelog, no cache. A replay's twins live only as long as the replay
         * and are never restored, so RocksDB's flush and the changelog at every commit would only cost time.
         */
        IN_MEMORY,
        /**
         * Each twin's hot part (what every report rewrites, about 300-400 bytes: the split format's,
         * {@link io.pumptwin.twin.store.PumpTwinStoreCodec#encodeSplit}) in a heap store ({@link HashedHeapStore}), its
         * cold part and the rest in RocksDB; all changelogged, so a fail-over restores every twin exactly, as with
         * {@link #PERSISTENT_CHANGELOGGED}. A report costs a RocksDB read of the cold part and, mostly, no RocksDB
         * write (the cold part changes on about 2 reports in 10), for about 400 bytes of heap per pump. Production's
         * default from fff24a0 until {@link #ON_HEAP}; for more pumps per instance than the heap should hold whole.
         */
        HOT_ON_HEAP,
        /**
         * Production's default: both parts of every twin on the heap, in one row per pump of one heap table per task
         * ({@link PairedHeapStores}), each part still its own store, changelogged as with
         * {@link #PERSISTENT_CHANGELOGGED} (held telemetry and the sweep's progress stay in RocksDB): a report costs no
         * RocksDB read or write at all, and its cold part's lookup finds the row its hot part's lookup just read.
         * Against {@link #ON_HEAP_TWO_TABLES} in the same run of StreamsThroughputBenchmark (2026-12-05 11:03-11:08,
         * engine-only, five rounds): faster in four rounds of five, a median 4%, and 7.4 against 8.5 us of
         * stream-thread CPU per record in each one's best round. Its price is the heap: the whole twin, about 500
         * bytes per pump for a ten-report twin and 1.5-2 KB at a month (TwinFootprint), 150-200 MB per 100,000 pumps;
         * a restarted instance restores every twin from the changelogs (under exactly-once an unclean stop restores
         * RocksDB whole too), and a standby replica keeps its copy on the heap as well.
         */
        ON_HEAP,
        /**
         * As {@link #ON_HEAP}, each part in a heap store of its own ({@link HashedHeapStore}), so a report looks its
         * pump up in two tables. Production's default from 52b0adb until the paired table; against
         * {@link #HOT_ON_HEAP} in the same runs (2026-12-04 20:45-21:20, medians of the round-by-round ratios): 0.63
         * against 0.55, 0.63 against 0.55, 0.69 against 0.62. Kept for the benchmark's same-run comparison.
         */
        ON_HEAP_TWO_TABLES
    }

    public static Topology build(TwinEngineConfig config, TopicRegistry topics, TwinMetrics metrics) {
        return build(config, topics, metrics, config.twinStores());
    }

    public static Topology build(TwinEngineConfig config, TopicRegistry topics, TwinMetrics metrics,
                                 StoreKind storeKind) {
        TwinEngineConfig.TwinTopicNames names = config.topics();
        Topic<TelemetryEnvelope> telemetry = topics.topic(Topics.TELEMETRY);
        Topic<TwinEvent> events = topics.topic(Topics.TWIN_EVENTS);
        Topic<DeadLetter> deadLetters = topics.topic(Topics.TELEMETRY_DLQ);
        TelemetryInput.Reader reader = new TelemetryInput.Reader(telemetry.valueSerde().deserializer());
        Topic<TwinState> states = topics.topic(Topics.TWIN_STATE);
        Topic<ModelParameterSet> parameterSets = topics.topic(Topics.TWIN_PARAMETERS);
        ModelParameterSet parameters = TwinMapping.toParameterSet(config.model());

        Topology topology = new Topology();
        // A new application id starts from the first telemetry: the twin is the whole history (replays too).
        topology.addSource(org.apache.kafka.streams.AutoOffsetReset.earliest(), SOURCE, new EventTimeExtractor(), Serdes.String().deserializer(), reader, names.telemetry());
        topology.addProcessor(PROCESSOR, () -> new TwinProcessor(config, metrics, reader, parameters), SOURCE);
        // In production twins and held telemetry are changelogged: a fail-over restores them exactly (exactly_once_v2).
        // The twin store is not cached: a pump reports every few minutes, so two writes of one twin within a commit
        // interval (all the cache could fold into one changelog record) are rare, while every event paid the cache's
        // copy, eviction and flush (11% more records/s without it, StreamsThroughputBenchmark, 2026-12-03). Held
        // telemetry is cached: held and released within one commit, it never reaches the changelog.
        PairedHeapStores pairs = new PairedHeapStores();
        topology.addStateStore(store(storeKind, TWIN_STORE, Serdes.String(), false, pairs), PROCESSOR);
        topology.addStateStore(store(storeKind, COLD_STORE, Serdes.String(), false, pairs), PROCESSOR);
        topology.addStateStore(store(storeKind, REORDER_STORE, Serdes.Bytes(), true, pairs), PROCESSOR);
        topology.addStateStore(store(storeKind, SWEEP_STORE, Serdes.String(), false, pairs), PROCESSOR);
        topology.addSink(STATE_SINK, names.twinState(), Serdes.String().serializer(),
                states.valueSerde().serializer(), PROCESSOR);
        topology.addSink(PARAMETERS_SINK, names.parameters(), Serdes.String().serializer(),
                parameterSets.valueSerde().serializer(), PROCESSOR);
        topology.addSink(EVENTS_SINK, names.twinEvents(), Serdes.String().serializer(),
                events.valueSerde().serializer(), PROCESSOR);
        topology.addSink(DEAD_LETTER_SINK, names.deadLetters(), Serdes.String().serializer(),
                deadLetters.valueSerde().serializer(), PROCESSOR);
        return topology;
    }

    private static <K> StoreBuilder<KeyValueStore<K, byte[]>> store(StoreKind kind, String name, Serde<K> keySerde,
                                                                   boolean cachedWhenPersistent,
                                                                   PairedHeapStores pairs) {
        if (kind == StoreKind.IN_MEMORY) {
            return Stores.keyValueStoreBuilder(HashedHeapStore.supplier(name), keySerde, Serdes.ByteArray())
                    .withCachingDisabled().withLoggingDisabled();
        }
        StoreBuilder<KeyValueStore<K, byte[]>> b = Stores.keyValueStoreBuilder(supplier(kind, name, pairs), keySerde,
                Serdes.ByteArray()).withLoggingEnabled(Map.of());
        return cachedWhenPersistent ? b.withCachingEnabled() : b;
    }

    /** Where a changelogged store of {@code kind} keeps its values: the twins' parts as the kind says, else RocksDB. */
    private static KeyValueBytesStoreSupplier supplier(StoreKind kind, String name, PairedHeapStores pairs) {
        boolean hot = name.equals(TWIN_STORE);
        if (!hot && !name.equals(COLD_STORE)) {
            return Stores.persistentKeyValueStore(name);
        }
        return switch (kind) {
            case ON_HEAP -> pairs.supplier(name, hot ? PairedHeapStores.Part.HOT : PairedHeapStores.Part.COLD);
            case ON_HEAP_TWO_TABLES -> HashedHeapStore.supplier(name);
            case HOT_ON_HEAP -> hot ? HashedHeapStore.supplier(name) : Stores.persistentKeyValueStore(name);
            case PERSISTENT_CHANGELOGGED, IN_MEMORY -> Stores.persistentKeyValueStore(name);
        };
    }
}
