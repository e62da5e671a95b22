package io.pumptwin.bench.detection;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.pumptwin.alerting.AlertingConfig;
import io.pumptwin.alerting.api.ApiAccess;
import io.pumptwin.alerting.lifecycle.EscalationPolicy;
import io.pumptwin.alerting.lifecycle.SeverityPolicy;
import io.pumptwin.alerting.notify.OnCallRouting;
import io.pumptwin.alerting.notify.RetryPolicy;
import io.pumptwin.alerting.stream.AlertingTopology;
import io.pumptwin.events.AlertEvent;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.TwinModelParameters;
import io.pumptwin.twin.engine.TwinEngineConfig;
import io.pumptwin.twin.topology.TwinTopology;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * The production twin and alerting topologies, chained in-process under {@link TopologyTestDriver}: telemetry
 * in, twin states, twin events and alert events out. Both topologies move on event time only, so no wall
 * clock is advanced and the same telemetry always gives the same output. The twin's events are piped into
 * the alerting driver as they come out, exactly as {@code pump.twin.events.v1} would carry them.
 */
final class InProcessPipeline implements AutoCloseable {
    /** TopologyTestDriver's wall clock, fixed: only dead letters' occurredAt would read it. */
    private static final Instant WALL_CLOCK = Instant.parse("2026-11-24T12:00:00Z");

    private final Path stateDir;
    private final TopologyTestDriver twin;
    private final TopologyTestDriver alerting;
    private final TestInputTopic<String, TelemetryEnvelope> telemetry;
    private final TestOutputTopic<String, TwinState> states;
    private final TestOutputTopic<String, TwinEvent> twinEvents;
    private final TestInputTopic<String, TwinEvent> alertingInput;
    private final TestOutputTopic<String, AlertEvent> alerts;
    private final Consumer<TwinState> onState;
    private final Consumer<TwinEvent> onTwinEvent;
    private final Consumer<AlertEvent> onAlert;
    private final Map<String, TestOutputTopic<byte[], byte[]>> twinUnread = new HashMap<>();
    private final Map<String, TestOutputTopic<byte[], byte[]>> alertingUnread = new HashMap<>();
    private long sent;
    private static final int DISCARD_EVERY = 2_000;
    private static final Set<String> READ_TOPICS = Set.of(Topics.TWIN_STATE.name(), Topics.TWIN_EVENTS.name(),
            Topics.ALERTS.name());

    InProcessPipeline(TwinModelParameters model, SeverityPolicy severity, Consumer<TwinState> onState,
                      Consumer<TwinEvent> onTwinEvent, Consumer<AlertEvent> onAlert) {
        this.onState = onState;
        this.onTwinEvent = onTwinEvent;
        this.onAlert = onAlert;
        try {
            // RocksDB flushes its memtable at every TopologyTestDriver commit (one per record): in memory when possible.
            Path shm = Path.of("/dev/shm");
            stateDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "detection-eval-") : Files.createTempDirectory("detection-eval-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(), SerdeSettings.autoRegistering());
        // The production configuration (hourly routine state, default reorder window), only the model may differ.
        TwinEngineConfig twinConfig = TwinEngineConfig.defaults("unused:9092", "unused", stateDir.resolve("twin"))
                .withModel(model);
        Properties twinProps = new Properties();
        twinProps.put(StreamsConfig.APPLICATION_ID_CONFIG, "detection-twin");
        twinProps.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        twinProps.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.resolve("twin").toString());
        twinProps.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        twin = new TopologyTestDriver(TwinTopology.build(twinConfig, topics), twinProps, WALL_CLOCK);
        var names = twinConfig.topics();
        telemetry = twin.createInputTopic(names.telemetry(), new StringSerializer(),
                topics.topic(Topics.TELEMETRY).valueSerde().serializer());
        states = twin.createOutputTopic(names.twinState(), new StringDeserializer(),
                topics.topic(Topics.TWIN_STATE).valueSerde().deserializer());
        twinEvents = twin.createOutputTopic(names.twinEvents(), new StringDeserializer(),
                topics.topic(Topics.TWIN_EVENTS).valueSerde().deserializer());

        AlertingConfig alertingConfig = new AlertingConfig("unused:9092", "detection-alerting",
                stateDir.resolve("alerting"), severity, EscalationPolicy.defaults(), Duration.ofMinutes(1), 0,
                "127.0.0.1", 0, ApiAccess.none(), new OnCallRouting(Map.of(), Map.of()), null,
                RetryPolicy.defaults(), Duration.ofSeconds(5), Map.of())
                // Stream time only: an evaluation run must be deterministic, whatever the wall clock does.
                .withAlertClock(io.pumptwin.alerting.stream.AlertClock.STREAM_TIME);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        alerting = new TopologyTestDriver(AlertingTopology.build(alertingConfig, topics, meters),
                AlertingTopology.streamsConfig(alertingConfig, topics, meters), WALL_CLOCK);
        var te = topics.topic(Topics.TWIN_EVENTS);
        var ae = topics.topic(Topics.ALERTS);
        alertingInput = alerting.createInputTopic(te.name(), te.keySerde().serializer(), te.valueSerde().serializer());
        alerts = alerting.createOutputTopic(ae.name(), ae.keySerde().deserializer(), ae.valueSerde().deserializer());
    }

    /** One telemetry record, in event-time order; everything it causes is handed to the consumers. */
    void send(TelemetryEnvelope e) {
        telemetry.pipeInput(e.getPumpSerial(), e, e.getEventTime());
        drain();
        if (++sent % DISCARD_EVERY == 0) {
            discardUnread(twin, twinUnread);
            discardUnread(alerting, alertingUnread);
        }
    }

    /**
     * TopologyTestDriver keeps every record its topologies produce, changelogs and dead letters included, until read:
     * months of a fleet's twin changelog would fill the heap. Records of topics the evaluation does not read are
     * dropped here (the twin and alert topics are read as they come).
     */
    private static void discardUnread(TopologyTestDriver driver, Map<String, TestOutputTopic<byte[], byte[]>> unread) {
        for (String topic : driver.producedTopicNames()) {
            if (READ_TOPICS.contains(topic)) {
                continue;
            }
            unread.computeIfAbsent(topic, t -> driver.createOutputTopic(t, new ByteArrayDeserializer(),
                    new ByteArrayDeserializer())).readRecordsToList();
        }
    }

    private void drain() {
        if (!states.isEmpty()) {
            for (TestRecord<String, TwinState> r : states.readRecordsToList()) {
                onState.accept(r.value());
            }
        }
        if (!twinEvents.isEmpty()) {
            for (TestRecord<String, TwinEvent> r : twinEvents.readRecordsToList()) {
                TwinEvent event = r.value();
                onTwinEvent.accept(event);
                alertingInput.pipeInput(event.getPumpSerial(), event, event.getEventTime());
            }
            for (TestRecord<String, AlertEvent> r : alerts.readRecordsToList()) {
                onAlert.accept(r.value());
            }
        }
    }

    @Override
    public void close() {
        twin.close();
        alerting.close();
        try (Stream<Path> files = Files.walk(stateDir)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // A temporary directory left behind is harmless; the evaluation's figures do not depend on it.
        }
    }
}
