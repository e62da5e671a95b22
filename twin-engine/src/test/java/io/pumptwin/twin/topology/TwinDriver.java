package io.pumptwin.twin.topology;

import io.pumptwin.events.DeadLetter;
import io.pumptwin.events.ModelParameterSet;
import io.pumptwin.events.TelemetryEnvelope;
import io.pumptwin.events.TwinEvent;
import io.pumptwin.events.TwinState;
import io.pumptwin.schemas.registry.InMemorySchemaRegistryClient;
import io.pumptwin.schemas.serde.SerdeSettings;
import io.pumptwin.schemas.topics.TopicRegistry;
import io.pumptwin.schemas.topics.Topics;
import io.pumptwin.twin.engine.TwinEngineConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/** The twin topology under TopologyTestDriver, with typed input and output topics; no broker. */
final class TwinDriver implements AutoCloseable {
    /** TopologyTestDriver's wall clock, fixed so dead letters' occurredAt is reproducible. */
    static final Instant WALL_CLOCK = Instant.parse("2026-11-24T12:00:00Z");

    final TopicRegistry topics = new TopicRegistry(new InMemorySchemaRegistryClient(),
            SerdeSettings.autoRegistering());
    final TwinEngineConfig config;
    final TopologyTestDriver driver;
    private final TestInputTopic<String, byte[]> input;
    private final TestOutputTopic<String, TwinState> states;
    private final TestOutputTopic<String, TwinEvent> events;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private final TestOutputTopic<String, ModelParameterSet> parameters;
    final List<TestRecord<String, TwinState>> stateLog = new ArrayList<>();
    final List<TestRecord<String, TwinEvent>> eventLog = new ArrayList<>();
    final List<TestRecord<String, DeadLetter>> deadLetterLog = new ArrayList<>();
    final List<TestRecord<String, ModelParameterSet>> parameterLog = new ArrayList<>();

    /** State written on every applied event, so each step of a story is visible on the state topic. */
    TwinDriver() {
        this(c -> c.withStateEmitInterval(java.time.Duration.ZERO));
    }

    TwinDriver(java.util.function.UnaryOperator<TwinEngineConfig> configure) {
        this(configure, TwinMetrics.none());
    }

    TwinDriver(java.util.function.UnaryOperator<TwinEngineConfig> configure, TwinMetrics metrics) {
        Path dir;
        try {
            dir = Files.createTempDirectory("twin-ttd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        config = configure.apply(TwinEngineConfig.defaults("unused:9092", "unused", dir));
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, "twin-ttd");
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, dir.toString());
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(TwinTopology.build(config, topics, metrics), props, WALL_CLOCK);
        var names = config.topics();
        input = driver.createInputTopic(names.telemetry(), new StringSerializer(), new ByteArraySerializer());
        states = driver.createOutputTopic(names.twinState(), new StringDeserializer(),
                topics.topic(Topics.TWIN_STATE).valueSerde().deserializer());
        events = driver.createOutputTopic(names.twinEvents(), new StringDeserializer(),
                topics.topic(Topics.TWIN_EVENTS).valueSerde().deserializer());
        deadLetters = driver.createOutputTopic(names.deadLetters(), new StringDeserializer(),
                topics.topic(Topics.TELEMETRY_DLQ).valueSerde().deserializer());
        parameters = driver.createOutputTopic(names.parameters(), new StringDeserializer(),
                topics.topic(Topics.TWIN_PARAMETERS).valueSerde().deserializer());
    }

    byte[] encode(TelemetryEnvelope e) {
        return topics.topic(Topics.TELEMETRY).valueSerde().serializer().serialize(config.topics().telemetry(), e);
    }

    void send(TelemetryEnvelope... envelopes) {
        for (TelemetryEnvelope e : envelopes) {
            input.pipeInput(e.getPumpSerial(), encode(e));
        }
        drain();
    }

    void sendRaw(String key, byte[] value) {
        input.pipeInput(key, value);
        drain();
    }

    private void drain() {
        stateLog.addAll(states.readRecordsToList());
        eventLog.addAll(events.readRecordsToList());
        deadLetterLog.addAll(deadLetters.readRecordsToList());
        parameterLog.addAll(parameters.readRecordsToList());
    }

    /** The latest state written per pump. */
    Map<String, TwinState> latestStates() {
        Map<String, TwinState> latest = new LinkedHashMap<>();
        stateLog.forEach(r -> latest.put(r.key(), r.value()));
        return latest;
    }

    TwinState latest(String serial) {
        return latestStates().get(serial);
    }

    List<TwinEvent> events(String serial) {
        return eventLog.stream().map(TestRecord::value).filter(e -> e.getPumpSerial().equals(serial)).toList();
    }

    /** The pump's conditions raised and not cleared, from the event log. */
    java.util.Set<io.pumptwin.events.TwinEventType> openConditions(String serial) {
        java.util.Set<io.pumptwin.events.TwinEventType> open =
                java.util.EnumSet.noneOf(io.pumptwin.events.TwinEventType.class);
        for (TwinEvent e : events(serial)) {
            if (e.getTransition() == io.pumptwin.events.TwinEventTransition.CLEARED) {
                open.remove(e.getType());
            } else {
                open.add(e.getType());
            }
        }
        return open;
    }

    @Override
    public void close() {
        driver.close();
    }
}
