package io.pumptwin.twin.engine;

import io.javalin.Javalin;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.pumptwin.schemas.registry.HttpSchemaRegistryClient;
import io.pumptwin.schemas.registry.RegistrySettings;
import io.pumptwin.schemas.registry.SchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.service.http.HttpRoutes;
import io.pumptwin.service.security.KafkaSecurity;
import io.pumptwin.service.streams.StreamsStartup;
import io.pumptwin.twin.query.TwinQueryApi;
import io.pumptwin.twin.topology.TwinMetrics;
import io.pumptwin.twin.topology.TwinTopology;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.HostInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.net.URI;
import java.time.Duration;
import java.util.Properties;

/**
 * The twin engine as one closeable service: the Kafka Streams application running {@link TwinTopology}
 * (exactly_once_v2), the query API and /metrics, /health, /ready on one HTTP port.
 */
public final class TwinEngine implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TwinEngine.class);

    private final TwinEngineConfig config;
    private final PrometheusMeterRegistry prometheus = meterRegistry();
    private SchemaRegistryClient registry;
    private KafkaStreams streams;
    private KafkaStreamsMetrics streamsMetrics;
    private Javalin app;

    /**
     * The registry /metrics serves. Kafka Streams tags a state store's meters by the store's kind
     * ({@code rocksdb.state.id}, {@code in.memory.state.id}), and Prometheus takes one set of tag keys per meter
     * name: with the hot parts' store on the heap and the cold parts' in RocksDB, the second kind's meters were
     * refused (a WARN at start-up, and no store meters of that kind). Both are tagged {@code state.id}, the store's
     * name, which says which store it is.
     */
    static PrometheusMeterRegistry meterRegistry() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        registry.config()
                .meterFilter(MeterFilter.renameTag("kafka.stream.state", "rocksdb.state.id", "state.id"))
                .meterFilter(MeterFilter.renameTag("kafka.stream.state", "in.memory.state.id", "state.id"));
        return registry;
    }

    public TwinEngine(TwinEngineConfig config) {
        this.config = config;
    }

    public synchronized TwinEngine start() {
        if (streams != null) {
            throw new IllegalStateException("already started");
        }
        registry = new HttpSchemaRegistryClient(new RegistrySettings(URI.create(trimSlash(config.registryUrl())),
                new RegistrySettings.Credentials.None(), 5, Duration.ofMillis(200), Duration.ofSeconds(5)));
        TopicRegistry topics = new TopicRegistry(registry,
                config.autoRegisterSchemas() ? SerdeSettings.autoRegistering() : SerdeSettings.preRegistered());
        if (config.autoRegisterSchemas()) {
            // Register the output subjects once, before any stream thread serializes: stream threads (and
            // instances) registering a new subject at the same moment can get a 409 from the registry.
            registry.register(config.topics().twinState() + "-value", Topics.TWIN_STATE.valueSchema());
            registry.register(config.topics().twinEvents() + "-value", Topics.TWIN_EVENTS.valueSchema());
            registry.register(config.topics().deadLetters() + "-value", Topics.TELEMETRY_DLQ.valueSchema());
        }
        TwinMetrics metrics = new TwinMetrics(prometheus);
        new JvmMemoryMetrics().bindTo(prometheus);

        streams = new KafkaStreams(TwinTopology.build(config, topics, metrics), streamsProperties(config));
        // A failure that escapes the processor (the registry or broker away) is not the record's fault:
        // replace the thread and retry from the last commit rather than stop the engine.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("twin stream thread failed, replacing it error={}", e.toString(), e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(prometheus);
        streams.start();

        HostInfo self = config.applicationServer() == null ? null : HostInfo.buildFromEndpoint(config.applicationServer());
        app = Javalin.create(c -> {
            c.showJavalinBanner = false;
            c.startupWatcherEnabled = false;
            c.jetty.defaultPort = config.queryPort();
            if (config.tls() != null) {
                config.tls().serveOn(c, "0.0.0.0", config.queryPort());
            }
        });
        new TwinQueryApi(streams, self, config.model(), config.queryAccess(),
                config.tls() == null ? null : config.tls().trustingClientContext()).register(app);
        app.get("/health", ctx -> ctx.contentType("application/json").result("{\"status\":\"UP\"}"));
        app.get("/ready", ctx -> {
            KafkaStreams.State s = streams.state();
            boolean ready = s == KafkaStreams.State.RUNNING;
            ctx.status(ready ? 200 : 503).contentType("application/json")
                    .result("{\"status\":\"" + (ready ? "READY" : "NOT_READY") + "\",\"streams\":\"" + s + "\"}");
        });
        app.get("/metrics", ctx -> ctx.contentType("text/plain; version=0.0.4; charset=utf-8")
                .result(prometheus.scrape()));
        app.start();
        log.info("twin engine started applicationId={} kafka={} kafkaSecurity={} registry={} port={} https={} "
                        + "staffTokens={} applicationServer={} telemetry={} reorderWindow={} stateEmitInterval={} "
                        + "parameters={} parametersDigest={}", config.applicationId(), config.bootstrapServers(),
                KafkaSecurity.within(config.streamsOverrides()), config.registryUrl(), port(), config.tls() != null,
                config.queryAccess().size(), config.applicationServer(),
                config.topics().telemetry(), config.reorder().window(), config.stateEmitInterval(),
                config.model().name(), config.model().digest());
        return this;
    }

    /**
     * The Kafka Streams settings the engine runs with: its defaults, then the configuration's overrides. Public
     * so that the throughput benchmark measures the engine as it is deployed.
     *
     * <p>Commit interval 200 ms (exactly_once_v2's default is 100 ms): each commit is a transaction (markers on every
     * output, changelog and offsets partition the thread wrote) and a flush of the stores, and a twin event reaches
     * readers only when its transaction commits. At 1 s, the end-to-end latency from the gateway's 202 to the alert
     * had p99 3.3 s at 5,000 events/s; at 200 ms p99 0.53 s (bench EndToEndLatencyBenchmark). A relayed critical
     * alarm on a high-dose pump is the case where seconds are worth their throughput. TWIN_COMMIT_INTERVAL_MS (the
     * image) or streamsOverrides changes it.
     */
    public static Properties streamsProperties(TwinEngineConfig config) {
        Properties p = new Properties();
        p.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 200);
        // Uncompressed: the stream thread is the engine's bottleneck, and lz4 cost it 7-8% of its CPU (compressing
        // every changelog and state record, and allocating and clearing two 64 KB blocks for every new batch;
        // async-profiler, 2026-12-05). Same-run rounds of StreamsThroughputBenchmark (issue 5), records/s without
        // and with lz4: 88,013/81,948, 82,937/83,580, 87,392/83,880, 92,976/84,693, 91,137/81,690, 73,282/65,585
        // (01:48 run; the 01:27 run's four rounds +14%, +16%, -14%, -4%): a median 8% faster, 9.0 against 9.7 us of
        // stream-thread CPU per record. The price is bytes: 492 per telemetry record on the broker against 176
        // (the twins' changelog records, about 400 bytes each, shrank to about 0.44); at a fleet's own rate (100,000
        // pumps reporting every 15 minutes: 111 records/s) that is 55 KB/s, and the compacted topics hold one record
        // per pump. A deployment short of network rather than CPU sets producer.compression.type back to lz4
        // (streamsOverrides).
        p.put(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "none");
        // Bigger producer batches: with the producer's 16 KB default every few hundred changelog records opened a
        // new batch, and each lz4 batch allocated two 64 KB blocks (a fifth of the stream thread's allocation in
        // JFR, when compressed); fewer, larger batches also cost the broker fewer requests. Linger stays short: a
        // long one left more to send when the commit flushes, and the stream thread waits for that flush. Same-run
        // benchmark on a quiet machine (issue 5), records/s and process CPU per record: 56,436 and 25.4 us at
        // linger 5 ms / 16 KB, 73,346 and 17.4 us at 5 ms / 256 KB, 67,859 and 18.6 us at 20 ms / 256 KB, 58,938
        // and 21.6 us at 100 ms / 256 KB. Memory: the producer reserves a whole batch for every partition it is filling, so the
        // buffer must hold one per output partition (the store changelogs, twin states, twin events, dead
        // letters): 256 KB batches and a 64 MB buffer leave room for 24 partitions a topic.
        // Deeper input buffers: with Kafka Streams' defaults (1,000 records buffered per partition, 1,000 a poll) the
        // stream thread drained its partitions evenly, all of them paused and resumed together, and it waited for the
        // next fetch: 6.4% of its wall clock in epoll/futex waits under the consumer's poll (async-profiler, wall
        // mode, 2026-12-05 02:20). 20,000 records a partition is 4 MB of 200-byte reports. Same-run rounds of
        // StreamsThroughputBenchmark (issue 5), records/s with and without: 102,788/78,516, 94,255/86,092,
        // 78,109/75,174, 93,761/94,052, 90,714/89,502, 93,617/85,123 (02:32); 96,650/85,773, 92,488/79,854,
        // 98,422/96,787, 90,068/95,539 (02:24): faster in 8 rounds of 10, a median 6%; 5,000 a partition with
        // 1,000 a poll was not (-8% to +12%).
        p.put(StreamsConfig.BUFFERED_RECORDS_PER_PARTITION_CONFIG, 20_000);
        p.put(StreamsConfig.consumerPrefix(ConsumerConfig.MAX_POLL_RECORDS_CONFIG), 5_000);
        // Start-up and fail-over (StreamsStartup: the restore consumer's empty-fetch wait and Streams' check of its new
        // internal topics, shared with alerting): 1.6 s from start to RUNNING on empty changelogs before, where the
        // bare aggregate took 0.75 s. The benchmark counts start-up in each run's time (a replay or a fail-over pays it
        // too): same-run rounds of StreamsThroughputBenchmark, ratio to the baseline 0.77 and 0.73 against 0.70 and
        // 0.47 without (04:40, two rounds); in the full runs after it the engine starts as fast as the aggregate
        // (0.7-0.9 s) and its median ratio stayed within the noise (0.67 at 04:50, 0.60 at 05:58): the gain is a
        // take-over's second, not the rate.
        StreamsStartup.applyTo(p);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.LINGER_MS_CONFIG), 5);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BATCH_SIZE_CONFIG), 256 * 1024);
        p.put(StreamsConfig.producerPrefix(ProducerConfig.BUFFER_MEMORY_CONFIG), 64L * 1024 * 1024);
        p.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        p.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, config.bootstrapServers());
        p.put(StreamsConfig.STATE_DIR_CONFIG, config.stateDir().toString());
        p.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        p.put(StreamsConfig.NUM_STANDBY_REPLICAS_CONFIG, config.standbyReplicas());
        p.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, config.streamThreads());
        if (config.applicationServer() != null) {
            p.put(StreamsConfig.APPLICATION_SERVER_CONFIG, config.applicationServer());
        }
        p.putAll(config.streamsOverrides());
        return p;
    }

    /** The HTTP port actually bound (differs from the configured one when that was 0). */
    public int port() {
        if (app == null) {
            throw new IllegalStateException("not started");
        }
        return app.port();
    }

    /**
     * Every HTTP route this service serves, as {@code "GET /path"}: the security tests check that each
     * one is guarded (or deliberately open), so a route added later cannot slip past them.
     */
    public synchronized java.util.List<String> routes() {
        return HttpRoutes.of(app);
    }

    public KafkaStreams.State state() {
        return streams == null ? KafkaStreams.State.CREATED : streams.state();
    }

    public PrometheusMeterRegistry meters() {
        return prometheus;
    }

    @Override
    public synchronized void close() {
        if (app != null) {
            app.stop();
        }
        if (streams != null) {
            StreamsStartup.close(streams, Duration.ofSeconds(30)); // leaves the group: a restart takes over at once
        }
        if (streamsMetrics != null) {
            streamsMetrics.close();
        }
        if (registry != null) {
            try {
                registry.close();
            } catch (Exception e) {
                log.warn("schema registry client close failed error={}", e.toString());
            }
        }
        log.info("twin engine stopped applicationId={}", config.applicationId());
    }

    private static String trimSlash(String url) {
        return url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    }
}
