package io.pumptwin.twin.engine;

import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.security.TlsSettings;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.query.QueryAccess;
import io.pumptwin.twin.topology.TwinTopology;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * Everything the twin engine needs, built once at start-up and passed in (STYLE.md).
 *
 * @param applicationId       Kafka Streams application id: the consumer group and the prefix of internal topics
 * @param bootstrapServers    Kafka bootstrap servers
 * @param registryUrl         Confluent-compatible schema registry API base
 * @param autoRegisterSchemas register writer schemas on first use (embedded default); false in production
 * @param stateDir            where RocksDB keeps the twins
 * @param standbyReplicas     warm copies of each task's store on other instances (faster fail-over)
 * @param streamThreads       Kafka Streams threads
 * @param topics              topic names; the specs in {@link Topics} by default, private copies in tests and benches
 * @param reorder             the event-time reorder buffer and the silent-pump sweep
 * @param stateEmitInterval   a routine status report that changed nothing material emits the twin state at most once
 *                            per this much event time per pump; zero emits on every applied event
 * @param model               the twin's model parameters (they go into every twin's provenance)
 * @param queryPort           port of the query API and /metrics; 0 picks a free one
 * @param applicationServer   host:port other instances use to reach this one's query API (Kafka Streams
 *                            {@code application.server}); null on a single instance
 * @param streamsOverrides    further Kafka Streams settings (commit interval, cache size) applied last; Kafka
 *                            Streams passes security settings among them ({@link #withKafkaSecurity}) to all its clients
 * @param queryAccess         who may query twins, and which clinics' pumps (the staff token file); nobody by default
 * @param tls                 HTTPS for the query API and /metrics; null serves plain HTTP
 * @param twinStores          where the twins live: {@link TwinTopology.StoreKind#ON_HEAP} by default (every twin on the
 *                            heap, both parts in one table, 1-2 KB per pump as it ages, changelogged),
 *                            {@link TwinTopology.StoreKind#HOT_ON_HEAP} (the part each report rewrites on the heap,
 *                            about 400 bytes per pump, the rest in RocksDB) or
 *                            {@link TwinTopology.StoreKind#PERSISTENT_CHANGELOGGED} (all in RocksDB, for more pumps
 *                            per instance than the heap should hold)
 */
public record TwinEngineConfig(
        String applicationId,
        String bootstrapServers,
        String registryUrl,
        boolean autoRegisterSchemas,
        Path stateDir,
        int standbyReplicas,
        int streamThreads,
        TwinTopicNames topics,
        ReorderSettings reorder,
        Duration stateEmitInterval,
        TwinModelParameters model,
        int queryPort,
        String applicationServer,
        Map<String, Object> streamsOverrides,
        QueryAccess queryAccess,
        TlsSettings tls,
        TwinTopology.StoreKind twinStores) {

    public static final int DEFAULT_QUERY_PORT = 8083;

    public TwinEngineConfig {
        Objects.requireNonNull(applicationId, "applicationId");
        Objects.requireNonNull(bootstrapServers, "bootstrapServers");
        Objects.requireNonNull(stateDir, "stateDir");
        Objects.requireNonNull(topics, "topics");
        Objects.requireNonNull(reorder, "reorder");
        Objects.requireNonNull(stateEmitInterval, "stateEmitInterval");
        Objects.requireNonNull(model, "model");
        if (standbyReplicas < 0 || streamThreads < 1 || stateEmitInterval.isNegative()) {
            throw new IllegalArgumentException("standbyReplicas >= 0, streamThreads >= 1, stateEmitInterval >= 0");
        }
        if (queryPort < 0 || queryPort > 65_535) {
            throw new IllegalArgumentException("queryPort must be 0-65535, was " + queryPort);
        }
        if (applicationServer != null && !applicationServer.matches("[^:]+:\\d+")) {
            throw new IllegalArgumentException("applicationServer must be host:port, was " + applicationServer);
        }
        streamsOverrides = Map.copyOf(streamsOverrides);
        Objects.requireNonNull(queryAccess, "queryAccess");
        Objects.requireNonNull(twinStores, "twinStores");
        if (twinStores == TwinTopology.StoreKind.IN_MEMORY) {
            throw new IllegalArgumentException("IN_MEMORY stores are not changelogged: for in-process replays only");
        }
    }

    /**
     * Defaults for one instance on the given cluster: the project's topics, default model, port 8083. A routine
     * status report writes the state at most hourly: between such reports the reservoir moves by a fraction of
     * a day's volume (0.25 mL/day at 500 mcg/day and 2000 mcg/mL, DOMAIN.md), and everything that changes an
     * estimate materially or raises an event is written at once (measured in bench/: the TwinState record is
     * the largest cost per event).
     */
    public static TwinEngineConfig defaults(String bootstrapServers, String registryUrl, Path stateDir) {
        return new TwinEngineConfig("pumptwin-twin-engine", bootstrapServers, registryUrl, true, stateDir, 1, 1,
                TwinTopicNames.standard(), ReorderSettings.defaults(), Duration.ofHours(1),
                TwinModelParameters.defaults(),
                DEFAULT_QUERY_PORT, null, Map.of(), QueryAccess.none(), null,
                TwinTopology.StoreKind.ON_HEAP);
    }

    public TwinEngineConfig withApplicationId(String id) {
        return new TwinEngineConfig(id, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir, standbyReplicas,
                streamThreads, topics, reorder, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withTopics(TwinTopicNames t) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, t, reorder, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withReorder(ReorderSettings r) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, r, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withStateEmitInterval(Duration d) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, d, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withModel(TwinModelParameters m) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, m, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withQueryServer(int port, String applicationServer) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, model, port, applicationServer,
                streamsOverrides, queryAccess, tls, twinStores);
    }

    public TwinEngineConfig withStreamsOverrides(Map<String, Object> overrides) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, model, queryPort,
                applicationServer, overrides, queryAccess, tls, twinStores);
    }

    /** Who may query, from the staff token file the alert API and the dashboard read. */
    public TwinEngineConfig withQueryAccess(QueryAccess access) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, access, tls, twinStores);
    }

    /** Serves the query API over HTTPS only (null: plain HTTP); instances then call each other over HTTPS. */
    public TwinEngineConfig withTls(TlsSettings settings) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, settings, twinStores);
    }

    /** Where the twins live (see the record's javadoc). */
    public TwinEngineConfig withTwinStores(TwinTopology.StoreKind kind) {
        return new TwinEngineConfig(applicationId, bootstrapServers, registryUrl, autoRegisterSchemas, stateDir,
                standbyReplicas, streamThreads, topics, reorder, stateEmitInterval, model, queryPort, applicationServer,
                streamsOverrides, queryAccess, tls, kind);
    }

    /** Kafka client security (e.g. SASL_SSL) for every client of the engine: Streams passes it to all of them. */
    public TwinEngineConfig withKafkaSecurity(KafkaSecurity security) {
        Map<String, Object> merged = new java.util.HashMap<>(streamsOverrides);
        security.applyTo(merged);
        return withStreamsOverrides(merged);
    }

    /**
     * The topics the engine reads and writes, by name; values always use the specs' Avro types.
     *
     * @param parameters where the model parameter sets its states name by digest are published
     */
    public record TwinTopicNames(String telemetry, String twinState, String twinEvents, String deadLetters,
                                 String parameters) {
        public TwinTopicNames {
            Objects.requireNonNull(telemetry);
            Objects.requireNonNull(twinState);
            Objects.requireNonNull(twinEvents);
            Objects.requireNonNull(deadLetters);
            Objects.requireNonNull(parameters);
        }

        /** With the standard parameters topic: parameter sets are keyed by digest, so engines can share it. */
        public TwinTopicNames(String telemetry, String twinState, String twinEvents, String deadLetters) {
            this(telemetry, twinState, twinEvents, deadLetters, Topics.TWIN_PARAMETERS.name());
        }

        public static TwinTopicNames standard() {
            return new TwinTopicNames(Topics.TELEMETRY.name(), Topics.TWIN_STATE.name(), Topics.TWIN_EVENTS.name(),
                    Topics.TELEMETRY_DLQ.name(), Topics.TWIN_PARAMETERS.name());
        }

        public TwinTopicNames readingFrom(String telemetryTopic) {
            return new TwinTopicNames(telemetryTopic, twinState, twinEvents, deadLetters, parameters);
        }
    }

    /**
     * Event-time ordering and stream-time sweeps.
     *
     * @param window        out-of-order telemetry up to this much older than stream time is applied in event-time
     *                      order; older telemetry is late and applied at the twin's own time
     * @param flushInterval stream time between flushes of the reorder buffer
     * @param sweepInterval stream-time grid of the silent-pump checks: a silent twin is advanced to each grid
     *                      point, so its risks age in steps of this size
     * @param sweepBatch    twins visited per flush slot at most (bounded work; the sweep resumes at its cursor)
     */
    public record ReorderSettings(Duration window, Duration flushInterval, Duration sweepInterval, int sweepBatch) {
        public ReorderSettings {
            if (window.isNegative() || flushInterval.isNegative() || flushInterval.isZero()
                    || sweepInterval.isNegative() || sweepInterval.isZero() || sweepBatch < 1) {
                throw new IllegalArgumentException("window >= 0, flush and sweep intervals > 0, sweepBatch >= 1");
            }
        }

        /**
         * A 10-minute window covers a home communicator and a clinician programmer reporting the same visit
         * through different paths; hourly silent checks are fine-grained against the 24-72 h withdrawal
         * progression (DOMAIN.md, Stetkarova et al. 2015).
         */
        public static ReorderSettings defaults() {
            return new ReorderSettings(Duration.ofMinutes(10), Duration.ofMinutes(1), Duration.ofHours(1), 10_000);
        }
    }
}
